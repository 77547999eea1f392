from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Academy organisation"

    def ready(self):
        # Each app registers its own object permissions with `rules` (academy/access.py).
        from django.contrib.auth.signals import user_logged_in

        from academy import access, lookups  # noqa: F401 - registers __in_array
        from academy.middleware import refreshed_at_sign_in

        access.register()
        # Session plumbing, not a rule: the idle timeout's clock starts at sign-in.
        user_logged_in.connect(refreshed_at_sign_in, dispatch_uid="academy-idle-refresh")
