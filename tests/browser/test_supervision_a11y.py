"""The Supervision pages in a real browser on the seeded demo: zero axe violations and
nothing refused by the Content Security Policy, as pm.demo (overview, a record, the 1:1,
group and support forms, a session, the calendar feed), assessor.demo (the assessor
group session form) and nqsw.demo (their own record and feed)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supervision.models import Session
from tests.browser.conftest import sign_in

# The live server shares the test's connection: everything is rolled back after a test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


def nqsw_enrolment(demo_users):
    return demo_users["nqsw.demo"].person.enrolments.current().get()


def test_overview_record_session_and_feed_as_pm(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.goto("/supervision/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision")
    nqsw = demo_users["nqsw.demo"].person.full_name
    expect(page.get_by_role("link", name=nqsw, exact=True)).to_be_visible()
    assert_page_ok()

    page.get_by_label("Supervision status").select_option("on_track")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/supervision/\?.*status=on_track"))
    assert_page_ok()

    enrolment = nqsw_enrolment(demo_users)
    page.goto(f"/supervision/enrolments/{enrolment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supervision: {nqsw}")
    assert_page_ok()

    session = Session.objects.filter(attendances__enrolment=enrolment).order_by("-held_on").first()
    assert session is not None
    page.goto(f"/supervision/sessions/{session.pk}/")
    expect(page.get_by_role("heading", level=2, name="Register")).to_be_visible()
    assert_page_ok()

    page.goto("/supervision/feed/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision calendar")
    assert_page_ok()
    create = page.get_by_role("button", name="Create a calendar address")
    if create.count():
        create.click()
    else:
        page.get_by_role("button", name="Replace with a new address").click()
    expect(page.get_by_role("textbox", name=re.compile("Your calendar address"))).to_be_visible()
    assert_page_ok()


def test_one_to_one_form_errors_and_submission(page, assert_page_ok, demo_users):
    enrolment = nqsw_enrolment(demo_users)
    nqsw = enrolment.person.full_name
    sign_in(page, "pm.demo")
    page.goto(f"/supervision/enrolments/{enrolment.pk}/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Record supervision for {nqsw}")
    assert_page_ok()

    page.get_by_role("textbox", name="Date").fill("")
    page.get_by_role("button", name="Record supervision").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()

    page.get_by_role("radio", name=re.compile("1:1")).check()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Start time (UK time)").fill("07:13")
    page.get_by_role("textbox", name="Reflection").fill("Reflected on a home visit.")
    page.get_by_role("textbox", name="Link from recent training to practice").fill(
        "Trauma-informed practice training applied to the visit."
    )
    page.get_by_role("button", name="Record supervision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supervision: {nqsw}")
    expect(page.get_by_role("status")).to_contain_text("recorded")
    assert_page_ok()


def test_group_and_support_forms_as_pm(page, assert_page_ok, demo_users):
    group = demo_users["pm.demo"].person.led_groups.first()
    enrolment = nqsw_enrolment(demo_users)
    sign_in(page, "pm.demo")
    page.goto(f"/supervision/groups/{group.pk}/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Record a PM group supervision for {group.name}"
    )
    assert_page_ok()

    page.goto(f"/supervision/enrolments/{enrolment.pk}/support/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"More frequent support for {enrolment.person.full_name}"
    )
    assert_page_ok()


def test_assessor_group_session_form(page, assert_page_ok, demo_users):
    sign_in(page, "assessor.demo")
    page.goto("/supervision/assessor-sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an assessor group session")
    assert_page_ok()


def test_nqsw_sees_their_own_supervision_and_feed(page, assert_page_ok, demo_users):
    sign_in(page, "nqsw.demo")
    page.get_by_role("link", name="My supervision").click()
    name = demo_users["nqsw.demo"].person.full_name
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Supervision: {name}")
    expect(page.get_by_role("link", name="Record a 1:1 or joint supervision")).to_have_count(0)
    assert_page_ok()

    page.goto("/supervision/feed/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision calendar")
    assert_page_ok()


def test_the_extended_nqsw_is_on_leave_on_the_pms_overview(page, assert_page_ok, demo_users):
    """Issue 10 item 1: recorded leave (EXT-1) pauses supervision; never "overdue"."""
    from cohorts.demo import EXTENDED_NQSW
    from cohorts.models import Enrolment

    enrolment = Enrolment.objects.current().get(person__staff_id=EXTENDED_NQSW)
    leave = enrolment.extensions.get()
    today = timezone.localdate()
    sign_in(page, "pm.demo")
    page.goto("/supervision/")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=enrolment.person.full_name, exact=True)
    )
    expect(row).to_have_count(1)
    if leave.first_day <= today <= leave.last_day:
        # The demo is dated relative to today: her leave runs from mid-November to May.
        expect(row).to_contain_text(f"On leave until {leave.last_day:%d/%m/%Y}")
        expect(row).not_to_contain_text("Overdue")
        page.get_by_label("Supervision status").select_option("on_leave")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"status=on_leave"))
        expect(
            page.get_by_role("link", name=enrolment.person.full_name, exact=True)
        ).to_be_visible()
    else:
        expect(row).not_to_contain_text("On leave")
    assert_page_ok()
