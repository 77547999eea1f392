"""Validators shared by every app."""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# A case-management reference, never a child's name, address or date of birth (data
# minimisation). `\Z` rather than `$`: Python's `$` also matches before a trailing newline;
# PostgreSQL and Django's SQLite REGEXP (Python's `re`) both read `\Z` as end of string.
CASE_REFERENCE = r"[A-Z0-9/-]{3,20}"
CASE_REFERENCE_PATTERN = rf"^{CASE_REFERENCE}\Z"
CASE_REFERENCE_MESSAGE = (
    "A case reference is the case-management system's reference: 3 to 20 upper-case "
    "letters, digits, '-' or '/'. Never a child's name."
)
CASE_REFERENCE_HELP = "The case-management reference only: no names, addresses or dates of birth."

case_reference_validator = RegexValidator(CASE_REFERENCE_PATTERN, CASE_REFERENCE_MESSAGE)


def years_after(day: date, years: int) -> date:
    """The same day `years` later (or earlier, for a negative count), 29 February giving
    28 February; clamped to date.max / date.min rather than raising."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def validate_date_between(
    day: date | None,
    *,
    field: str,
    label: str,
    earliest: date | None = None,
    latest: date | None = None,
    why: str = "",
) -> None:
    """Refuse `day` outside earliest..latest (either end optional), naming the field and
    the allowed range; `why` says where the range comes from. The one date-range check
    every model's clean() uses, so the forms and the import give the same message."""
    if day is None:
        return
    if (earliest is None or day >= earliest) and (latest is None or day <= latest):
        return
    if earliest is not None and latest is not None:
        allowed = f"between {earliest:%d/%m/%Y} and {latest:%d/%m/%Y}"
    elif earliest is not None:
        allowed = f"on or after {earliest:%d/%m/%Y}"
    else:
        allowed = f"on or before {latest:%d/%m/%Y}"
    message = f"The {label} must be {allowed}"
    message += f" ({why})" if why else ""
    message += f"; {day:%d/%m/%Y} is outside that range."
    raise ValidationError({field: ValidationError(message, code="date_out_of_range")})
