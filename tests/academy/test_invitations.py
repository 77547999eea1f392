"""Invitations and "Forgot your password?" (academy/invitations.py), end to end by email.

The pages password_reset, password_reset_done, password_reset_confirm and
password_reset_complete are public: anyone may ask for a link, and only the emailed link
sets a password.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy import invitations
from academy.models import Person
from tests import factories

PASSWORD = "a-new-long-passphrase"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/set/[^\s]+/)")


def invited_person(**kwargs):
    """A person as the import makes them: a login with no usable password."""
    user = factories.UserFactory(password=None)
    user.set_unusable_password()
    user.email = kwargs.pop("email", "new.starter@example.org")
    user.save()
    return factories.PersonFactory(user=user, email=user.email, **kwargs)


def link_in(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def set_password(client, path, password=PASSWORD):
    """Open the emailed link and choose a password; the final response."""
    response = client.get(path)
    # Django moves the token out of the URL into the session, then shows the form.
    assert response.status_code == 302
    form_url = response.url
    response = client.get(form_url)
    assert response.context["validlink"], "the link should be valid"
    return client.post(
        form_url, {"new_password1": password, "new_password2": password}, follow=True
    )


def signs_in(client, username, password=PASSWORD):
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_invitation_link_sets_the_password_once(client):
    person = invited_person()
    assert invitations.send_invitation(person, base_url="https://academy.example.org")

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert person.user.username in message.body
    assert "https://academy.example.org/accounts/password/set/" in message.body
    path = link_in(message)

    response = set_password(client, path)
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Password set" in response.text
    assert signs_in(client, person.user.username)

    # The same link again: the password hash changed, so the token no longer matches.
    client.logout()
    response = client.get(path, follow=True)
    assert response.context["validlink"] is False
    assert "expired or has already been used" in response.text


@pytest.mark.django_db
def test_invitation_link_expires(client, settings):
    person = invited_person()
    invitations.send_invitation(person, base_url="http://testserver")
    path = link_in(mail.outbox[0])

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = client.get(path, follow=True)
    assert response.context["validlink"] is False
    assert not person.user.__class__.objects.get(pk=person.user.pk).has_usable_password()


def test_invitations_expire_after_a_week_by_default():
    assert settings.PASSWORD_RESET_TIMEOUT == 7 * 24 * 60 * 60


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_the_link_still_works(client):
    person = invited_person()
    invitations.send_invitation(person, base_url="http://testserver")
    path = link_in(mail.outbox[0])
    response = set_password(client, path, password="12345")
    assert response.redirect_chain == []
    assert "The password was not set" in response.text
    response = set_password(client, path)
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")


@pytest.mark.django_db
def test_inactive_login_or_no_email_gets_no_invitation():
    person = invited_person()
    person.user.is_active = False
    person.user.save()
    assert invitations.send_invitation(person, base_url="http://testserver") is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_invite_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    person = invited_person()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_on_commit([person], base_url="http://testserver")
        assert mail.outbox == []
    assert len(mail.outbox) == 1


# --- Forgot your password? ------------------------------------------------------------------


def test_login_page_links_to_forgot_password(client):
    response = client.get(reverse("login"))
    assert reverse("password_reset") in response.text
    assert "Forgot your password?" in response.text


@pytest.mark.django_db
def test_forgot_password_resets_a_password(client):
    user = factories.UserFactory(username="known.user", email="known@example.org")
    factories.PersonFactory(user=user, email=user.email)

    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert "Forgot your password?" in response.text
    response = client.post(reverse("password_reset"), {"email": "KNOWN@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert client.get(response.url).status_code == 200

    (message,) = mail.outbox
    assert message.to == ["known@example.org"]
    response = set_password(client, link_in(message))
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert signs_in(client, "known.user")
    assert not signs_in(client, "known.user", password="correct-horse-battery")


@pytest.mark.django_db
def test_forgot_password_also_reaches_someone_who_never_used_the_invitation(client):
    person = invited_person(email="lost.invite@example.org")
    client.post(reverse("password_reset"), {"email": "lost.invite@example.org"})
    (message,) = mail.outbox
    set_password(client, link_in(message))
    assert signs_in(client, person.user.username)


@pytest.mark.django_db
def test_forgot_password_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_reset_pages_open_when_signed_in_too(client, people):
    client.force_login(people["nqsw"].user)
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200
    bogus = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    assert client.get(bogus).context["validlink"] is False


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    return user


@pytest.mark.django_db
def test_a_person_added_in_the_admin_is_invited(
    client, superuser, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    user = get_user_model().objects.create_user("added.in.admin", email="added@example.org")
    assert not user.has_usable_password()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:academy_person_add"),
            {
                "user": user.pk,
                "staff_id": "ADM1",
                "full_name": "Added Person",
                "email": "added@example.org",
                "role": Person.Role.SOCIAL_WORKER,
                "service": factories.service("CAI").pk,
                "swe_registration": "",
                "_save": "Save",
            },
        )
    assert response.status_code == 302, response.context["adminform"].errors
    (message,) = mail.outbox
    assert message.to == ["added@example.org"]
    assert "added.in.admin" in message.body
    path = link_in(message)
    client.logout()
    set_password(client, path)
    assert signs_in(client, "added.in.admin")


@pytest.mark.django_db
def test_administrator_resends_an_invitation(client, superuser):
    first, second = invited_person(email="one@example.org"), invited_person(email="two@example.org")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:academy_person_changelist"),
        {"action": "send_invitation", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 of 2 invitations sent" in response.text
    assert sorted(message.to[0] for message in mail.outbox) == [
        "one@example.org",
        "two@example.org",
    ]
    client.logout()
    set_password(client, link_in(mail.outbox[0]))


@pytest.mark.django_db
def test_only_administrators_reach_the_resend_action(client, people):
    # The admin is for staff users; an NQSW, PM or assessor is sent to the admin's login.
    for person in (people["nqsw"], people["pm"], people["assessor"]):
        client.force_login(person.user)
        response = client.post(
            reverse("admin:academy_person_changelist"),
            {"action": "send_invitation", "_selected_action": [people["nqsw"].pk]},
        )
        assert response.status_code == 302 and "/admin/login/" in response.url
    assert mail.outbox == []
