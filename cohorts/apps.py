from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    # The ASYE demo is cohorts.demo.build, which seed_demo calls first; this step adds the
    # two-year ECDP pilot cohort beside it (issue 14).
    demo_step = "cohorts.demo_ecdp"

    def ready(self):
        # Each app registers its own object permissions with `rules` (cohorts/access.py).
        from cohorts import access

        access.register()

    def menu(self, user):
        from cohorts import access

        return access.menu(user)
