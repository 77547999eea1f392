"""The ASWP pages in a real browser on the seeded demo: zero axe violations and nothing
refused by the Content Security Policy, as chair.demo (the overview, a round, an
application in assessment and the panel's forms), applicant.demo (their draft),
pm.demo (the supporting statement) and aswp.demo (their role page)."""

import pytest
from playwright.sync_api import expect

from aswp.models import Application, Stage
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def by_stage(stage):
    return next(a for a in Application.objects.for_stage() if a.stage == stage)


def test_the_psw_runs_the_route(page, assert_page_ok, demo_rows):
    sign_in(page, "chair.demo")
    page.goto("/aswp/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advanced social work professionals")
    assert_page_ok()
    live = by_stage(Stage.IN_ASSESSMENT)
    for url in [
        f"/aswp/rounds/{live.round_id}/",
        f"/aswp/applications/{live.pk}/",
        f"/aswp/applications/{live.pk}/steps/new/",
        f"/aswp/applications/{live.pk}/decision/",
        "/aswp/rounds/new/",
        "/aswp/peer-sessions/new/",
    ]:
        page.goto(url)
        assert_page_ok()
    page.goto(f"/aswp/applications/{live.pk}/decision/")
    page.get_by_label("Not appointed").check()
    page.get_by_label("Reasons").fill("Not yet.")
    page.get_by_label("Panel").fill("Chair and GM")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("ASWP-PATHWAY")
    assert_page_ok()


def test_the_applicant_and_their_manager(page, assert_page_ok, demo_rows):
    draft = by_stage(Stage.DRAFT)
    sign_in(page, "applicant.demo")
    page.goto("/aswp/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ASWP applications")
    assert_page_ok()
    page.goto(f"/aswp/applications/{draft.pk}/edit/")
    assert_page_ok()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    assert_page_ok()
    page.context.clear_cookies()
    sign_in(page, "pm.demo")
    page.goto(f"/aswp/applications/{draft.pk}/statement/")
    assert_page_ok()


def test_an_aswp_records_a_consultation(page, assert_page_ok, demo_rows):
    sign_in(page, "aswp.demo")
    page.goto("/aswp/role/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My ASWP role")
    assert_page_ok()
