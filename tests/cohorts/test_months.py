"""MONTH-1, MONTH-2, MONTH-3 as pure date arithmetic (cohorts/months.py)."""

from datetime import date

import pytest

from cohorts.months import (
    Shift,
    add_months,
    asye_last_day,
    asye_month,
    first_day_of_month,
    whole_months,
)

SEPT = date(2026, 9, 1)
JAN = date(2027, 1, 4)


@pytest.mark.parametrize(
    "on, month",
    [
        (date(2026, 9, 1), 1),
        (date(2026, 9, 30), 1),
        (date(2026, 10, 1), 2),
        (date(2026, 12, 31), 4),
        (date(2027, 1, 1), 5),
        (date(2027, 4, 15), 8),
        (date(2027, 5, 1), 9),
        (date(2027, 6, 30), 10),
        (date(2027, 7, 1), 11),
        (date(2027, 8, 31), 12),
    ],
)
def test_september_start_counts_calendar_months(on, month):
    # MONTH-1: "Sept = 1, Oct = 2, ..., Dec = 4, Jan = 5, Apr = 8, Jun = 10, Jul = 11".
    assert asye_month(SEPT, on) == month


@pytest.mark.parametrize(
    "on, month",
    [
        (date(2027, 1, 4), 1),
        (date(2027, 1, 31), 1),
        (date(2027, 2, 1), 2),
        (date(2027, 4, 30), 4),
        (date(2027, 5, 1), 5),
        (date(2027, 9, 1), 9),
        (date(2027, 12, 31), 12),
    ],
)
def test_january_start(on, month):
    assert asye_month(JAN, on) == month


def test_a_mid_month_start_still_makes_that_month_month_one():
    start = date(2026, 9, 21)
    assert asye_month(start, date(2026, 9, 30)) == 1
    assert asye_month(start, date(2026, 10, 1)) == 2


def test_before_the_start_there_is_no_asye_month():
    # MONTH-3: before the ASYE start date a worker is not in the ASYE.
    assert asye_month(SEPT, date(2026, 8, 31)) is None
    assert asye_month(JAN, date(2027, 1, 3)) is None


def test_after_month_twelve_the_asye_is_over():
    assert asye_month(SEPT, date(2027, 8, 31)) == 12
    assert asye_month(SEPT, date(2027, 9, 1)) is None
    assert asye_last_day(SEPT) == date(2027, 8, 31)
    assert asye_last_day(JAN) == date(2027, 12, 31)


def test_an_enrolment_that_ended_early_has_no_month_after_its_end():
    ended = date(2027, 6, 30)
    assert asye_month(SEPT, ended, ended=ended) == 10
    assert asye_month(SEPT, date(2027, 7, 1), ended=ended) is None


def test_an_extension_holds_the_month_while_the_absence_runs_then_shifts_everything():
    # Two months' sickness from 10 November (month 3).
    shifts = [Shift(starts=date(2026, 11, 10), months=2)]
    assert asye_month(SEPT, date(2026, 11, 9), shifts) == 3
    assert asye_month(SEPT, date(2026, 11, 30), shifts) == 3
    assert asye_month(SEPT, date(2026, 12, 15), shifts) == 3
    assert asye_month(SEPT, date(2027, 1, 15), shifts) == 3
    assert asye_month(SEPT, date(2027, 2, 1), shifts) == 4
    # Month 12 now ends two months later (MONTH-2 moves the end of the ASYE).
    assert asye_month(SEPT, date(2027, 10, 31), shifts) == 12
    assert asye_month(SEPT, date(2027, 11, 1), shifts) is None
    assert asye_last_day(SEPT, shifts) == date(2027, 10, 31)


def test_extensions_add_up():
    shifts = [Shift(date(2026, 10, 5), 1), Shift(date(2027, 3, 1), 3)]
    assert asye_last_day(SEPT, shifts) == date(2027, 12, 31)
    assert asye_month(SEPT, date(2027, 12, 31), shifts) == 12


def test_first_day_of_a_month_moves_with_extensions():
    assert first_day_of_month(SEPT, 1) == SEPT
    assert first_day_of_month(SEPT, 7) == date(2027, 3, 1)
    assert first_day_of_month(SEPT, 7, [Shift(date(2026, 11, 10), 2)]) == date(2027, 5, 1)
    # An extension that starts after the date leaves it alone.
    assert first_day_of_month(SEPT, 4, [Shift(date(2027, 1, 10), 2)]) == date(2026, 12, 1)


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


@pytest.mark.parametrize(
    "days, rounding, months",
    [
        (43, "nearest", 1),
        (45, "nearest", 1),
        (46, "nearest", 2),
        (61, "nearest", 2),
        (274, "nearest", 9),
        (43, "up", 2),
        (31, "up", 2),
        (61, "down", 2),
        (43, "down", 1),
        (10, "down", 1),
    ],
)
def test_whole_months_rounding(days, rounding, months):
    assert whole_months(days, rounding) == months
