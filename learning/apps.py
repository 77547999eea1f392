from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning and development"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "learning.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (learning/access.py).
        from learning import access, pathway_access

        access.register()
        pathway_access.register()

    def menu(self, user):
        from learning import access, pathway_access

        return access.menu(user) + pathway_access.menu(user)

    def enrolment_links(self, user, enrolment):
        from learning import access

        return access.enrolment_links(user, enrolment)
