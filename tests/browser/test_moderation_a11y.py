"""Every moderation page has zero axe violations, on the seeded demo, as the people who use
it: the chair (chair.demo), a moderator (gm.demo, a group manager on the panel) and an
assessor (assessor.demo) submitting for an NQSW."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import demo as academy_demo
from moderation import demo as moderation_demo
from moderation import pdf, services
from moderation.models import Panel, Submission
from tests.browser.conftest import sign_in

# The live server shares the test's connection: everything is rolled back after a test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


@pytest.fixture
def panels(demo_users, monkeypatch):
    """The demo's moderation step on top of seed_demo. WeasyPrint is tested elsewhere: here
    a PDF is a few bytes, so the demo builds in seconds."""
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: b"%PDF-1.7 demo")
    today = timezone.localdate()
    people = academy_demo.build(today)
    built = moderation_demo.build(today, people=people)
    return {"people": people, **built}


def visit(page, assert_page_ok, url, heading):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_page_ok()


def test_the_chairs_pages(page, assert_page_ok, panels):
    final, six = panels["final"], panels["six_months"]
    submitted = final.submissions.filter(submitted_at__isnull=False).order_by("code").first()
    decided = six.submissions.order_by("code").first()
    sign_in(page, "chair.demo")

    visit(page, assert_page_ok, "/moderation/", "Moderation")
    visit(page, assert_page_ok, f"/moderation/panels/{final.pk}/", "Final moderation panel")
    visit(page, assert_page_ok, f"/moderation/panels/{six.pk}/", "6-month moderation panel")
    visit(page, assert_page_ok, f"/moderation/panels/{final.pk}/agenda/", "Agenda")
    expect(page.get_by_role("button", name="late")).to_have_count(1)  # the one still not in
    visit(page, assert_page_ok, f"/moderation/panels/{final.pk}/edit/", "Change the")
    visit(page, assert_page_ok, f"/moderation/portfolios/{submitted.code}/", submitted.code)
    missing = final.submissions.filter(submitted_at__isnull=True).get()
    visit(page, assert_page_ok, f"/moderation/portfolios/{missing.code}/", missing.code)
    expect(page.get_by_text("it is late and flagged to the chair")).to_be_visible()
    visit(
        page, assert_page_ok, f"/moderation/portfolios/{submitted.code}/moderators/", "Moderators"
    )
    visit(page, assert_page_ok, f"/moderation/portfolios/{submitted.code}/decision/", "Decision")
    visit(page, assert_page_ok, f"/moderation/portfolios/{decided.code}/decision/", "Decision")
    visit(
        page,
        assert_page_ok,
        f"/moderation/portfolios/{submitted.code}/progression/",
        "Pay progression",
    )
    visit(page, assert_page_ok, f"/moderation/nqsw/{decided.enrolment_id}/", "Moderation:")

    # A panel with an NQSW due (MOD-POINTS): the one the 6-month panel did not verify.
    extra = services.set_up_panel(
        kind=Panel.Kind.SIX_MONTHS,
        held_on=six.held_on + timedelta(days=28),
        by=panels["people"]["ld_officer"],
        seats=moderation_demo.panel_seats(panels["people"]),
    )
    visit(page, assert_page_ok, f"/moderation/panels/{extra.pk}/", "6-month moderation panel")
    expect(page.get_by_role("button", name="Enter the chosen NQSWs")).to_be_visible()
    page.get_by_role("button", name="Enter the chosen NQSWs").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("1 NQSW(s) entered")).to_be_visible()
    assert_page_ok()

    # Setting up a panel, and the form's errors.
    visit(page, assert_page_ok, "/moderation/panels/new/", "Set up a moderation panel")
    page.get_by_role("button", name="Set up the panel").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()

    # Before the meeting there is no decision form: the page says when one can be recorded
    # (issue 10 item 8).
    page.goto(f"/moderation/portfolios/{submitted.code}/decision/")
    expect(page.get_by_text("can be recorded").first).to_be_visible()
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    assert_page_ok()

    # The external sample: list, choosing, and the sample itself.
    visit(page, assert_page_ok, "/moderation/external/", "External moderation samples")
    visit(page, assert_page_ok, "/moderation/external/new/", "Choose an external")
    page.get_by_label("Title").fill("Spring external panel")
    page.get_by_label(decided.code, exact=False).first.check()
    page.get_by_role("button", name="Export the sample").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring external panel")
    assert_page_ok()


def test_a_moderators_pages(page, assert_page_ok, panels):
    people = panels["people"]
    mine = (
        Submission.objects.filter(
            panel=panels["final"],
            submitted_at__isnull=False,
            allocations__moderator__person=people["gm"],
        )
        .order_by("code")
        .first()
    )
    sign_in(page, "gm.demo")
    visit(page, assert_page_ok, "/moderation/", "Moderation")
    visit(page, assert_page_ok, "/moderation/reading/", "Portfolios to moderate")
    expect(page.get_by_role("link", name=mine.code, exact=True)).to_be_visible()
    visit(page, assert_page_ok, f"/moderation/portfolios/{mine.code}/", f"Portfolio {mine.code}")
    visit(page, assert_page_ok, f"/moderation/portfolios/{mine.code}/form/", "Moderation form")

    # Completing a form with a gap: the errors, then a draft saved.
    page.get_by_label("Comments on the assessor's judgement").fill("")
    page.get_by_role("button", name="Complete the form").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("MOD-CHECKLIST").first).to_be_visible()
    assert_page_ok()
    page.get_by_label("Comments on the assessor's judgement").fill("Still reading.")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolios to moderate")
    assert_page_ok()


def test_an_assessors_pages(page, assert_page_ok, panels):
    people = panels["people"]
    entry = (
        Submission.objects.filter(
            panel__kind=Panel.Kind.FINAL, enrolment__assessor=people["assessor"]
        )
        .select_related("enrolment")
        .order_by("submitted_at")
        .first()
    )
    sign_in(page, "assessor.demo")
    visit(page, assert_page_ok, "/moderation/", "Moderation")
    visit(page, assert_page_ok, f"/moderation/nqsw/{entry.enrolment_id}/", "Moderation:")
    visit(
        page,
        assert_page_ok,
        f"/moderation/nqsw/{entry.enrolment_id}/submit/{entry.panel_id}/",
        "Submit",
    )
    if not entry.is_submitted and entry.late_accepted_at is None:
        # Late and not accepted: MOD-SUBMIT refuses, and the page says so.
        page.get_by_label("The portfolio is ready").check()
        page.get_by_role("button", name="Submit the portfolio").click()
        page.wait_for_load_state("load")
        expect(page.get_by_text("MOD-SUBMIT").first).to_be_visible()
        assert_page_ok()


def test_the_chair_moves_the_final_panel_and_is_warned_of_the_deadlines(
    page, assert_page_ok, panels
):
    """Issue 10 item 8: moving the meeting re-evaluates each portfolio's deadline (MOD-SUBMIT);
    the chair sees which become late or no longer late before confirming; the move is kept."""
    final = panels["final"]
    overdue = final.submissions.filter(submitted_at__isnull=True).get()
    later = final.held_on + timedelta(days=21)
    sign_in(page, "chair.demo")
    visit(page, assert_page_ok, f"/moderation/panels/{final.pk}/edit/", "Change the")
    page.get_by_label("Meeting date").fill(later.isoformat())
    page.get_by_role("button", name="Save the panel").click()
    page.wait_for_load_state("load")
    warning = page.get_by_role("alert").filter(has_text="Moving the panel changes")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"{overdue.code}")
    expect(warning).to_contain_text("is no longer late")
    assert_page_ok()
    final.refresh_from_db()
    assert final.held_on != later  # nothing moves until the chair confirms

    page.get_by_role("button", name="Confirm and move the panel").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Final moderation panel")
    expect(page.get_by_role("heading", name="Date changes")).to_be_visible()
    expect(page.get_by_text(f"No longer late: {overdue.code}")).to_be_visible()
    assert_page_ok()
    final.refresh_from_db()
    assert final.held_on == later
    assert final.date_changes.get().changed_by == panels["people"]["chair"]
