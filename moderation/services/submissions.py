"""Who is due for a panel (MOD-POINTS) and submitting their portfolio (MOD-SUBMIT, MOD-ANON)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from academy.models import Person
from academy.validators import years_after
from assessment.models import Recommendation
from cohorts.models import Enrolment, Extension
from cohorts.months import add_days, asye_last_day, first_day_of_month
from moderation import anonymise, pdf, points
from moderation.models import Decision, ModerationPolicy, Panel, PdfStatus, Submission
from moderation.services._common import (
    _day,
    _enqueue,
    _lock_submission,
    _now,
    _open,
    is_chair,
    refuse,
)

# --- Who is due (MOD-POINTS) ------------------------------------------------------------------


def _moderated_already(kind: str, exclude_panel: Panel) -> Exists:
    """Whether the enrolment is entered at another panel of `kind` that still stands: one
    not yet decided, or one whose latest signed-off decision verified the assessor's
    judgement. A condition on the candidates, so the database leaves them out before any
    point is worked out in Python."""
    latest_signed = (
        Decision.objects.filter(submission=OuterRef("pk"), signed_off_at__isnull=False)
        .order_by("-version")
        .values("verdict")[:1]
    )
    standing = (
        Submission.objects.filter(enrolment=OuterRef("pk"), panel__kind=kind)
        .exclude(panel=exclude_panel)
        .annotate(verdict=Subquery(latest_signed))
        .filter(Q(verdict__isnull=True) | Q(verdict=Decision.Verdict.VERIFIED))
    )
    return Exists(standing)


@dataclass(frozen=True)
class Due:
    """An NQSW due for a panel (MOD-POINTS), as the panel's list shows them."""

    enrolment_id: int
    name: str
    team: str
    reached: date


def due_list(panel: Panel, among=None) -> list[Due]:
    """NQSWs due for this panel and not entered (MOD-POINTS), with the day they got there,
    in name order; only those among the enrolment ids `among`, when given (an assessor's
    own NQSWs: their home's list then costs the same in any size of academy, issue 17).

    A fixed number of queries: the candidates are narrowed by their ASYE start (a point
    lies 6 to 12 months after it, 24 for a two-year ECDP (issue 14), plus extensions: the
    3 years looked back cover both) and by the panels they stand at already, then each
    point is derived from the start and the extensions. Read as plain values, not
    instances: everyone due grows with the academy, and building each enrolment with its
    person, team, programme and extensions made the panel page grow with it (issue 17).
    """
    policy = ModerationPolicy.in_force(panel.held_on)
    month = points.point_month(panel.kind)
    months_in = 11 if month is None else month - 1
    earliest = years_after(panel.held_on, -3)
    latest = add_days(panel.held_on, -months_in * 28)
    candidates = list(
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, asye_start__gte=earliest, asye_start__lte=latest)
        .filter(_runs_the_point(panel.kind))
        .exclude(moderation_submissions__panel=panel)
        .exclude(_moderated_already(panel.kind, exclude_panel=panel))
        .filter(Q() if among is None else Q(pk__in=among))
        .order_by("person__full_name", "pk")
        .values_list(
            "pk",
            "asye_start",
            "cohort__programme__length_months",
            "person__full_name",
            "practice_group__name",
        )
    )
    shifts = Extension.shifts_by_enrolment(row[0] for row in candidates)
    due = []
    for pk, start, length, name, team in candidates:
        moved = shifts[pk]
        # What Enrolment.month_starts_on and planned_end give, from the plain values.
        reached = points.point(
            panel.kind,
            lambda month, start=start, moved=moved: first_day_of_month(start, month, moved),
            asye_last_day(start, moved, length),
        )
        if points.is_due(reached, panel.held_on, policy.due_window_days):
            due.append(Due(pk, name, team, reached))
    return due


def due_enrolments(ids: Iterable[int]) -> list[Enrolment]:
    """These enrolments, in this order, with what `enter_for_panel` reads."""
    ids = list(ids)
    found = Enrolment.objects.for_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def due_for_panel(panel: Panel, among=None) -> list[tuple[Enrolment, date]]:
    """`due_list` with each NQSW's enrolment, as `enter_for_panel` takes them."""
    due = due_list(panel, among)
    found = {e.pk: e for e in due_enrolments(d.enrolment_id for d in due)}
    return [(found[d.enrolment_id], d.reached) for d in due if d.enrolment_id in found]


def _runs_the_point(kind: str) -> Q:
    """Enrolments whose programme has the point a panel of `kind` follows (MOD-POINTS).

    The 6-month and final panels take every NQSW, as they did before programmes were data
    (both the ASYE and the ECDP moderate them); a "month_<n>" panel only those whose
    programme marks its month-n point moderated (cohorts.ProgrammePoint, issue 14)."""
    if kind in (points.SIX_MONTHS, points.FINAL):
        return Q()
    return Q(
        cohort__programme__points__month=points.point_month(kind),
        cohort__programme__points__moderated=True,
    )


