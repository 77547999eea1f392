"""Issue 10 item 11 in the browser: an administrator imports a starter, the starter opens
the emailed link, sets a password and signs in; then "Forgot your password?" works too."""

import re

import pytest
from django.core import mail

from academy.models import Person
from tests import factories
from tests.browser.conftest import sign_in
from tests.cohorts.test_import_view import GOOD

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/set/[^\s]+/)")
NEW_PASSWORD = "a-long-new-passphrase-42"


def emailed_path(message) -> str:
    return LINK.search(message.body).group(1)


def set_password(page, path):
    page.goto(path)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state("load")


def test_an_imported_starter_signs_in_from_the_emailed_link(
    page, assert_page_ok, tmp_path, django_capture_on_commit_callbacks
):
    admin = factories.PersonFactory(role=Person.Role.ADMIN)
    sign_in(page, admin.user.username, "correct-horse-battery")
    page.goto("/people/import/")
    assert_page_ok()
    starters = tmp_path / "starters.csv"
    starters.write_text(GOOD)
    page.get_by_label("Starters CSV").set_input_files(str(starters))
    # The invitations go out when the import commits; the test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Import").click()
        page.wait_for_load_state("load")
    assert "Imported" in page.get_by_role("status").inner_text()
    starter = Person.objects.get(staff_id="NQ1")
    (invitation,) = [m for m in mail.outbox if m.to == [starter.email]]

    page.context.clear_cookies()
    set_password(page, emailed_path(invitation))
    assert page.get_by_role("heading", level=1).inner_text() == "Password set"
    assert_page_ok()
    sign_in(page, starter.user.username, NEW_PASSWORD)
    assert "Sign in" not in page.get_by_role("heading", level=1).inner_text()
    assert starter.full_name in page.content()

    # The same link a second time is refused: it was for one use.
    page.context.clear_cookies()
    page.goto(emailed_path(invitation))
    assert "expired or has already been used" in page.content()

    # Forgotten later: the login page's link emails a new one.
    mail.outbox.clear()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_page_ok()
    page.get_by_label("Email address").fill(starter.email)
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    (reset,) = mail.outbox
    set_password(page, emailed_path(reset))
    assert page.get_by_role("heading", level=1).inner_text() == "Password set"
