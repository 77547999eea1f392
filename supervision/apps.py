from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "supervision.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (supervision/access.py).
        from supervision import access

        access.register()

    def menu(self, user):
        from supervision import access

        return access.menu(user)

    def enrolment_links(self, user, enrolment):
        from supervision import access

        return access.enrolment_links(user, enrolment)
