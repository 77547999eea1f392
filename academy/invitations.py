"""Invitations: a new person's first password, set through a one-time link sent by email.

Imported starters and people made in the admin get a login with no usable password, so
nobody knows it, not even the administrator. The invitation carries a set-password link made
by Django's PasswordResetTokenGenerator and handled by its PasswordResetConfirmView:

- it works once: the token is a hash over the user's password hash and last login, so
  setting the password (or signing in) makes every earlier link stale;
- it expires PASSWORD_RESET_TIMEOUT seconds after it was made (settings);
- an administrator sends a fresh one from the admin (Person action "Send a new invitation").

"Forgot your password?" on the login page uses the same view and token, through
InvitationAwareResetForm, so a starter who lost the invitation can ask for another link.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

logger = logging.getLogger(__name__)

SUBJECT = "Your ASYE Academy account: set your password"


def set_password_path(user) -> str:
    """The site-relative one-time link for this user's password, valid from now."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})


def site_url(request=None) -> str:
    """Where links in emails point: the request's own host, else settings.ACADEMY_URL."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.ACADEMY_URL.rstrip("/")


def send_invitation(person, *, base_url: str) -> bool:
    """Email the person a set-password link; False when it could not be sent."""
    user = person.user
    email = person.email or user.email
    if not email or not user.is_active:
        return False
    context = {
        "person": person,
        "username": user.get_username(),
        "link": base_url + set_password_path(user),
        "login_link": base_url + reverse("login"),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
    }
    body = render_to_string("registration/invitation_email.txt", context)
    try:
        EmailMessage(subject=SUBJECT, body=body, to=[email]).send()
    except OSError:
        # The mail server refused or was unreachable: the person exists; the administrator
        # resends from the admin once mail works.
        logger.exception("Invitation to %s could not be sent", email)
        return False
    return True


# How often send_invitations says how far it has got.
PROGRESS_EVERY = 100


def send_invitations(people, *, base_url: str, progress=None) -> int:
    """Invite each person; the number of emails sent. progress, if given, is called as
    progress(done, total) every PROGRESS_EVERY people and at the end."""
    people = list(people)
    sent = 0
    for done, person in enumerate(people, 1):
        sent += send_invitation(person, base_url=base_url)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(people)):
            progress(done, len(people))
    return sent


def invite_on_commit(people, *, base_url: str, progress=None) -> None:
    """Invite the people once the transaction that created them commits.

    A rolled-back import (a dry run, or a file with a bad row) sends nothing, and nobody is
    sent a link to a login that does not exist.
    """
    people = list(people)
    if people:
        transaction.on_commit(
            lambda: send_invitations(people, base_url=base_url, progress=progress)
        )


class InvitationAwareResetForm(PasswordResetForm):
    """Django's reset form, also for an invited person who never set a password.

    Django's own form skips users without a usable password (they may sign in some other
    way); here every login signs in by password, and an unusable one only means the
    invitation was never used.
    """

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.casefold() == email.casefold())
