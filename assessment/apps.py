from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "assessment.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (assessment/access.py).
        from assessment import access

        access.register()

    def menu(self, user):
        from assessment import access

        return access.menu(user)

    def enrolment_links(self, user, enrolment):
        from assessment import access

        return access.enrolment_links(user, enrolment)
