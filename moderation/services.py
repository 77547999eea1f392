"""Moderation workflows: every change goes through here, validated and in a transaction.

Views check who may ask (moderation/access.py); these functions keep the rules
whoever calls them (a view, the demo, a test) and refuse with the rule's ID and a plain
message: a `ValidationError` whose code is the rule ID.

* set_up_panel / change_panel      MOD-PANEL, MOD-SUBMIT (the deadline)
* due_for_panel / enter_for_panel  MOD-POINTS
* accept_late / submit_portfolio   MOD-SUBMIT, MOD-ANON (the frozen, anonymised snapshot)
* allocate_automatically / allocate_to / set_moderators           MOD-ALLOCATE
* record_form                      MOD-CHECKLIST, MOD-FAIL-FULL
* record_decision / sign_off_decision   MOD-DECISION, NAT-OUTCOME, MOD-FORM
* authorise_progression            PROGRESSION
* close_panel, build_external_sample    MOD-EXTERNAL

The `at` arguments date a step in the past: the demo builds a panel that met months ago.
Views never pass them.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from academy.models import Person, PracticeGroup
from assessment.models import Recommendation
from cohorts.models import Enrolment
from cohorts.services import lock_enrolment, record_outcome
from moderation import allocation, anonymise, pdf, points
from moderation.access import chairs_panel, manages_panel, runs_moderation
from moderation.models import (
    Allocation,
    Decision,
    ExternalSample,
    ExternalSampleItem,
    ModerationForm,
    ModerationPolicy,
    ModerationRecord,
    Panel,
    PanelMember,
    PdfStatus,
    ProgressionAuthorisation,
    Submission,
)

CHAIRS = (PanelMember.Role.CHAIR, PanelMember.Role.DEPUTY_CHAIR)


def refuse(rule: str, message: str, field: str | None = None):
    """Raise the refusal every service gives: the rule ID, then what is wrong and what to do."""
    text = f"{rule}: {message}"
    if field:
        raise ValidationError({field: ValidationError(text, code=rule)})
    raise ValidationError(text, code=rule)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _day(at: datetime | None) -> date:
    return timezone.localdate(at) if at else timezone.localdate()


def _lock_submission(submission: Submission) -> Submission:
    Submission.objects.select_for_update().filter(pk=submission.pk).values("pk").get()
    return (
        Submission.objects.select_related(
            "panel",
            "enrolment__person",
            "enrolment__assessor",
            "enrolment__practice_group__practice_manager",
        )
        .prefetch_related("panel__members__person")
        .get(pk=submission.pk)
    )


# Who may do what is moderation/access.py's; the services ask the same
# predicates of the person acting, so a view and a service can never disagree.


def is_chair(panel: Panel, person: Person | None) -> bool:
    return person is not None and chairs_panel(person.user, panel)


def manages(panel: Panel, person: Person | None) -> bool:
    """The Professional Practice team and administrators, or the panel's chair or deputy."""
    return person is not None and manages_panel(person.user, panel)


def _open(panel: Panel, what: str) -> None:
    if not panel.is_open:
        refuse("MOD-DECISION", f"the {panel.title} is closed: {what} is no longer possible.")


# --- Panels (MOD-PANEL) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A seat to fill: staff by Person; the service user and university by name."""

    role: str
    person: Person | None = None
    name: str = ""
    organisation: str = ""

    @property
    def key(self) -> tuple:
        return (self.role, self.person.pk if self.person else None, self.name)


def _check_seats(seats: Sequence[Seat]) -> None:
    roles = [seat.role for seat in seats]
    for role, label in [
        (PanelMember.Role.CHAIR, "Principal Social Worker as chair"),
        (
            PanelMember.Role.DEPUTY_CHAIR,
            "Service Development Lead – Professional Practice as deputy chair",
        ),
    ]:
        if roles.count(role) != 1:
            refuse("MOD-PANEL", f"a panel has one {label}.")
    academy_services = set(PracticeGroup.objects.values_list("service_id", flat=True))
    for seat in seats:
        if (
            seat.role == PanelMember.Role.GROUP_MANAGER
            and seat.person is not None
            and seat.person.service_id not in academy_services
        ):
            refuse(
                "MOD-PANEL",
                f"{seat.person.full_name} manages a service without an academy team; group "
                "managers on the panel come from services with one.",
            )
    people = [seat.person.pk for seat in seats if seat.person is not None]
    if len(people) != len(set(people)):
        refuse("MOD-PANEL", "each person takes one seat on the panel.")


