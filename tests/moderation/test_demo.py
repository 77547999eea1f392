"""The demo's moderation (moderation/demo.py), built on top of the academy's demo."""

from datetime import timedelta

import pytest
from django.utils import timezone

from academy.models import Person
from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from moderation import demo, pdf
from moderation.models import Allocation, Decision, ModerationForm, Panel, Submission
from tests.database import shared_rows

EXTRA_READER_ROLES = {Person.Role.ADULT_SERVICES_LEAD, Person.Role.EXTERNAL_PANEL_MEMBER}

pytestmark = pytest.mark.django_db


def fake_pdf(html, fetcher=None):
    return b"%PDF-1.7 demo"


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    monkeypatch.setattr(pdf, "write_pdf", fake_pdf)


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker):
    """Built once for the class that reads it (tests/database.py); WeasyPrint is tested
    elsewhere, so the demo's PDFs are stand-ins here as in every test of this module."""
    today = timezone.localdate()
    with pytest.MonkeyPatch.context() as patch, shared_rows(django_db_blocker):
        patch.setattr(pdf, "write_pdf", fake_pdf)
        people = academy_demo.build(today)
        yield today, people, demo.build(today, people=people)


def history_rows():
    return sum(m.history.count() for m in (Panel, Submission, Allocation, Decision, ModerationForm))


@pytest.mark.django_db
class TestBuilt:
    """The demo panels for today, built once."""

    def test_a_past_six_month_panel_decided_and_signed_off(self, built):
        today, people, panels = built
        six = Panel.objects.get(pk=panels["six_months"].pk)
        assert six.held_on < today and not six.is_open
        assert six.chair == people["chair"]
        submissions = list(six.submissions.all())
        assert len(submissions) == len(demo.EARLIER_NQSWS)
        for submission in submissions:
            assert submission.is_submitted and not submission.late
            latest = submission.decisions.order_by("-version").first()
            assert latest.is_signed_off and latest.signed_off_by == people["chair"]
            assert all(a.form.is_complete for a in submission.allocations.all())
        redecided = six.submissions.get(enrolment__person__staff_id=demo.REDECIDED)
        assert [d.verdict for d in redecided.decisions.order_by("version")] == [
            "deferred",
            "verified",
        ]
        assert Decision.objects.filter(submission__panel=six, verdict="not_verified").exists()
        assert ModerationForm.objects.filter(
            allocation__submission__panel=six, concerns=True
        ).exists()

    def test_an_upcoming_final_panel_with_submissions_in_progress(self, built):
        today, people, panels = built
        final = panels["final"]
        assert final.held_on > today and final.is_open and final.chair == people["chair"]
        assert final.submissions_due_on < today  # the deadline has passed
        submissions = {s.enrolment.person.staff_id: s for s in final.submissions.all()}
        submitted = [s for s in submissions.values() if s.is_submitted]
        assert len(submitted) == len(demo.EARLIER_NQSWS) - 1
        missing = [s for s in submissions.values() if not s.is_submitted]
        assert len(missing) == 1 and missing[0].is_overdue(today)
        assert submissions[demo.LATE_ACCEPTED].late
        failing = submissions[demo.FAILING]
        assert failing.recommendation == "fail" and failing.fail_pathway
        # MOD-ALLOCATE: everyone went back to their 6-month moderator.
        six = {
            a.submission.enrolment_id: a.moderator.person_id
            for a in Allocation.objects.filter(submission__panel=panels["six_months"])
        }
        final_allocations = Allocation.objects.filter(submission__panel=final)
        continued = {
            (a.submission.enrolment_id, a.moderator.person_id)
            for a in final_allocations
            if a.continued
        }
        assert continued and all(
            (enrolment, six[enrolment]) in continued
            for enrolment in {a.submission.enrolment_id for a in final_allocations}
        )
        # The members with sign-ins of their own (MOD-PANEL: adult services, the service-user
        # and university members) read a portfolio each besides; those are not continued.
        extra = [a for a in final_allocations if not a.continued]
        assert all(a.moderator.person.role in EXTRA_READER_ROLES for a in extra)
        # gm.demo has a portfolio to read; a form with concerns waits for the chair.
        assert Allocation.objects.filter(
            submission__panel=final,
            submission__submitted_at__isnull=False,
            moderator__person=people["gm"],
        ).exists()
        assert ModerationForm.objects.filter(
            allocation__submission__panel=final, concerns=True, completed_at__isnull=False
        ).exists()
        assert not Decision.objects.filter(submission__panel=final).exists()

    def test_the_panels_belong_to_an_earlier_cohort(self, built):
        today, people, panels = built
        september = Enrolment.objects.get(person=people["nqsw"]).cohort
        for submission in Submission.objects.select_related("enrolment__cohort"):
            enrolment = submission.enrolment
            assert enrolment.cohort.start_date < september.start_date
            assert enrolment.planned_end() < today  # their year is over
            assert enrolment.status == Enrolment.Status.ACTIVE  # awaiting the final panel
            assert enrolment.person.email.endswith(academy_demo.EMAIL_DOMAIN)
            assert enrolment.reviews.filter(kind="final", signed_off_at__isnull=False).exists()

    def test_the_demo_is_idempotent(self, built):
        today, people, panels = built
        before = history_rows()
        again = demo.build(today, people=people)
        assert {k: p.pk for k, p in again.items()} == {k: p.pk for k, p in panels.items()}
        assert history_rows() == before

    def test_a_run_on_another_day_replaces_the_panels(self, built):
        today, people, panels = built
        earlier = today - timedelta(days=40)
        people_then = academy_demo.build(earlier)
        then = demo.build(earlier, people=people_then)
        assert not Panel.objects.filter(pk__in=[p.pk for p in panels.values()]).exists()
        assert Panel.objects.count() == 2
        assert then["final"].held_on > earlier
