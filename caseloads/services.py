"""Allocation workflows (ALLOC-APPROVE, CAP-MAX, VISIT-SIGNOFF).

Writes are small keyword-only functions in a transaction. Approval is the one that races:
two PMs (or two tabs) approving different requests for the same worker near the cap must
not both see the old count, so it locks the worker's current enrolment row first
(`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at
BEGIN) and only then re-reads the caseload and re-runs the rules, through the read model
in `caseloads.states` (`allocation_findings`).

`decided_by`, `ended_by` and `signed_by` take a Person. Who may decide is
`caseloads.access.can_decide`; the views check it first, the writes check it again.

Every write here refreshes the board's stored rows (`caseloads.summaries`) of the workers
it touches, in its own transaction, so the board never shows a caseload the services
have since changed.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.access import acting_person, is_administrator
from academy.findings import Finding
from academy.models import Person
from caseloads import rules, summaries
from caseloads.access import can_decide
from caseloads.models import Allocation, Case, RuleSetting, VisitSignOff
from caseloads.states import allocation_findings
from cohorts.models import Enrolment
from cohorts.services import lock_current_enrolment_of, lock_enrolment


class CaseloadRefused(ValidationError):
    """A request or approval refused by the rules; `findings` holds every breach."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        super().__init__([ValidationError(f.message, code=f.rule) for f in self.findings])


# --- Who decides -------------------------------------------------------------------------


def _require_decider(user_or_person, allocation: Allocation, action: str) -> Person:
    if not can_decide(user_or_person, allocation):
        raise PermissionDenied(
            f"ALLOC-APPROVE: only the academy practice manager of "
            f"{allocation.worker.full_name}'s team, or an administrator, may {action} "
            f"this allocation."
        )
    person = acting_person(user_or_person)
    if person is None:
        raise PermissionDenied("Decisions are recorded against a member of staff.")
    return person


def _as_user(person: Person, instance):
    """Record `person` as the history user of the change to `instance`."""
    instance._history_user = person.user
    return instance


# --- Writes ------------------------------------------------------------------------------


# Who may stand as the experienced worker on a case (SOLE-CP-CLA) when asked for together
# with an NQSW: qualified practitioners who hold cases, not managers or assessors.
COMPANION_ROLES = (
    frozenset({Person.Role.GRADE10, Person.Role.SOCIAL_WORKER, Person.Role.ASWP})
    & Person.QUALIFIED_ROLES
)


def service_of(person: Person):
    """The service a member of staff works in: their academy team's, else their own."""
    if person.practice_group_id:
        return person.practice_group.service_id
    return person.service_id


def _companion_problems(companion: Person, worker: Person | None, case: Case) -> list[str]:
    """Every reason `companion` cannot stand as the experienced worker, not just the first."""
    if worker is not None and companion.pk == worker.pk:
        return ["The experienced worker is someone else."]
    problems = []
    if companion.role not in COMPANION_ROLES:
        problems.append(
            f"SOLE-CP-CLA: {companion.full_name} is not an experienced "
            "allocated worker or co-worker (a Grade 10/11 SW, social worker or ASWP)."
        )
    if service_of(companion) != case.service_id:
        problems.append(
            f"{companion.full_name} works in another service than case "
            f"{case.reference} ({case.service})."
        )
    return problems


@transaction.atomic
def request_allocation(
    *,
    case: Case,
    worker: Person,
    role: str,
    start_date: date,
    requested_by: Person,
    reason: str = "",
    backdated_reason: str = "",
    companion: Person | None = None,
    companion_role: str = rules.ALLOCATED,
    requested_at: datetime | None = None,
) -> Allocation:
    """Ask for `worker` to be put on `case` (ALLOC-APPROVE: it counts once approved).

    With `companion` (an experienced worker, SOLE-CP-CLA) both are asked for together in
    `companion_role`: two requests pointing at each other (`decided_with`), approved or
    declined as one decision; the rules judge each with the other on the case.

    Refused at once (CaseloadRefused) for breaches that no other allocation can change
    (rules.CERTAIN_AT_REQUEST: S47-TRAINEE, S47-EARLY, G10-NO-OWN, ALLOC-START, and
    ALLOC-BACKDATED without a reason) on the start date; the caps and SOLE-CP-CLA are
    checked when the PM approves. `requested_at` (default now) is for recording history.
    """
    requested_on = timezone.localdate(requested_at) if requested_at else timezone.localdate()
    requested_at = requested_at or timezone.now()
    settings = RuleSetting.objects.in_force(requested_on)
    backdated = rules.is_backdated(start_date, requested_on, settings)

    def new(person: Person, person_role: str, note: str) -> Allocation:
        allocation = Allocation(
            case=case,
            worker=person,
            role=person_role,
            start_date=start_date,
            requested_by=requested_by,
            requested_at=requested_at,
            reason=note,
            backdated_reason=backdated_reason.strip() if backdated else "",
        )
        allocation.full_clean()
        return allocation

    allocation = new(worker, role, reason)
    partner = None
    companion_problems = []
    if companion is not None:
        companion_problems = _companion_problems(companion, worker, case)
        if not companion_problems:
            partner = new(companion, companion_role, reason)
    refused = rules.certain_refusals(
        allocation_findings(allocation, start_date, companion=partner), case.reference
    )
    if partner is not None:
        refused += rules.certain_refusals(
            allocation_findings(partner, start_date, companion=allocation), case.reference
        )
    refused += rules.backdated_findings(
        worker.full_name,
        case.reference,
        start_date,
        requested_on,
        backdated_reason=backdated_reason,
        settings=settings,
    )
    if companion_problems:
        # Every problem in one response (issue 10 item 13): the companion's and the rules'.
        raise ValidationError(
            {
                "companion": companion_problems,
                **({NON_FIELD_ERRORS: CaseloadRefused(refused).error_list} if refused else {}),
            }
        )
    if refused:
        raise CaseloadRefused(refused)
    _as_user(requested_by, allocation).save()
    if partner is not None:
        partner.decided_with = allocation
        _as_user(requested_by, partner).save()
        allocation.decided_with = partner
        _as_user(requested_by, allocation).save(update_fields=["decided_with"])
    summaries.refresh_case(case.pk)  # the board's "requests waiting"
    return allocation


