from django.apps import apps
from django.utils.functional import SimpleLazyObject

from academy.access import is_administrator, person_of
from academy.navigation import MenuItem
from home.waiting import waiting_count


def navigation(request):
    """The navigation bar: Home, each app's entries for this user (AppConfig.menu, in
    INSTALLED_APPS order), then the Django admin for administrators."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append(MenuItem("Home", "home"))
        for config in apps.get_app_configs():
            menu = getattr(config, "menu", None)
            if menu is not None:
                items.extend(menu(user))
        if is_administrator(user):
            items.append(MenuItem("Administration", "admin:index"))
    match = getattr(request, "resolver_match", None)
    person = person_of(user)
    signed_in = user is not None and user.is_authenticated
    return {
        "current_person": person,
        # What waits on the signed-in person, as a badge on Home (issue 11). Lazy: the home
        # page already counts it for its own panels and passes that, which then costs nothing.
        "waiting_count": SimpleLazyObject(lambda: waiting_count(user, person)) if signed_in else 0,
        "menu": [(item, item.is_current(match)) for item in items],
    }
