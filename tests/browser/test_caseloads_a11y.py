"""The Caseloads pages in a real browser, as pm.demo on the seeded demo: zero axe
violations, nothing refused by the Content Security Policy (the chart is pygal's SVG),
and the waiting request approved through the pages."""

import re

import pytest
from playwright.sync_api import expect

from caseloads.demo import WAITING_REFERENCE
from caseloads.models import Allocation
from tests.browser.conftest import sign_in

# The live server shares the test's connection: everything is rolled back after a test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


def test_allocation_board_unfiltered_and_filtered(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation board")
    nqsw = demo_users["nqsw.demo"].person.full_name
    trainee = demo_users["trainee.demo"].person.full_name
    board = page.get_by_role("table", name=re.compile("Caseloads today"))
    expect(board.get_by_role("link", name=nqsw)).to_be_visible()
    expect(board.get_by_role("link", name=trainee)).to_be_visible()
    assert_page_ok()

    page.get_by_label("Stage").select_option("trainee")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/caseloads/\?.*stage=trainee"))
    expect(board.get_by_role("link", name=trainee)).to_be_visible()
    expect(board.get_by_role("link", name=nqsw)).to_have_count(0)
    assert_page_ok()


def test_worker_page_with_its_chart(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.goto("/caseloads/")
    nqsw = demo_users["nqsw.demo"].person.full_name
    page.get_by_role("link", name=nqsw).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload: {nqsw}")
    chart = page.get_by_role("img", name=re.compile("Line chart of the children"))
    expect(chart).to_be_visible()
    # The SVG really rendered (an image the browser refused would have no width).
    assert chart.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(page.get_by_role("table", name=re.compile("Children held each"))).to_be_visible()
    expect(page.get_by_text(WAITING_REFERENCE).first).to_be_visible()
    assert_page_ok()


def test_request_form_its_errors_and_a_request(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.goto("/caseloads/requests/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for an allocation")
    assert_page_ok()

    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()

    trainee = demo_users["trainee.demo"].person
    team = trainee.enrolments.current().get().practice_group.name
    worker = page.locator("#id_worker")
    worker.select_option(label=f"{trainee.full_name} (trainee, {team})")
    # Two radio groups offer "Co-worker" (the worker's and the experienced worker's role).
    page.locator("#id_role_1").check()
    page.get_by_role("textbox", name="Case reference").fill("EH-55012")
    page.get_by_role("combobox", name="Case type").select_option("EH")
    page.get_by_role("spinbutton", name="Number of children").fill("1")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Allocation request: EH-55012 for {trainee.full_name}"
    )
    expect(page.get_by_role("status")).to_contain_text("Requested: EH-55012")
    assert_page_ok()


def test_pm_approves_the_waiting_request(page, assert_page_ok, demo_users):
    waiting = Allocation.objects.get(status="requested")
    assert waiting.case.reference == WAITING_REFERENCE
    sign_in(page, "pm.demo")
    page.get_by_role("link", name="See the requests waiting for your decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation requests")
    assert_page_ok()

    page.get_by_role("link", name=f"Decide on {WAITING_REFERENCE}").click()
    expect(page.get_by_role("heading", level=2, name="What approving it would do")).to_be_visible()
    expect(page.get_by_text("would hold").first).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Approve the allocation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Approved: {WAITING_REFERENCE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation requests")
    assert_page_ok()
    waiting.refresh_from_db()
    assert waiting.status == "approved"
    assert waiting.decided_by.user.username == "pm.demo"


def test_audit_page_as_pm(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.goto("/caseloads/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload audit")
    assert_page_ok()
    page.get_by_role("button", name="Check the report").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()


def test_nqsw_sees_their_own_caseload(page, assert_page_ok, demo_users):
    sign_in(page, "nqsw.demo")
    page.get_by_role("link", name="My caseload").click()
    name = demo_users["nqsw.demo"].person.full_name
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload: {name}")
    # The worker sees the request waiting for their PM, but no decision or sign-off form.
    expect(page.get_by_role("button", name="Record the sign-off")).to_have_count(0)
    assert_page_ok()


def test_pm_requests_a_cp_case_together_with_the_grade10_and_approves_it(
    page, assert_page_ok, demo_users
):
    """Issue 10 item 2 (SOLE-CP-CLA): one request for the NQSW and the team's Grade 10/11
    SW, approved as one decision."""
    nqsw = demo_users["nqsw.demo"].person
    enrolment = nqsw.enrolments.current().get()
    grade10 = enrolment.practice_group.staff.get(role="grade10")
    sign_in(page, "pm.demo")
    page.goto("/caseloads/requests/new/")
    page.locator("#id_worker").select_option(
        label=f"{nqsw.full_name} (NQSW, {enrolment.practice_group.name})"
    )
    page.locator("#id_role_0").check()
    page.get_by_role("textbox", name="Case reference").fill("CP-55013")
    page.get_by_role("combobox", name="Case type").select_option("CP")
    page.get_by_role("spinbutton", name="Number of children").fill("1")
    page.get_by_role("combobox", name="Together with (experienced worker)").select_option(
        label=f"{grade10.full_name} ({grade10.get_role_display()})"
    )
    page.locator("#id_companion_role_1").check()
    assert_page_ok()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Allocation request: CP-55013 for {nqsw.full_name}"
    )
    expect(page.get_by_text(grade10.full_name).first).to_be_visible()
    assert_page_ok()

    page.get_by_role("button", name="Approve both allocations").click()
    expect(page.get_by_role("status")).to_contain_text("Approved: CP-55013")
    assert_page_ok()
    rows = Allocation.objects.filter(case__reference="CP-55013")
    assert sorted(rows.values_list("status", flat=True)) == ["approved", "approved"]
    assert {a.worker for a in rows} == {nqsw, grade10}

    page.goto(f"/caseloads/cases/{rows[0].case_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case CP-55013")
    expect(page.get_by_role("link", name=grade10.full_name)).to_be_visible()
    assert_page_ok()