def _lock_worker(person_id: int) -> None:
    """Serialise every approval for one worker: lock their current enrolment row (or, for
    staff without one, their Person row) until the transaction ends."""
    if lock_current_enrolment_of(person_id) is None:
        list(Person.objects.filter(pk=person_id).select_for_update().values_list("pk", flat=True))


def _decision_rows(allocation: Allocation) -> list[Allocation]:
    """The allocation, and its companion request when the two were asked for together,
    locked for the decision (workers first, in a fixed order, so two deciders cannot
    deadlock)."""
    ids = [allocation.pk] + ([allocation.decided_with_id] if allocation.decided_with_id else [])
    workers = sorted(set(Allocation.objects.filter(pk__in=ids).values_list("worker_id", flat=True)))
    for worker_id in workers:
        _lock_worker(worker_id)
    rows = {
        a.pk: a
        for a in Allocation.objects.select_for_update(of=("self",))
        .select_related("case", "worker")
        .filter(pk__in=ids)
    }
    main = rows[allocation.pk]
    for found in rows.values():
        if found.status != Allocation.Status.REQUESTED:
            raise ValidationError(
                f"This allocation is already {found.get_status_display().lower()}."
                if found.pk == main.pk
                else f"The request made together with it ({found.worker.full_name}) is "
                f"already {found.get_status_display().lower()}."
            )
    return [main] + [a for pk, a in rows.items() if pk != main.pk]


def _approval_refusals(
    allocation: Allocation, on: date | None, companion: Allocation | None
) -> list[Finding]:
    first = max(on or timezone.localdate(), allocation.start_date)
    later_starts = (
        Allocation.objects.filter(
            worker_id=allocation.worker_id,
            status=Allocation.Status.APPROVED,
            start_date__gt=first,
        )
        .order_by()
        .values_list("start_date", flat=True)
        .distinct()
    )
    # Every date's breaches, not only the first failing date's (issue 10 item 13): a PM
    # who frees room for the start date should not then learn of a later date's breach.
    refused: list[Finding] = []
    seen = set()
    for day in sorted({first, *later_starts}):
        for finding in rules.refusals(
            allocation_findings(allocation, day, companion=companion), allocation.case.reference
        ):
            if (finding.rule, finding.case_ref, finding.message) in seen:
                continue
            seen.add((finding.rule, finding.case_ref, finding.message))
            if day != first:
                finding = replace(finding, message=f"From {day:%d/%m/%Y}: {finding.message}")
            refused.append(finding)
    return refused


@transaction.atomic
def approve_allocation(
    *, allocation: Allocation, decided_by: Person, on: date | None = None, reason: str = ""
) -> Allocation:
    """The PM agrees a request (ALLOC-APPROVE), unless the caseload would breach a rule.

    The caseload is checked on the later of `on` (default today) and the start date, and
    again on each later date when one of the worker's approved allocations starts, so an
    approval cannot push a future caseload over its cap either. A request made together
    with another (`decided_with`) is approved with it as one decision, each judged with the
    other on the case. Refused with CaseloadRefused listing every breach (rule ID and
    numbers); the requests stay as they were.
    """
    decider = _require_decider(decided_by, allocation, "approve")
    rows = _decision_rows(allocation)
    refused = []
    for row in rows:
        companion = next((other for other in rows if other.pk != row.pk), None)
        refused += _approval_refusals(row, on, companion)
    if refused:
        raise CaseloadRefused(refused)
    now = timezone.now()
    for row in rows:
        row.status = Allocation.Status.APPROVED
        row.decided_by = decider
        row.decided_at = now
        if reason:
            row.reason = reason
        row.full_clean()
        _as_user(decider, row).save()
    summaries.refresh_case(rows[0].case_id)
    return rows[0]


