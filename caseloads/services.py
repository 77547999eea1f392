"""Allocation workflows (ALLOC-APPROVE, CAP-MAX, VISIT-SIGNOFF).

Writes are small keyword-only functions in a transaction. Approval is the one that races:
two PMs (or two tabs) approving different requests for the same worker near the cap must
not both see the old count, so it locks the worker's current enrolment row first
(`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at
BEGIN) and only then re-reads the caseload and re-runs the rules, through the read model
in `caseloads.states` (`allocation_findings`).

`decided_by`, `ended_by` and `signed_by` take a Person. Who may decide is
`caseloads.access.can_decide`; the views check it first, the writes check it again.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.access import acting_person, is_administrator
from academy.findings import Finding
from academy.models import Person
from caseloads import rules
from caseloads.access import can_decide
from caseloads.models import Allocation, Case, VisitSignOff
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


@transaction.atomic
def request_allocation(
    *,
    case: Case,
    worker: Person,
    role: str,
    start_date: date,
    requested_by: Person,
    reason: str = "",
) -> Allocation:
    """Ask for `worker` to be put on `case` (ALLOC-APPROVE: it counts once approved).

    Refused at once (CaseloadRefused) only for breaches that no other allocation can change
    (rules.CERTAIN_AT_REQUEST: S47-TRAINEE, S47-EARLY, G10-NO-OWN) on the start date; the
    caps and SOLE-CP-CLA are checked when the PM approves.
    """
    allocation = Allocation(
        case=case,
        worker=worker,
        role=role,
        start_date=start_date,
        requested_by=requested_by,
        reason=reason,
    )
    allocation.full_clean()
    refused = rules.certain_refusals(allocation_findings(allocation, start_date), case.reference)
    if refused:
        raise CaseloadRefused(refused)
    _as_user(requested_by, allocation).save()
    return allocation


def _lock_worker(person_id: int) -> None:
    """Serialise every approval for one worker: lock their current enrolment row (or, for
    staff without one, their Person row) until the transaction ends."""
    if lock_current_enrolment_of(person_id) is None:
        list(Person.objects.filter(pk=person_id).select_for_update().values_list("pk", flat=True))


@transaction.atomic
def approve_allocation(
    *, allocation: Allocation, decided_by: Person, on: date | None = None, reason: str = ""
) -> Allocation:
    """The PM agrees a request (ALLOC-APPROVE), unless the caseload would breach a rule.

    The caseload is checked on the later of `on` (default today) and the start date, and
    again on each later date when one of the worker's approved allocations starts, so an
    approval cannot push a future caseload over its cap either. Refused with
    CaseloadRefused listing every breach (rule ID and numbers); the request stays as it was.
    """
    decider = _require_decider(decided_by, allocation, "approve")
    _lock_worker(allocation.worker_id)
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("case", "worker")
        .get(pk=allocation.pk)
    )
    if allocation.status != Allocation.Status.REQUESTED:
        raise ValidationError(
            f"This allocation is already {allocation.get_status_display().lower()}."
        )
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
    for day in sorted({first, *later_starts}):
        refused = rules.refusals(allocation_findings(allocation, day), allocation.case.reference)
        if refused:
            raise CaseloadRefused(refused)
    allocation.status = Allocation.Status.APPROVED
    allocation.decided_by = decider
    allocation.decided_at = timezone.now()
    if reason:
        allocation.reason = reason
    allocation.full_clean()
    _as_user(decider, allocation).save()
    return allocation


@transaction.atomic
def decline_allocation(
    *, allocation: Allocation, decided_by: Person, reason: str = ""
) -> Allocation:
    """The PM refuses a request; it stays on record as declined."""
    decider = _require_decider(decided_by, allocation, "decline")
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.status != Allocation.Status.REQUESTED:
        raise ValidationError(
            "Only a request can be declined; this one is "
            f"{allocation.get_status_display().lower()}."
        )
    allocation.status = Allocation.Status.DECLINED
    allocation.decided_by = decider
    allocation.decided_at = timezone.now()
    if reason:
        allocation.reason = reason
    allocation.full_clean()
    _as_user(decider, allocation).save()
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
    return signoff


def _already_signed_off(enrolment: Enrolment, existing: VisitSignOff | None) -> ValidationError:
    when = f" on {existing.signed_on:%d/%m/%Y}" if existing is not None else ""
    return ValidationError(
        f"VISIT-SIGNOFF: {enrolment.person.full_name}'s visits were already signed off{when}."
    )
