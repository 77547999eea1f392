"""The learning and development record in a real browser on the seeded demo: zero axe
violations and nothing refused by the Content Security Policy, as nqsw.demo (their record,
asking for study days one over) and pm.demo (the record
with its offer and agree buttons, and a trainee's record)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


def nqsw_enrolment(demo_users):
    return demo_users["nqsw.demo"].person.enrolments.current().get()


def test_the_nqsw_record_and_forms(page, assert_page_ok, demo_users):
    sign_in(page, "nqsw.demo")
    page.goto("/learning/mine/")
    expect(page.get_by_role("heading", level=2, name="Learning opportunities")).to_be_visible()
    assert_page_ok()

    page.get_by_role("spinbutton", name="Days").fill("3")
    page.get_by_label("What the study is for").fill("Too many days")
    page.get_by_role("button", name="Ask for study days").click()
    expect(page.get_by_text("asked is", exact=False)).to_be_visible()
    assert_page_ok()


def test_the_pm_sees_the_record_with_its_actions(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    enrolment = nqsw_enrolment(demo_users)
    page.goto(f"/learning/enrolments/{enrolment.pk}/")
    expect(page.get_by_role("button", name="Offer Court work")).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name="University resilience workshops")
    ).to_be_visible()
    assert_page_ok()
    trainee = demo_users["trainee.demo"].person.enrolments.first()
    page.goto(f"/learning/enrolments/{trainee.pk}/")
    expect(page.get_by_role("heading", level=2, name="Study days")).to_be_visible()
    assert_page_ok()
