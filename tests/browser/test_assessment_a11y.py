"""The assessment (ASYE portfolio) pages in a real browser, on the seeded demo: zero axe
violations and nothing refused by the Content Security Policy, as the assessor, the
practice manager and the NQSW."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from academy.models import Person
from assessment import services
from assessment.models import PortfolioPdf
from cohorts.models import Enrolment
from tests.browser.conftest import sign_in

# The live server shares the test's connection: everything is rolled back after a test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


def _portfolio(demo_users):
    """nqsw.demo's current ASYE enrolment (their portfolio)."""
    person = demo_users["nqsw.demo"].person
    return (
        Enrolment.objects.filter(person=person, kind=Enrolment.Kind.ASYE)
        .order_by("-asye_start")
        .first()
    )


def _log_and_work(enrolment):
    """nqsw.demo's first log and written work; made through the services when the demo,
    dated from today, has none yet (early in a cohort's first month)."""
    log = enrolment.reflection_logs.order_by("pk").first()
    work = enrolment.written_work.order_by("pk").first()
    today = max(enrolment.asye_start, timezone.localdate())
    if log is None:
        log = services.write_log(
            enrolment=enrolment,
            by=enrolment.person,
            title="First weeks",
            written_on=today,
            reflection="What I learnt from my first visits.",
        )
    if work is None:
        work = services.add_written_work(
            enrolment=enrolment,
            by=enrolment.person,
            kind="assessment",
            title="Child and family assessment",
            completed_on=today,
            summary="An assessment written under supervision.",
        )
    return log, work


def _visit(page, assert_page_ok, url, heading):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_page_ok()


def test_assessor_list_portfolio_and_observation_form(page, assert_page_ok, demo_users):
    enrolment = _portfolio(demo_users)
    base = f"/assessment/{enrolment.pk}/"
    sign_in(page, "assessor.demo")
    _visit(page, assert_page_ok, "/assessment/", "The NQSWs you assess")
    expect(page.get_by_role("link", name=enrolment.person.full_name).first).to_be_visible()

    _visit(page, assert_page_ok, base, f"ASYE portfolio: {enrolment.person.full_name}")
    # The evidence heat map is on the page.
    expect(page.locator("table.heat-map").first).to_be_visible()

    _visit(page, assert_page_ok, f"{base}observations/new/", "Record a direct observation")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()


def test_assessor_record_forms(page, assert_page_ok, demo_users):
    enrolment = _portfolio(demo_users)
    base = f"/assessment/{enrolment.pk}/"
    log, work = _log_and_work(enrolment)
    sign_in(page, "assessor.demo")
    _visit(page, assert_page_ok, f"{base}logs/{log.pk}/feedback/", "Feedback on")
    _visit(page, assert_page_ok, f"{base}written-work/{work.pk}/assess/", "Assess")
    _visit(page, assert_page_ok, f"{base}agreement/", "Support and assessment agreement")
    _visit(page, assert_page_ok, f"{base}reviews/three_months/", "3-month review")
    _visit(page, assert_page_ok, f"{base}reviews/final/", "Final review")
    _visit(page, assert_page_ok, f"{base}plans/months_0_3/", "Development plan")
    _visit(page, assert_page_ok, f"{base}recommendation/", "Recommendation")


def test_pm_observation_form(page, assert_page_ok, demo_users):
    enrolment = _portfolio(demo_users)
    sign_in(page, "pm.demo")
    _visit(
        page,
        assert_page_ok,
        f"/assessment/{enrolment.pk}/observations/new/",
        "Record a direct observation",
    )


def test_nqsw_portfolio_and_forms(page, assert_page_ok, demo_users):
    enrolment = _portfolio(demo_users)
    base = f"/assessment/{enrolment.pk}/"
    log, _ = _log_and_work(enrolment)
    sign_in(page, "nqsw.demo")
    # The list sends an NQSW straight to their own portfolio.
    page.goto("/assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"ASYE portfolio: {enrolment.person.full_name}"
    )
    assert_page_ok()
    _visit(page, assert_page_ok, f"{base}logs/new/", "Write a critical reflection log")
    _visit(page, assert_page_ok, f"{base}feedback/child/new/", "Record feedback from")
    _visit(page, assert_page_ok, f"{base}written-work/new/", "Add written work")
    _visit(page, assert_page_ok, f"{base}self-assessments/start/", "Self-assessment")
    _visit(page, assert_page_ok, f"{base}evidence/log/{log.pk}/", "Map")


def test_pdf_page_preparing_and_ready(page, assert_page_ok, demo_users):
    enrolment = _portfolio(demo_users)
    sign_in(page, "nqsw.demo")
    page.goto(f"/assessment/{enrolment.pk}/")
    page.get_by_role("link", name="PDF of this portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PDF of")
    expect(page.get_by_role("button", name="Prepare the PDF")).to_be_visible()
    assert_page_ok()

    # Preparing: a pending row for the portfolio as it is now (no WeasyPrint needed).
    content_hash, _ = services.current_portfolio_pdf(enrolment=enrolment)
    row = PortfolioPdf.objects.create(enrolment=enrolment, content_hash=content_hash)
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Preparing the PDF")
    assert_page_ok()

    # Ready: the page links the download (the PDF itself is not opened, so the row only
    # needs a file name).
    PortfolioPdf.objects.filter(pk=row.pk).update(
        status=PortfolioPdf.Status.READY,
        file="portfolio-pdfs/not-opened.pdf",
        rendered_at=timezone.now(),
    )
    page.reload()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    assert_page_ok()


def test_an_ecdp_nqsws_12_month_review_form(page, assert_page_ok, demo_users):
    """Issue 14: the ECDP pilot's NQSW (ecdp.demo) has the programme's own review points."""
    person = Person.objects.get(user__username="ecdp.demo")
    enrolment = Enrolment.objects.filter(person=person, kind=Enrolment.Kind.ASYE).get()
    base = f"/assessment/{enrolment.pk}/"
    sign_in(page, "assessor.demo")
    _visit(page, assert_page_ok, base, person.full_name)
    expect(page.get_by_role("rowheader", name="12-month review")).to_be_visible()
    _visit(page, assert_page_ok, f"{base}reviews/month_13/", "12-month review")
