from academy import access


def navigation(request):
    """What the navigation bar offers depends on the role (the pages still check access)."""
    user = getattr(request, "user", None)
    person = access.person_of(user)
    return {
        "current_person": person,
        "nav_is_admin": access.is_administrator(user) if user else False,
        "nav_sees_all": access.sees_every_cohort(user) if user else False,
    }