@transaction.atomic
def enter_for_panel(*, panel: Panel, enrolments: Iterable[Enrolment], by: Person):
    """Give each NQSW a place at the panel, with their portfolio code (MOD-ANON)."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "entering NQSWs")
    entered = []
    for enrolment in enrolments:
        if enrolment.kind != Enrolment.Kind.ASYE or enrolment.status not in (
            Enrolment.Status.ACTIVE,
            Enrolment.Status.DEFERRED,
        ):
            refuse(
                "MOD-POINTS",
                f"{enrolment.person.full_name} has no ASYE under way to moderate.",
            )
        if panel.kind not in (points.SIX_MONTHS, points.FINAL) and not (
            Enrolment.objects.filter(_runs_the_point(panel.kind), pk=enrolment.pk).exists()
        ):
            refuse(
                "MOD-POINTS",
                f"{enrolment.person.full_name}'s {enrolment.programme_run.name} has no "
                f"moderated {points.what(panel.kind)}.",
            )
        reached = points.point(panel.kind, enrolment.month_starts_on, enrolment.planned_end())
        problem = points.refusal(panel.kind, reached, panel.held_on)
        if problem:
            refuse("MOD-POINTS", problem.removeprefix("MOD-POINTS: "))
        if panel.submissions.filter(enrolment=enrolment).exists():
            refuse("MOD-POINTS", f"{enrolment.person.full_name} is already entered.")
        entered.append(_new_submission(panel, enrolment, by))
    return entered


def _new_submission(panel: Panel, enrolment: Enrolment, by: Person) -> Submission:
    # A clash of random codes is a one in a trillion event; try again rather than fail.
    for _ in range(5):
        submission = Submission(panel=panel, enrolment=enrolment, entered_by=by)
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            if Submission.objects.filter(panel=panel, enrolment=enrolment).exists():
                raise
            continue
        return submission
    raise RuntimeError("Could not find a free portfolio code.")


# --- Submitting (MOD-SUBMIT, MOD-ANON) --------------------------------------------------------


@transaction.atomic
def accept_late(*, submission: Submission, by: Person, at: datetime | None = None) -> Submission:
    """MOD-SUBMIT: a portfolio past its deadline goes in only if the chair accepts it."""
    submission = _lock_submission(submission)
    panel = submission.panel
    _open(panel, "accepting a late portfolio")
    if not is_chair(panel, by):
        refuse("MOD-SUBMIT", "only the panel's chair accepts a late portfolio.")
    if submission.is_submitted:
        refuse("MOD-SUBMIT", "this portfolio is already in.")
    day = _day(at)
    if day <= panel.submissions_due_on:
        refuse(
            "MOD-SUBMIT",
            f"this portfolio is not late: it is due by {panel.submissions_due_on:%d/%m/%Y}.",
        )
    if day >= panel.held_on:
        refuse("MOD-SUBMIT", f"the panel met on {panel.held_on:%d/%m/%Y}: too late to accept it.")
    if submission.late_accepted_at is None:
        submission.late_accepted_by = by
        submission.late_accepted_at = _now(at)
        submission.save(update_fields=["late_accepted_by", "late_accepted_at"])
    return submission


def _signed_recommendation(enrolment: Enrolment) -> str:
    latest = (
        Recommendation.objects.filter(enrolment=enrolment, signed_off_at__isnull=False)
        .order_by("-version")
        .values_list("outcome", flat=True)
        .first()
    )
    return latest or ""


@transaction.atomic
def submit_portfolio(
    *,
    submission: Submission,
    by: Person,
    fail_pathway: bool = False,
    at: datetime | None = None,
) -> Submission:
    """Freeze the NQSW's portfolio as it is now, anonymised, for the panel (MOD-SUBMIT).

    Due by the panel's deadline (the policy's days before the meeting); after it, only once
    the chair has accepted it late, and then flagged. The PDF is rendered in the background.
    """
    submission = _lock_submission(submission)
    panel = submission.panel
    enrolment = submission.enrolment
    _open(panel, "submitting")
    if submission.is_submitted:
        submitted_on = timezone.localtime(submission.submitted_at)
        refuse(
            "MOD-SUBMIT", f"this portfolio was submitted on {submitted_on:%d/%m/%Y} and is frozen."
        )
    is_assessor = enrolment.assessor_id is not None and by.pk == enrolment.assessor_id
    if by.pk != enrolment.person_id and not is_assessor:
        refuse("MOD-SUBMIT", "the NQSW or their assessor submits the portfolio.")
    if fail_pathway and not is_assessor:
        refuse("MOD-FAIL-FULL", "only the assessor says the NQSW is on a fail pathway.")
    day = _day(at)
    if day >= panel.held_on:
        refuse("MOD-SUBMIT", f"the panel met on {panel.held_on:%d/%m/%Y}.")
    late = day > panel.submissions_due_on
    if late and submission.late_accepted_at is None:
        days = (panel.held_on - panel.submissions_due_on).days
        refuse(
            "MOD-SUBMIT",
            f"portfolios for the {panel.title} were due by "
            f"{panel.submissions_due_on:%d/%m/%Y}, {days} days before it. This one is late: "
            "it is flagged to the chair and goes in only if the chair accepts it.",
        )
    recommendation = _signed_recommendation(enrolment)
    if panel.kind == Panel.Kind.FINAL and not recommendation:
        refuse(
            "MOD-DECISION",
            "the final panel verifies the assessor's PASS or FAIL recommendation: the assessor "
            "signs it off before the portfolio is submitted.",
        )
    listed = Enrolment.objects.for_listing().get(pk=enrolment.pk)
    html, facts = anonymise.snapshot(listed, day, panel.held_on)
    submission.submitted_at = _now(at)
    submission.submitted_by = by
    submission.late = late
    submission.recommendation = recommendation
    submission.fail_pathway = fail_pathway or recommendation == Recommendation.Outcome.FAIL
    submission.snapshot_html = html
    submission.snapshot = facts
    submission.content_hash = pdf.content_hash(pdf.submission_document(submission))
    submission.pdf_status = PdfStatus.PENDING
    submission.full_clean()
    submission.save()
    _enqueue("render_submission_pdf", submission_id=submission.pk)
    submission.refresh_from_db()
    return submission
