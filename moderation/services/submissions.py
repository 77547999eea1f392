"""Who is due for a panel (MOD-POINTS) and submitting their portfolio (MOD-SUBMIT, MOD-ANON)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import In
from django.utils import timezone

from academy.models import Person
from academy.paging import counted_page
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


def due_list(panel: Panel, among=None) -> "DueList":
    """NQSWs due for this panel and not entered (MOD-POINTS), with the day they got there,
    in name order; only those among the enrolment ids `among`, when given (an assessor's
    own NQSWs: their home's list then costs the same in any size of academy, issue 17).

    Everyone due grows with the academy, so the database picks them (issue 17: the panel
    page worked out the point of every candidate in Python, 2,000 of them at 10,000 NQSWs,
    to show 50). The candidates are narrowed by their ASYE start (a point lies 6 to 12
    months after it, 24 for a two-year ECDP (issue 14), plus extensions: the 3 years looked
    back cover both) and by the panels they stand at already. Without an extension an
    NQSW's point depends only on the month they started in (and their programme's length):
    the months whose point falls in the panel's window are worked out here, with the same
    functions, and the database matches the start month against them. The few with
    extensions are judged one by one in Python, from the same functions.
    """
    policy = ModerationPolicy.in_force(panel.held_on)
    month = points.point_month(panel.kind)
    months_in = 11 if month is None else month - 1
    candidates = (
        Enrolment.objects.current()
        .filter(
            kind=Enrolment.Kind.ASYE,
            asye_start__gte=years_after(panel.held_on, -3),
            # A point can come as soon as 30 days short of whole 28-day months after the
            # start: months are counted from the 1st of the start's month (month 7 of a
            # start on 26 July is 1 January). Leaving those out lost them their panel.
            asye_start__lte=add_days(panel.held_on, 31 - months_in * 28),
        )
        .filter(_runs_the_point(panel.kind))
        .exclude(moderation_submissions__panel=panel)
        .exclude(_moderated_already(panel.kind, exclude_panel=panel))
        .filter(Q() if among is None else Q(pk__in=among))
    )
    extended = defaultdict(list)
    programme = {}
    for extension in (
        Extension.objects.filter(enrolment__in=candidates.values("pk"))
        .select_related("enrolment__cohort__programme")
        .only(
            "enrolment_id",
            "first_day",
            "months",
            "enrolment__asye_start",
            "enrolment__cohort__programme__length_months",
        )
    ):
        extended[extension.enrolment_id].append(extension.shift())
        enrolment = extension.enrolment
        programme[enrolment.pk] = (enrolment.asye_start, enrolment.cohort.programme.length_months)
    extended_due = [
        pk
        for pk, shifts in extended.items()
        if points.is_due(
            _reached(panel.kind, *programme[pk], shifts), panel.held_on, policy.due_window_days
        )
    ]
    due = candidates.filter(
        (~Q(pk__in=list(extended)) & _unextended_due(panel.kind, panel.held_on, policy))
        | Q(pk__in=extended_due)
    )
    return DueList(due.order_by("person__full_name", "pk"), panel.kind, extended)


def _reached(kind: str, start: date, length: int, shifts=()) -> date:
    """The day an NQSW who started on `start` reaches the point a panel of `kind`
    moderates: what Enrolment.month_starts_on and planned_end give, from plain values."""
    return points.point(
        kind,
        lambda month: first_day_of_month(start, month, shifts),
        asye_last_day(start, shifts, length),
    )


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_starting(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def _unextended_due(kind: str, held_on: date, policy: ModerationPolicy) -> Q:
    """Whether an enrolment without extensions reaches the point within the panel's window.

    Such a point falls in a month fixed by the start's month: the start's month number plus
    the point's month less one (`first_day_of_month`), or plus the programme's length less
    one for the final (`asye_last_day`). Each month near the panel is tried with the point's
    own function, from a start in the month that leads to it, and the database keeps the
    enrolments whose start's month leads to one of the months found due. (A programme's
    moderated points lie from month 2 on, ProgrammePoint's constraint: never the start day.)
    """
    month = points.point_month(kind)
    started = ExtractYear("asye_start") * 12 + ExtractMonth("asye_start") - 1
    if month is None:
        lands = started + F("cohort__programme__length_months") - 1

        def reached(number):
            return _reached(kind, _month_starting(number), 1)
    else:
        lands = started + (month - 1)

        def reached(number):
            return _reached(kind, _month_starting(number - (month - 1)), month)

    # A point lies inside its month, so only the months from the window's first day's to
    # the meeting's can hold one that is due (one more each side costs nothing).
    tried = range(
        _month_number(add_days(held_on, -policy.due_window_days)) - 1, _month_number(held_on) + 2
    )
    months = [n for n in tried if points.is_due(reached(n), held_on, policy.due_window_days)]
    return Q(In(lands, months)) if months else Q(pk__in=[])


class DueList:
    """Who is due for a panel (`due_list`), read as `Due` rows: a page at a time with its
    count (`page`), or all of them (iterating)."""

    COLUMNS = (
        "pk",
        "asye_start",
        "cohort__programme__length_months",
        "person__full_name",
        "practice_group__name",
    )

    def __init__(self, enrolments, kind: str, shifts: dict):
        self.enrolments = enrolments.values_list(*self.COLUMNS)
        self.kind = kind
        self.shifts = shifts

    def _due(self, row) -> Due:
        pk, start, length, name, team = row
        return Due(pk, name, team, _reached(self.kind, start, length, self.shifts.get(pk, ())))

    def __iter__(self):
        return (self._due(row) for row in self.enrolments)

    def page(self, number, per_page: int):
        """Page `number` (as Paginator.get_page takes it) with the count of them all."""
        page = counted_page(self.enrolments, number, per_page=per_page)
        page.object_list = [self._due(row) for row in page.object_list]
        return page


def due_enrolments(ids: Iterable[int]) -> list[Enrolment]:
    """These enrolments, in this order, with what `enter_for_panel` reads."""
    ids = list(ids)
    found = Enrolment.objects.for_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def due_for_panel(panel: Panel, among=None) -> list[tuple[Enrolment, date]]:
    """`due_list` with each NQSW's enrolment, as `enter_for_panel` takes them."""
    due = list(due_list(panel, among))
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
