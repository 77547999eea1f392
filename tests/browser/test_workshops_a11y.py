"""The workshop scheduling pages (WORKSHOPS) and the change of an absence decision
(TRAINING-MANDATORY) in a real browser on the seeded demo: zero axe violations and nothing
refused by the Content Security Policy."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from learning.models import AbsenceDecision, Workshop
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def ld_officer(demo_users):
    """The demo's L&D officer, ld.demo."""
    return demo_users["ld.demo"]


def test_the_ld_officer_schedules_and_moves_a_workshop(page, assert_page_ok, ld_officer):
    sign_in(page, ld_officer.username)
    page.get_by_role("link", name="Workshops").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("University resilience workshops")
    assert_page_ok()

    to_come = Workshop.objects.filter(attendances__isnull=True).order_by("held_on").last()
    page.goto(reverse("learning:workshop_change", args=[to_come.pk]))
    expect(page.get_by_role("heading", level=2, name="History")).to_be_visible()
    assert_page_ok()
    page.get_by_label("Why it moves").fill("The university moved the room booking")
    page.get_by_role("button", name="Save the change").click()
    expect(
        page.get_by_role("listitem").filter(has_text="that is the date and venue")
    ).to_be_visible()
    assert_page_ok()

    page.goto(reverse("learning:workshop_new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a workshop day")
    assert_page_ok()
    page.get_by_role("button", name="Add the day").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()


def test_a_day_with_attendance_says_why_it_stays(page, assert_page_ok, ld_officer):
    sign_in(page, ld_officer.username)
    held = Workshop.objects.filter(attendances__isnull=False).distinct().first()
    page.goto(reverse("learning:workshop_change", args=[held.pk]))
    expect(page.get_by_text("attendance is already recorded for")).to_be_visible()
    assert_page_ok()


def test_the_pm_changes_an_absence_decision(page, assert_page_ok, demo_users):
    pm = demo_users["pm.demo"].person
    decision = (
        AbsenceDecision.objects.filter(
            as_role="pm", attendance__enrolment__practice_group__practice_manager=pm
        )
        .order_by("pk")
        .first()
    )
    sign_in(page, "pm.demo")
    page.goto(reverse("learning:course", args=[decision.attendance.course_id]))
    summary = page.get_by_text("Change your decision as practice manager").first
    summary.click()
    assert_page_ok()
    form = page.locator(f"form[action='{reverse('learning:absence_change', args=[decision.pk])}']")
    authorise = form.get_by_label("Authorise as practice manager")
    if decision.authorised:
        authorise.uncheck()
        form.get_by_label("Reason for refusing (needed to refuse)").fill("Not agreed in advance")
    else:
        authorise.check()
    form.get_by_label("Why the decision changes").fill("Checked with the NQSW's diary")
    form.get_by_role("button", name="Change decision").click()
    expect(page.get_by_text("Decision changed")).to_be_visible()
    expect(page.get_by_text("Checked with the NQSW's diary")).to_be_visible()
    assert_page_ok()