def _add_seat(panel: Panel, seat: Seat) -> PanelMember:
    member = PanelMember(
        panel=panel,
        role=seat.role,
        person=seat.person,
        name=seat.name.strip(),
        organisation=seat.organisation.strip(),
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def set_up_panel(
    *, kind: str, held_on: date, by: Person, seats: Sequence[Seat], venue: str = ""
) -> Panel:
    """A panel with its members in their MOD-PANEL roles; portfolios are due by the
    policy's number of days before it (MOD-SUBMIT), fixed now."""
    _check_seats(seats)
    policy = ModerationPolicy.in_force(held_on)
    panel = Panel(
        kind=kind,
        held_on=held_on,
        venue=venue,
        created_by=by,
        submissions_due_on=held_on - timedelta(days=policy.submission_days),
    )
    panel.full_clean()
    panel.save()
    for seat in seats:
        _add_seat(panel, seat)
    return panel


@transaction.atomic
def change_panel(
    *, panel: Panel, by: Person, held_on: date, seats: Sequence[Seat], venue: str = ""
) -> Panel:
    """Move the meeting or change who sits. A member with portfolios keeps their seat until
    they are reallocated (MOD-ALLOCATE)."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "changing the panel")
    _check_seats(seats)
    if held_on != panel.held_on:
        policy = ModerationPolicy.in_force(held_on)
        panel.held_on = held_on
        panel.submissions_due_on = held_on - timedelta(days=policy.submission_days)
    panel.venue = venue
    panel.full_clean()
    panel.save()
    wanted = {seat.key: seat for seat in seats}
    current = {
        (m.role, m.person_id, m.name if m.person_id is None else ""): m
        for m in panel.members.select_related("person")
    }
    for key, member in current.items():
        if key in wanted:
            continue
        if member.allocations.exists():
            refuse(
                "MOD-ALLOCATE",
                f"{member.display_name} has portfolios allocated: reallocate them before "
                "changing their seat.",
            )
        member.delete()
    for key, seat in wanted.items():
        if key not in current:
            _add_seat(panel, seat)
        elif current[key].organisation != seat.organisation.strip():
            current[key].organisation = seat.organisation.strip()
            current[key].save(update_fields=["organisation"])
    return panel


def missing_seats(panel: Panel) -> list[str]:
    """MOD-PANEL's members the panel has no one for (a reminder, not a refusal: a panel
    can meet without its service user)."""
    held = {member.role for member in panel.members.all()}
    return [
        label.split(" (")[0]
        for role, label in PanelMember.Role.choices
        if role not in held and role not in CHAIRS
    ]


# --- Who is due (MOD-POINTS) ------------------------------------------------------------------


def _moderated_already(kind: str, enrolment_ids: Iterable[int], exclude_panel: Panel | None):
    """Enrolments entered at a panel of `kind` that still stands: one not yet decided, or
    one whose latest signed-off decision verified the assessor's judgement (one query)."""
    latest_signed = (
        Decision.objects.filter(submission=OuterRef("pk"), signed_off_at__isnull=False)
        .order_by("-version")
        .values("verdict")[:1]
    )
    rows = (
        Submission.objects.filter(panel__kind=kind, enrolment_id__in=list(enrolment_ids))
        .annotate(verdict=Subquery(latest_signed))
        .values_list("enrolment_id", "verdict")
    )
    if exclude_panel is not None:
        rows = rows.exclude(panel=exclude_panel)
    return {
        enrolment_id
        for enrolment_id, verdict in rows
        if verdict is None or verdict == Decision.Verdict.VERIFIED
    }


