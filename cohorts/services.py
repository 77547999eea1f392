"""Every write to an enrolment, the spine: its assessor, its outcome, its extensions.

Feature apps call these rather than saving an enrolment themselves. Writers on one NQSW
are serialised by `lock_enrolment()` (a row lock on PostgreSQL; SQLite's IMMEDIATE
transactions already hold the write lock).
"""

from datetime import date

from django.db import transaction

from academy.models import Person, PracticeGroup
from cohorts.models import Enrolment, Extension


def lock_enrolment(enrolment: Enrolment) -> Enrolment:
    """The enrolment's row, locked until the transaction ends, freshly read."""
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def lock_current_enrolment_of(person_id: int) -> Enrolment | None:
    """Lock the person's current enrolment (if any): serialises every write about one
    worker, e.g. two approvals near the cap."""
    return Enrolment.objects.current().filter(person_id=person_id).select_for_update().first()


@transaction.atomic
def change_assessor(*, enrolment: Enrolment, assessor: Person | None) -> Enrolment:
    """Name a new assessor; refused with ASSESSOR-INDEPENDENT if they are the NQSW's PM.

    Observations already made keep counting as the assessor's: whether an observer was the
    assessor is read from the enrolment's history on the day of the observation.
    """
    enrolment = lock_enrolment(enrolment)
    enrolment.assessor = assessor
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def record_outcome(*, enrolment: Enrolment, status: str, end_date: date | None) -> Enrolment:
    """NAT-OUTCOME: passed, failed or deferred, with the day it took effect (or back to
    active, with no end, when a later decision takes the outcome away)."""
    enrolment = lock_enrolment(enrolment)
    if (enrolment.status, enrolment.end_date) == (status, end_date):
        return enrolment
    enrolment.status = status
    enrolment.end_date = end_date
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def record_extension(
    *,
    enrolment: Enrolment,
    reason: str,
    first_day: date,
    last_day: date,
    approved_by: Person,
    approved_on: date | None = None,
    notes: str = "",
) -> Extension:
    """Record an approved extension (EXT-1); every later date moves with it (MONTH-2).

    Raises ValidationError naming EXT-1 for any other reason, too short an absence, or an
    absence overlapping one already extended for.
    """
    # The lock serialises two extensions of one enrolment, so full_clean()'s overlap check
    # sees the other one (issue 15 item 4).
    lock_enrolment(enrolment)
    extension = Extension(
        enrolment=enrolment,
        reason=reason,
        first_day=first_day,
        last_day=last_day,
        approved_by=approved_by,
        notes=notes,
    )
    if approved_on is not None:
        extension.approved_on = approved_on
    if first_day and last_day and last_day >= first_day:
        extension.months = Extension.months_for(first_day, last_day)
    extension.full_clean()
    extension.save()
    return extension


@transaction.atomic
def move_to_practice_group(
    *, enrolment: Enrolment, practice_group: PracticeGroup, reason: str
) -> Person:
    """MOVE-ON: at the end of the ASYE the worker joins a main practice group. The person's
    history (simple-history) keeps the move with its reason; the enrolment keeps its
    academy team, so the ASYE's records still read as they happened."""
    lock_enrolment(enrolment)
    person = Person.objects.select_for_update().get(pk=enrolment.person_id)
    person.practice_group = practice_group
    person._change_reason = reason
    person.save(update_fields=["practice_group"])
    return person
