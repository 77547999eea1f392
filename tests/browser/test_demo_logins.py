"""Every demo login signs in, lands on an accessible home page, and can sign out."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_LOGINS, sign_in

# Live-server tests commit for real; serialized rollback puts back the rows the data
# migrations seed (services, policies), which the flush after each test would remove.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_login_page_is_accessible(page, assert_page_ok, demo_users):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_page_ok()


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_demo_login_lands_on_accessible_home(
    page, assert_page_ok, live_server, demo_users, username
):
    sign_in(page, username)

    expect(page).to_have_url(f"{live_server.url}/")
    role, heading = DEMO_LOGINS[username]
    person = demo_users[username].person
    assert person.role == role
    expect(page.get_by_role("heading", level=1)).to_have_text(heading or person.full_name)
    assert_page_ok()


def test_wrong_password_shows_error_and_stays_on_login(
    page, assert_page_ok, live_server, demo_users
):
    sign_in(page, "pm.demo", password="not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_page_ok()


def test_sign_out_returns_to_login(page, assert_page_ok, live_server, demo_users):
    sign_in(page, "nqsw.demo")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_page_ok()