def due_for_panel(panel: Panel) -> list[tuple[Enrolment, date]]:
    """NQSWs due for this panel and not entered (MOD-POINTS), with the day they got there.

    A fixed number of queries: the candidates are narrowed by their ASYE start (a point
    lies 6 to 12 months after it, plus extensions of at most the two years NAT-OUTCOME
    allows), then each point is derived from the start and the extensions.
    """
    policy = ModerationPolicy.in_force(panel.held_on)
    months_in = 6 if panel.kind == Panel.Kind.SIX_MONTHS else 11
    earliest = panel.held_on.replace(year=panel.held_on.year - 3)
    latest = panel.held_on - timedelta(days=months_in * 28)
    candidates = (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, asye_start__gte=earliest, asye_start__lte=latest)
        .exclude(moderation_submissions__panel=panel)
        .for_listing()
        .order_by("person__full_name", "pk")
    )
    due = []
    for enrolment in candidates:
        reached = points.point(panel.kind, enrolment.month_starts_on, enrolment.planned_end())
        if points.is_due(reached, panel.held_on, policy.due_window_days):
            due.append((enrolment, reached))
    taken = _moderated_already(panel.kind, [e.pk for e, _ in due], exclude_panel=panel)
    return [(e, reached) for e, reached in due if e.pk not in taken]


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
    html, facts = anonymise.snapshot(listed, day)
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


def _enqueue(name: str, **kwargs) -> None:
    # The database queue writes its job in this transaction, so a worker only sees it once
    # the rows it reads are committed (the tests run it at once).
    from moderation import tasks

    getattr(tasks, name).enqueue(**kwargs)


# --- Allocating (MOD-ALLOCATE) ----------------------------------------------------------------


