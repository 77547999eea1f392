from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        # Each app registers its own object permissions with `rules` (cohorts/access.py).
        from cohorts import access

        access.register()

    def menu(self, user):
        from cohorts import access

        return access.menu(user)
