from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy organisation"

    def ready(self):
        # Each app registers its own object permissions with `rules` (academy/access.py).
        from academy import access

        access.register()
