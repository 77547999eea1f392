from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy organisation"

    def ready(self):
        # Registers the object permissions with `rules`.
        from academy import access  # noqa: F401
