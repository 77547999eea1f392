from datetime import date

from django.db import transaction

from academy.models import Person
from cohorts.models import Enrolment, Extension


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

    Raises ValidationError naming EXT-1 for any other reason or too short an absence.
    """
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
