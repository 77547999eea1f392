"""The programme month (MONTH-1, MONTH-2, MONTH-3) as pure date arithmetic.

Everything here works on plain dates and integers so that rules, schedules, reports and
tests can share it without touching the database. The length of the programme is an
argument (cohorts.Programme.length_months: 12 for the ASYE, 24 for the ECDP, issue 14);
its default is the ASYE's, so callers that only ever see an ASYE read as before.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# The ASYE's length, the default of the functions below and of the seeded ASYE Programme
# row; every enrolment passes its own programme's length (Enrolment.programme_length).
ASYE_LENGTH_MONTHS = 12


@dataclass(frozen=True)
class Shift:
    """An approved extension as it affects dates: from `starts`, `months` whole months."""

    starts: date
    months: int


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's last day.

    Never raises: past the ends of the calendar it gives date.max or date.min, so one
    stored far-future date (an extension to 9999-12-31) cannot take a page down.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_days(day: date, days: int) -> date:
    """`day` moved by `days` days, clamped to date.max / date.min instead of raising."""
    ordinal = day.toordinal() + days
    if ordinal > date.max.toordinal():
        return date.max
    if ordinal < date.min.toordinal():
        return date.min
    return day + timedelta(days=days)


def calendar_months_between(earlier: date, later: date) -> int:
    """How many month boundaries lie between two dates (the days are ignored)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


def months_held_back(on: date, shifts: Iterable[Shift]) -> int:
    """How far the extensions that have begun by `on` hold the ASYE month back.

    During the absence the month stands still; once the absence has run its length the
    worker carries on one calendar month per month, `months` behind (MONTH-2).
    """
    held = 0
    for shift in shifts:
        if shift.starts <= on:
            held += min(shift.months, calendar_months_between(shift.starts, on))
    return held


def asye_month(
    start: date,
    on: date,
    shifts: Iterable[Shift] = (),
    ended: date | None = None,
    length: int = ASYE_LENGTH_MONTHS,
):
    """The worker's programme month on `on`, or None when they are not in the programme.

    MONTH-1: the calendar month of the start date is month 1, whatever its day.
    MONTH-2: an approved extension holds the month back by its length in whole months.
    MONTH-3: None before the start date, after the programme's last month (`length`: 12
    for the ASYE) plus extensions, and after `ended`, the day the enrolment actually ended
    (a pass, fail or withdrawal).
    """
    if on < start or (ended is not None and on > ended):
        return None
    month = calendar_months_between(start, on) + 1 - months_held_back(on, list(shifts))
    if month > length:
        return None
    return month


def phase(
    start: date | None,
    on: date,
    shifts: Iterable[Shift] = (),
    ended: date | None = None,
    length: int = ASYE_LENGTH_MONTHS,
) -> str:
    """'before', 'during' or 'after' the programme on `on` (MONTH-3): before its start (or
    with no start date), in one of its months (`asye_month`), or past them."""
    if start is None or on < start:
        return "before"
    return "during" if asye_month(start, on, shifts, ended, length) is not None else "after"


def asye_last_day(
    start: date, shifts: Iterable[Shift] = (), length: int = ASYE_LENGTH_MONTHS
) -> date:
    """The last day of the programme's last month (`length`), after every extension."""
    extra = sum(shift.months for shift in shifts)
    last_month = add_months(start.replace(day=1), length - 1 + extra)
    return last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])


def first_day_of_month(start: date, month: int, shifts: Iterable[Shift] = ()) -> date:
    """The date on which the worker enters ASYE month `month` (1 gives the start date)."""
    if month <= 1:
        return start
    day = add_months(start.replace(day=1), month - 1)
    # Each extension that has begun by then pushes the date back by its length; apply
    # them in date order because one push can bring a later extension into range.
    for shift in sorted(shifts, key=lambda s: s.starts):
        if shift.starts < day:
            day = add_months(day, shift.months)
    return day


def whole_months(days: int, rounding: str = "nearest") -> int:
    """An absence of `days` days in whole months (MONTH-2: inferred, rounding is policy)."""
    exact = days / (365.25 / 12)
    if rounding == "up":
        whole = int(exact) + (0 if exact == int(exact) else 1)
    elif rounding == "down":
        whole = int(exact)
    else:
        whole = int(exact + 0.5)
    return max(whole, 1)


def inclusive_days(first: date, last: date) -> int:
    return (last - first).days + 1


def week_of_asye(start: date, on: date) -> int | None:
    """Week 1 is the seven days from the start date (SUP-WEEKLY counts weeks this way)."""
    if on < start:
        return None
    return (on - start).days // 7 + 1