@transaction.atomic
def allocate_to(
    *,
    submission: Submission,
    moderator: PanelMember,
    by: Person,
    automatic: bool = False,
    continued: bool = False,
) -> Allocation:
    """One portfolio to one moderator; never the NQSW's own assessor or PM (MOD-ALLOCATE)."""
    submission = _lock_submission(submission)
    _open(submission.panel, "allocating")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: its moderators stay.")
    row = Allocation(
        submission=submission,
        moderator=moderator,
        allocated_by=by,
        automatic=automatic,
        continued=continued,
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def unallocate(*, allocation: Allocation, by: Person) -> None:
    submission = _lock_submission(allocation.submission)
    _open(submission.panel, "reallocating")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: its moderators stay.")
    if ModerationForm.objects.filter(allocation=allocation).exists():
        refuse(
            "MOD-ALLOCATE",
            f"{allocation.moderator.display_name} has started the form on this portfolio: it "
            "stays with them.",
        )
    allocation.delete()


@transaction.atomic
def set_moderators(
    *, submission: Submission, moderators: Iterable[PanelMember], by: Person
) -> list[Allocation]:
    """Adjust by hand: exactly these members moderate this portfolio."""
    wanted = {m.pk: m for m in moderators}
    for row in list(submission.allocations.select_related("moderator__person")):
        if row.moderator_id not in wanted:
            unallocate(allocation=row, by=by)
        else:
            del wanted[row.moderator_id]
    for member in wanted.values():
        allocate_to(submission=submission, moderator=member, by=by)
    return list(submission.allocations.all())


def _previous_moderators(enrolment_ids: Sequence[int], before: date) -> dict[int, int]:
    """Who last moderated each NQSW at an earlier panel: enrolment -> person (one query)."""
    rows = (
        Allocation.objects.filter(
            submission__enrolment_id__in=list(enrolment_ids),
            submission__panel__held_on__lt=before,
            moderator__person__isnull=False,
        )
        .order_by("submission__panel__held_on", "pk")
        .values_list("submission__enrolment_id", "moderator__person_id")
    )
    return dict(rows)  # later rows win: the latest panel


@transaction.atomic
def allocate_automatically(*, panel: Panel, by: Person) -> allocation.Result:
    """Allocate every unallocated portfolio of the panel (MOD-ALLOCATE): balanced, keeping
    each NQSW with the moderator who read them last time where the balance allows."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "allocating")
    members = [m for m in panel.members.select_related("person").order_by("pk") if m.moderates]
    by_person = {m.person_id: m for m in members}
    submissions = list(
        panel.submissions.select_related(
            "enrolment__practice_group", "enrolment__person"
        ).prefetch_related("allocations", "decisions")
    )
    loads = defaultdict(int)
    for submission in submissions:
        for row in submission.allocations.all():
            loads[row.moderator_id] += 1
    todo = [s for s in submissions if not s.allocations.all() and not s.decisions.all()]
    previous = _previous_moderators([s.enrolment_id for s in todo], panel.held_on)
    portfolios = []
    for submission in todo:
        enrolment = submission.enrolment
        group = enrolment.practice_group
        conflicts = {enrolment.assessor_id, group.practice_manager_id, enrolment.person_id}
        portfolios.append(
            allocation.Portfolio(
                key=submission.pk,
                conflicts=frozenset(p for p in conflicts if p in by_person),
                previous=previous.get(enrolment.pk),
                avoid=frozenset({group.group_manager_id} & set(by_person)),
            )
        )
    moderators = [allocation.Moderator(key=m.person_id, load=loads[m.pk]) for m in members]
    result = allocation.allocate(portfolios, moderators)
    rows = {s.pk: s for s in todo}
    for submission_pk, person_pk in result.allocations.items():
        Allocation(
            submission=rows[submission_pk],
            moderator=by_person[person_pk],
            allocated_by=by,
            automatic=True,
            continued=submission_pk in result.continued,
        ).save()
    return result


# --- The moderation form (MOD-CHECKLIST) ------------------------------------------------------

FORM_FIELDS = [name for name, _ in ModerationForm.CHECKLIST + ModerationForm.JUDGEMENT] + [
    "strengths",
    "gaps",
    "comments",
    "concerns",
    "concern_details",
]


@transaction.atomic
def record_form(
    *,
    allocation: Allocation,
    by: Person,
    values: dict,
    complete: bool = False,
    at: datetime | None = None,
) -> ModerationForm:
    """Save the moderator's form as a draft, or complete it (MOD-CHECKLIST).

    Only the allocated moderator, only once the portfolio is in (MOD-SUBMIT), only while the
    panel is open and has not decided (MOD-DECISION).
    """
    unknown = set(values) - set(FORM_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    submission = _lock_submission(allocation.submission)
    if allocation.moderator.person_id != by.pk:
        refuse(
            "MOD-ALLOCATE", "only the moderator this portfolio is allocated to fills in their form."
        )
    _open(submission.panel, "moderating")
    if not submission.is_submitted:
        refuse("MOD-SUBMIT", "this portfolio has not been submitted yet: it cannot be read.")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: the forms are closed.")
    form = ModerationForm.objects.filter(allocation=allocation).first() or ModerationForm(
        allocation=allocation
    )
    for name, value in values.items():
        setattr(form, name, value)
    if not form.concerns:
        form.concern_details = ""
    form.updated_at = _now(at)
    form.completed_at = (form.completed_at or _now(at)) if complete else None
    form.full_clean()
    form.save()
    return form


# --- Decisions (MOD-DECISION, NAT-OUTCOME) ----------------------------------------------------


def outcome_for(kind: str, verdict: str, recommendation: str) -> str:
    """NAT-OUTCOME: what a signed decision does to the ASYE. Only a final panel sets it.

    Verified: the assessor's recommendation stands (pass or fail). Deferred: the ASYE is
    paused, to go on later. Not verified: no outcome; the recommendation goes back to the
    assessor and the NQSW to a later panel.
    """
    if kind != Panel.Kind.FINAL:
        return Decision.Outcome.NONE
    if verdict == Decision.Verdict.VERIFIED:
        return {
            Recommendation.Outcome.PASS: Decision.Outcome.PASSED,
            Recommendation.Outcome.FAIL: Decision.Outcome.FAILED,
        }[recommendation]
    if verdict == Decision.Verdict.DEFERRED:
        return Decision.Outcome.DEFERRED
    return Decision.Outcome.NONE


def _forms_in(submission: Submission) -> None:
    """MOD-DECISION: the panel decides once every allocated moderator's form is in."""
    rows = list(submission.allocations.select_related("moderator__person", "form"))
    if not rows:
        refuse("MOD-ALLOCATE", "no moderator has been allocated this portfolio.")
    waiting = []
    for row in rows:
        try:
            complete = row.form.is_complete
        except ModerationForm.DoesNotExist:
            complete = False
        if not complete:
            waiting.append(row.moderator.display_name)
    if waiting:
        refuse(
            "MOD-DECISION",
            f"{len(rows) - len(waiting)} of {len(rows)} moderation forms are in; waiting for "
            f"{', '.join(waiting)}. The panel decides once every allocated form is complete.",
        )


@transaction.atomic
def record_decision(
    *,
    submission: Submission,
    by: Person,
    verdict: str,
    reasons: str,
    change_reason: str = "",
    sign_off: bool = False,
    at: datetime | None = None,
) -> Decision:
    """Record what the panel decided, and why (MOD-DECISION).

    Edits the draft; after a sign-off, records the next version with the reason for the
    change. Signing off is the chair's alone.
    """
    submission = _lock_submission(submission)
    panel = submission.panel
    lock_enrolment(submission.enrolment)
    if not manages(panel, by):
        refuse(
            "MOD-DECISION",
            "the panel's chair, deputy chair or the Professional Practice team records its "
            "decisions.",
        )
    if sign_off and not is_chair(panel, by):
        refuse("MOD-DECISION", "only the panel's chair signs decisions off.")
    if not submission.is_submitted:
        refuse("MOD-SUBMIT", "this portfolio was never submitted: there is nothing to decide.")
    if _day(at) < panel.held_on:
        refuse(
            "MOD-DECISION",
            f"the panel decides at its meeting on {panel.held_on:%d/%m/%Y}, not before.",
        )
    _forms_in(submission)
    if verdict not in Decision.Verdict.values:
        refuse("MOD-DECISION", "the panel verifies, does not verify, or defers.", "verdict")
    current = submission.decisions.order_by("-version").first()
    if current is not None and not current.is_signed_off:
        decision = current
    else:
        decision = Decision(submission=submission, version=current.version + 1 if current else 1)
        if current is not None:
            if (current.verdict, current.reasons) == (verdict, reasons):
                refuse(
                    "MOD-DECISION",
                    f"nothing has changed since version {current.version} was signed off.",
                )
            if not change_reason.strip():
                refuse(
                    "MOD-DECISION",
                    f"version {current.version} was signed off: say why this decision replaces it.",
                    "change_reason",
                )
    decision.verdict = verdict
    decision.reasons = reasons
    decision.outcome = outcome_for(panel.kind, verdict, submission.recommendation)
    decision.change_reason = change_reason if decision.version > 1 else ""
    decision.recorded_by = by
    decision.recorded_at = _now(at)
    if sign_off:
        decision.signed_off_by = by
        decision.signed_off_at = _now(at)
    decision.full_clean()
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as e:
        raise ValidationError(
            "Someone else recorded a decision at the same moment: reload and retry."
        ) from e
    if sign_off:
        _after_sign_off(decision, at)
    return decision


@transaction.atomic
def sign_off_decision(*, decision: Decision, by: Person, at: datetime | None = None) -> Decision:
    """The chair signs the draft off: final from now on (MOD-DECISION)."""
    submission = _lock_submission(decision.submission)
    lock_enrolment(submission.enrolment)
    if not is_chair(submission.panel, by):
        refuse("MOD-DECISION", "only the panel's chair signs decisions off.")
    decision = Decision.objects.get(pk=decision.pk)
    if decision.is_signed_off:
        refuse("MOD-DECISION", f"version {decision.version} is already signed off.")
    latest = submission.decisions.order_by("-version").values_list("pk", flat=True).first()
    if latest != decision.pk:
        refuse("MOD-DECISION", "only the latest decision can be signed off.")
    decision.signed_off_by = by
    decision.signed_off_at = _now(at)
    decision.submission = submission
    decision.save(update_fields=["signed_off_by", "signed_off_at"])
    _after_sign_off(decision, at)
    return decision


def _after_sign_off(decision: Decision, at: datetime | None) -> None:
    """A signed decision: the ASYE's outcome (final panels), withdrawn authorisations, and
    the moderation form for the NQSW's portfolio (MOD-FORM)."""
    submission = decision.submission
    panel = submission.panel
    enrolment = submission.enrolment
    if panel.kind == Panel.Kind.FINAL and enrolment.status != Enrolment.Status.WITHDRAWN:
        if decision.outcome:
            record_outcome(enrolment=enrolment, status=decision.outcome, end_date=panel.held_on)
        else:
            record_outcome(enrolment=enrolment, status=Enrolment.Status.ACTIVE, end_date=None)
    if decision.outcome != Decision.Outcome.PASSED:
        for earlier in ProgressionAuthorisation.objects.filter(
            decision__submission=submission, withdrawn_at__isnull=True
        ):
            earlier.withdrawn_at = _now(at)
            earlier.withdrawn_reason = (
                f"Decision version {decision.version} replaced the PASS it rested on: "
                f"{decision.change_reason}"
            )
            earlier.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record = ModerationRecord.objects.create(
        enrolment=enrolment, submission=submission, decision=decision, requested_at=_now(at)
    )
    _enqueue("render_moderation_record_pdf", record_id=record.pk)


# --- Pay progression (PROGRESSION) ------------------------------------------------------------


@transaction.atomic
def authorise_progression(
    *, submission: Submission, by: Person, at: datetime | None = None
) -> ProgressionAuthorisation:
    """The chair authorises pay progression after a signed-off final PASS (PROGRESSION)."""
    submission = _lock_submission(submission)
    panel = submission.panel
    if not is_chair(panel, by):
        refuse("PROGRESSION", "the panel's chair signs the pay progression authorisation.")
    decision = submission.decisions.order_by("-version").first()
    if (
        panel.kind != Panel.Kind.FINAL
        or decision is None
        or not decision.is_signed_off
        or decision.outcome != Decision.Outcome.PASSED
    ):
        refuse(
            "PROGRESSION",
            "pay progression follows a final moderated PASS: the final panel's decision "
            "verifying the assessor's PASS must be signed off first.",
        )
    existing = ProgressionAuthorisation.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    policy = ModerationPolicy.in_force(panel.held_on)
    authorisation = ProgressionAuthorisation(
        enrolment=submission.enrolment,
        decision=decision,
        progression_point=policy.progression_point,
        effective_from=submission.enrolment.end_date or panel.held_on,
        authorised_by=by,
        authorised_at=_now(at),
    )
    authorisation.full_clean()
    authorisation.save()
    _enqueue("render_progression_pdf", authorisation_id=authorisation.pk)
    authorisation.refresh_from_db()
    return authorisation


# --- Closing, and the external sample (MOD-EXTERNAL) ------------------------------------------


@transaction.atomic
def close_panel(*, panel: Panel, by: Person, at: datetime | None = None) -> Panel:
    """After the meeting: moderators can no longer read the panel's portfolios."""
    panel = Panel.objects.select_for_update().prefetch_related("members").get(pk=panel.pk)
    if not manages(panel, by):
        refuse("MOD-DECISION", "the chair or the Professional Practice team closes a panel.")
    _open(panel, "closing it again")
    if _day(at) < panel.held_on:
        refuse("MOD-DECISION", f"the panel meets on {panel.held_on:%d/%m/%Y}: close it after.")
    undecided = (
        panel.submissions.submitted().exclude(decisions__signed_off_at__isnull=False).count()
    )
    if undecided:
        refuse(
            "MOD-DECISION",
            f"{undecided} submitted portfolio(s) have no signed-off decision yet.",
        )
    panel.closed_at = _now(at)
    panel.closed_by = by
    panel.save(update_fields=["closed_at", "closed_by"])
    return panel


@transaction.atomic
def build_external_sample(
    *, title: str, submissions: Sequence[Submission], by: Person, notes: str = ""
) -> ExternalSample:
    """A sample for the external moderation panel, exported as one ZIP (MOD-EXTERNAL)."""
    if not runs_moderation(by.user):
        refuse("MOD-EXTERNAL", "the Professional Practice team chooses the external sample.")
    if not submissions:
        refuse("MOD-EXTERNAL", "choose at least one portfolio.", "submissions")
    missing = [s.code for s in submissions if not s.is_submitted]
    if missing:
        refuse("MOD-EXTERNAL", f"{', '.join(missing)} has not been submitted.", "submissions")
    sample = ExternalSample(title=title, notes=notes, created_by=by)
    sample.full_clean()
    sample.save()
    for submission in submissions:
        ExternalSampleItem.objects.create(sample=sample, submission=submission)
    _enqueue("build_external_sample_zip", sample_id=sample.pk)
    sample.refresh_from_db()
    return sample


# --- Rendering (called by the background tasks) -----------------------------------------------
# WeasyPrint runs outside a transaction of its own: it takes seconds and must not hold the
# write lock. Each render is keyed by the content hash and never repeated for the same one.


def _store(row, field: str, status_field: str, name: str, body: bytes, **extra) -> None:
    with transaction.atomic():
        getattr(row, field).save(name, ContentFile(body), save=False)
        setattr(row, status_field, PdfStatus.READY)
        for key, value in extra.items():
            setattr(row, key, value)
        row.save(update_fields=[field, status_field, *extra])


def _ready(row, field: str, status_field: str) -> bool:
    stored = getattr(row, field)
    return (
        getattr(row, status_field) == PdfStatus.READY
        and bool(stored)
        and stored.storage.exists(stored.name)
    )


def _failed(model, pk, status_field: str) -> None:
    model.objects.filter(pk=pk).update(**{status_field: PdfStatus.FAILED})


def render_submission_pdf(submission: Submission) -> Submission:
    if _ready(submission, "pdf", "pdf_status"):
        return submission
    html = pdf.submission_document(submission)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(Submission, submission.pk, "pdf_status")
        raise
    name = f"{submission.code}-{submission.content_hash[:16]}.pdf"
    _store(submission, "pdf", "pdf_status", name, body, pdf_rendered_at=timezone.now())
    return submission


def request_submission_pdf(*, submission: Submission) -> Submission:
    """Ask again for a PDF whose render failed."""
    if submission.is_submitted and submission.pdf_status in ("", PdfStatus.FAILED):
        Submission.objects.filter(pk=submission.pk).update(pdf_status=PdfStatus.PENDING)
        _enqueue("render_submission_pdf", submission_id=submission.pk)
        submission.refresh_from_db()
    return submission


def record_forms(submission: Submission) -> list[ModerationForm]:
    return list(
        ModerationForm.objects.filter(allocation__submission=submission)
        .select_related("allocation__moderator__person")
        .order_by("allocation__pk")
    )


def render_record_pdf(record: ModerationRecord) -> ModerationRecord:
    if _ready(record, "file", "status"):
        return record
    submission = record.submission
    decisions = list(
        submission.decisions.select_related("recorded_by", "signed_off_by").order_by("version")
    )
    html = pdf.record_document(record, record_forms(submission), decisions)
    digest = pdf.content_hash(html)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(ModerationRecord, record.pk, "status")
        raise
    name = f"moderation-form-{record.enrolment.person.staff_id}-{digest[:16]}.pdf"
    _store(record, "file", "status", name, body, content_hash=digest, rendered_at=timezone.now())
    return record


def render_progression_pdf(authorisation: ProgressionAuthorisation) -> ProgressionAuthorisation:
    if _ready(authorisation, "file", "status"):
        return authorisation
    html = pdf.progression_document(authorisation)
    digest = pdf.content_hash(html)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(ProgressionAuthorisation, authorisation.pk, "status")
        raise
    name = f"pay-progression-{authorisation.enrolment.person.staff_id}-{digest[:16]}.pdf"
    _store(
        authorisation,
        "file",
        "status",
        name,
        body,
        content_hash=digest,
        rendered_at=timezone.now(),
    )
    return authorisation


def render_external_sample(sample: ExternalSample) -> ExternalSample:
    """The ZIP: each portfolio's anonymised PDF (rendered now if it is missing) and the
    manifest, with the latest signed-off decision on each."""
    if _ready(sample, "file", "status"):
        return sample
    submissions = list(
        sample.submissions.select_related("panel").prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(signed_off_at__isnull=False).order_by("-version"),
                to_attr="signed",
            )
        )
    )
    entries = []
    try:
        for submission in submissions:
            render_submission_pdf(submission)
            with submission.pdf.open("rb") as f:
                body = f.read()
            entries.append((submission, submission.signed[0] if submission.signed else None, body))
        archive = pdf.sample_zip(sample, entries)
    except Exception:
        _failed(ExternalSample, sample.pk, "status")
        raise
    digest = hashlib.sha256(archive).hexdigest()
    _store(
        sample,
        "file",
        "status",
        f"external-sample-{sample.pk}-{digest[:16]}.zip",
        archive,
        content_hash=digest,
        rendered_at=timezone.now(),
    )
    return sample
