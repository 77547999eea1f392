from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "caseloads"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "caseloads.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (caseloads/access.py).
        from caseloads import access

        access.register()

    def menu(self, user):
        from caseloads import access

        return access.menu(user)

    def enrolment_links(self, user, enrolment):
        from caseloads import access

        return access.enrolment_links(user, enrolment)
