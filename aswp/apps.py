from django.apps import AppConfig


class AswpConfig(AppConfig):
    name = "aswp"
    verbose_name = "Advanced social work professionals"
    # seed_demo's step for this app (home/management/commands/seed_demo.py).
    demo_step = "aswp.demo"

    def ready(self):
        # Each app registers its own object permissions with `rules` (aswp/access.py).
        from aswp import access

        access.register()

    def menu(self, user):
        from aswp import access

        return access.menu(user)
