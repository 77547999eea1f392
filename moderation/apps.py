from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "moderation.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (moderation/access.py).
        from moderation import access

        access.register()

    def menu(self, user):
        from moderation import access

        return access.menu(user)

    def enrolment_links(self, user, enrolment):
        from moderation import access

        return access.enrolment_links(user, enrolment)
