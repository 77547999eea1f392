"""The home pages of issue 11 in a real browser: each role's home and the lists behind its
counts have zero axe violations; the NQSW's timeline is an SVG with its list, and the
coverage table opens from its summary."""

import pytest
from playwright.sync_api import expect

from home import waiting
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LISTS = {
    "pm.demo": waiting.PM_LISTS,
    "gm.demo": waiting.PM_LISTS,
    "assessor.demo": waiting.ASSESSOR_LISTS,
}


@pytest.mark.parametrize("username", LISTS)
def test_each_count_opens_an_accessible_list(page, assert_page_ok, demo_users, username):
    sign_in(page, username)
    expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
    assert_page_ok()
    for key in LISTS[username]:
        page.locator("#waiting-counts").get_by_role("link", name=waiting.TITLES[key]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(waiting.TITLES[key])
        assert_page_ok()
        page.go_back()


def test_the_nqsws_year_and_coverage(page, assert_page_ok, demo_users):
    sign_in(page, "nqsw.demo")
    expect(page.get_by_role("img", name="Timeline of your ASYE")).to_be_visible()
    expect(page.locator("#year-list li").first).to_contain_text("ASYE starts")
    expect(page.locator("#year-list li").last).to_contain_text("ASYE ends")
    page.get_by_text("The coverage as a table").click()
    expect(page.locator("#coverage-table")).to_be_visible()
    # PROTECTED-TIME (issue 12): the share of time to date against 10%.
    expect(page.locator("#progress-protected")).to_contain_text("against 10%")
    assert_page_ok()


def test_the_gms_nqsws_without_a_destination(page, assert_page_ok, demo_users):
    """MOVE-ON (issue 12): the panel is on the group manager's home whatever the month."""
    sign_in(page, "gm.demo")
    expect(page.get_by_role("heading", name="NQSWs without a destination")).to_be_visible()
    assert_page_ok()


def test_the_chairs_panel_and_glance(page, assert_page_ok, demo_users):
    sign_in(page, "chair.demo")
    expect(page.get_by_role("heading", name="Next moderation panel")).to_be_visible()
    expect(page.get_by_role("heading", name="Cohorts at a glance")).to_be_visible()
    assert_page_ok()