@transaction.atomic
def decline_allocation(
    *, allocation: Allocation, decided_by: Person, reason: str = ""
) -> Allocation:
    """The PM refuses a request (with a request made together with it); it stays on record
    as declined, the reason kept apart from the request's note (`decline_reason`)."""
    decider = _require_decider(decided_by, allocation, "decline")
    rows = _decision_rows(allocation)
    now = timezone.now()
    for row in rows:
        row.status = Allocation.Status.DECLINED
        row.decided_by = decider
        row.decided_at = now
        row.decline_reason = reason.strip()
        row.full_clean()
        _as_user(decider, row).save()
    summaries.refresh_case(rows[0].case_id)
    return rows[0]


@transaction.atomic
def add_experienced_worker(
    *,
    case: Case,
    worker: Person,
    role: str,
    start_date: date,
    requested_by: Person,
    reason: str = "",
    backdated_reason: str = "",
) -> Allocation:
    """SOLE-CP-CLA: ask for an experienced worker to join a case already recorded. When an
    NQSW's request for the case is waiting alone, the two are then decided together."""
    problems = _companion_problems(worker, None, case)
    if problems:
        raise ValidationError({"companion": problems})
    allocation = request_allocation(
        case=case,
        worker=worker,
        role=role,
        start_date=start_date,
        requested_by=requested_by,
        reason=reason,
        backdated_reason=backdated_reason,
    )
    waiting = list(
        Allocation.objects.filter(
            case=case, status=Allocation.Status.REQUESTED, decided_with__isnull=True
        ).exclude(pk=allocation.pk)
    )
    if len(waiting) == 1:
        (other,) = waiting
        other.decided_with = allocation
        _as_user(requested_by, other).save(update_fields=["decided_with"])
        allocation.decided_with = other
        _as_user(requested_by, allocation).save(update_fields=["decided_with"])
    return allocation


@transaction.atomic
def end_allocation(
    *, allocation: Allocation, ended_by: Person, end_date: date, end_reason: str
) -> Allocation:
    """Record the end of an approved allocation (closure, transfer); never deleted.

    `end_date` is the last day the worker holds the case: it counts up to and including it.
    """
    ender = _require_decider(ended_by, allocation, "end")
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.status != Allocation.Status.APPROVED:
        raise ValidationError(
            "Only an approved allocation can be ended; decline a request instead "
            f"(this one is {allocation.get_status_display().lower()})."
        )
    if not end_reason.strip():
        raise ValidationError({"end_reason": "Say why the allocation ends (closure, transfer...)."})
    allocation.status = Allocation.Status.ENDED
    allocation.end_date = end_date
    allocation.end_reason = end_reason
    allocation.ended_by = ender
    allocation.full_clean()
    _as_user(ender, allocation).save()
    summaries.refresh_case(allocation.case_id)
    return allocation


@transaction.atomic
def sign_off_visits(*, enrolment: Enrolment, signed_by: Person, signed_on: date) -> VisitSignOff:
    """VISIT-SIGNOFF: the worker's PM records that they may complete CP and CLA visits."""
    if (
        not is_administrator(signed_by)
        and enrolment.practice_group.practice_manager_id != signed_by.pk
    ):
        raise PermissionDenied(
            f"VISIT-SIGNOFF: only {enrolment.person.full_name}'s academy practice manager, or "
            "an administrator, may sign off their CP and CLA visits."
        )
    # Two sign-offs at once (a double click, two PMs) used to both pass the check below and
    # the second insert hit the one-per-enrolment constraint: a 500. Locking the enrolment
    # makes the second wait and then find the first.
    lock_enrolment(enrolment)
    existing = VisitSignOff.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        raise _already_signed_off(enrolment, existing)
    signoff = VisitSignOff(enrolment=enrolment, signed_by=signed_by, signed_on=signed_on)
    signoff.full_clean()
    try:
        with transaction.atomic():
            _as_user(signed_by, signoff).save()
    except IntegrityError:
        # The constraint is the backstop should anything write around the lock.
        raise _already_signed_off(
            enrolment, VisitSignOff.objects.filter(enrolment=enrolment).first()
        ) from None
    summaries.refresh([enrolment.pk], on=timezone.localdate())  # VISIT-SIGNOFF findings
    return signoff


def _already_signed_off(enrolment: Enrolment, existing: VisitSignOff | None) -> ValidationError:
    when = f" on {existing.signed_on:%d/%m/%Y}" if existing is not None else ""
    return ValidationError(
        f"VISIT-SIGNOFF: {enrolment.person.full_name}'s visits were already signed off{when}."
    )
