"""The training pathway, concern and move-on pages in a real browser on the seeded demo:
zero axe violations and nothing refused by the Content Security Policy."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from learning.models import Attendance, Concern
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_pathway_and_absence_decision_as_gm(page, assert_page_ok, demo_users):
    """The demo's third cancellation has the PM's authorisation and waits on gm.demo: the
    badge and the pathway page's list show it; authorising it as GM clears both."""
    sign_in(page, "gm.demo")
    expect(page.locator("#waiting-badge")).to_have_text("1 waiting on you")
    page.goto(reverse("learning:pathway"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Training pathway")
    waiting = page.locator("#absences-waiting")
    expect(waiting.get_by_role("cell", name="Jack Harrington")).to_be_visible()
    assert_page_ok()
    waiting.get_by_role("link").first.click()
    expect(page.get_by_text("both the PM and the GM must authorise it")).to_be_visible()
    assert_page_ok()
    page.get_by_label("Authorise as group manager").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    assert_page_ok()
    expect(page.locator("#waiting-badge")).to_have_count(0)
    awaiting = [
        a
        for a in Attendance.objects.for_listing().filter(status=Attendance.Status.CANCELLED)
        if a.authorisation == "awaiting"
    ]
    assert awaiting == []


def test_publish_and_cancellations_as_admin(page, assert_page_ok, demo_users):
    sign_in(page, "admin.demo")
    page.goto(reverse("learning:pathway"))
    expect(page.get_by_role("heading", name="Publish a course")).to_be_visible()
    assert_page_ok()
    page.goto(reverse("learning:cancellations"))
    expect(page.get_by_role("cell", name="Jack Harrington")).to_be_visible()
    assert_page_ok()


def test_concerns_as_chair_and_assessor(page, assert_page_ok, demo_users):
    sign_in(page, "chair.demo")
    page.goto(reverse("learning:concerns"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns about competence")
    assert_page_ok()
    page.goto(reverse("learning:concern", args=[Concern.objects.first().pk]))
    expect(page.get_by_text("Resolved", exact=True).first).to_be_visible()
    assert_page_ok()
    page.goto(reverse("learning:cancellations"))
    assert_page_ok()


def test_raise_a_concern_as_assessor(page, assert_page_ok, demo_users):
    sign_in(page, "assessor.demo")
    page.goto(reverse("learning:concern_new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a concern about competence")
    assert_page_ok()


def test_move_on_as_gm(page, assert_page_ok, demo_users):
    sign_in(page, "gm.demo")
    page.goto(reverse("learning:move_on"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Move-on to a main practice group")
    assert_page_ok()
