"""The MASH rota pages (issue 12, MASH-ROTA) in a real browser on the seeded demo: zero
axe violations and no sideways scroll on a phone, as pm.demo planning their team's rota
(overview, plan and proposal, a saved rota, moving one day) and nqsw.demo seeing their
days."""

import pytest
from playwright.sync_api import expect

from learning.models import MashRota
from tests.browser.conftest import sign_in
from tests.browser.test_pages_a11y import PHONE, sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_pm_plans_and_changes_the_rota(page, assert_page_ok, demo_users):
    pm = demo_users["pm.demo"].person
    group = pm.led_groups.filter(mash_rotas__isnull=False).distinct().first()
    assert group is not None, "the demo publishes a rota for pm.demo's team"
    sign_in(page, "pm.demo")
    page.goto("/learning/mash/")
    expect(page.get_by_role("heading", level=1)).to_have_text("MASH rota")
    assert_page_ok()

    page.get_by_role("link", name=f"Plan for {group.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"MASH rota for {group.name}")
    assert_page_ok()
    page.get_by_role("button", name="Show the proposal").click()
    page.wait_for_load_state("load")
    assert_page_ok()

    rota = MashRota.objects.filter(practice_group=group).first()
    page.goto(f"/learning/mash/rotas/{rota.pk}/")
    assert_page_ok()
    change = page.locator("a[href*='/days/']").first
    expect(change).to_be_visible()
    change.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MASH day")
    assert_page_ok()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"MASH rota for {group.name}")


def test_the_nqsw_sees_their_days_on_a_phone(page, assert_page_ok, demo_users):
    page.set_viewport_size(PHONE)
    sign_in(page, "nqsw.demo")
    page.goto("/learning/mash/")  # an NQSW is sent to their own days
    expect(page.get_by_role("heading", level=1)).to_have_text("My MASH days")
    assert sideways_scroll(page) <= 0
    assert_page_ok()
