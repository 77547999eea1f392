"""The sign-in backend: Django's ModelBackend, reading the staff profile with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithPerson(ModelBackend):
    """Every signed-in page reads the user, then `person_of(user)` and often the person's
    service (the navigation, the home page): one query instead of three (issue 11's budget
    of 15 queries a home page counts the session and sign-in reads too). A user with no
    staff profile (a bare superuser) still loads; `person_of` then finds none."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("person__service")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
