"""When an NQSW is due for a panel (MOD-POINTS), as pure date arithmetic.

"There will be a Moderation Meeting following the 6 month reviews and on completion of the
ASYE." An NQSW's 6-month point is the day they enter ASYE month 7 (the 6-month review is due
by then); their completion is the last day of the programme (`planned_end`: month 12 of the
ASYE, month 24 of a two-year ECDP, issue 14). Both come from the start and the approved
extensions (MONTH-2), so they are derived, never stored. The panel kinds are the ASYE's two
(MOD-POINTS) and, for a programme's other moderated points (cohorts.ProgrammePoint.moderated,
the ECDP's 12-month review, issue 14), "month_<n>": the panel for the point due at the start
of month n, spelt as assessment's review kinds are. A "six_months" panel is month 7's.

A panel takes the NQSWs whose point has been reached by the meeting and is no more than the
policy's window old (the next panel of that kind takes the later ones).
"""

from collections.abc import Callable
from datetime import date, timedelta

SIX_MONTHS = "six_months"
FINAL = "final"
POINT_PREFIX = "month_"
SIX_MONTHS_MONTH = 7


def kind_for_month(month: int) -> str:
    """The kind of the panel that follows the programme point due at the start of `month`."""
    return SIX_MONTHS if month == SIX_MONTHS_MONTH else f"{POINT_PREFIX}{month}"


def point_month(kind: str) -> int | None:
    """The programme month whose start a panel of `kind` follows; None for the final."""
    if kind == SIX_MONTHS:
        return SIX_MONTHS_MONTH
    number = kind.removeprefix(POINT_PREFIX)
    if kind.startswith(POINT_PREFIX) and number.isdigit():
        return int(number)
    if kind == FINAL:
        return None
    raise ValueError(f"Unknown kind of panel: {kind}")


def kind_label(kind: str) -> str:
    """ "6-month", "12-month" (a point at month 13), "Final"."""
    if kind == FINAL:
        return "Final"
    return f"{point_month(kind) - 1}-month"


def what(kind: str) -> str:
    """The point, as the MOD-POINTS messages name it."""
    if kind == FINAL:
        return "completion of the ASYE"
    if kind == SIX_MONTHS:
        return "6-month point (ASYE month 7)"
    return f"{kind_label(kind)} point (month {point_month(kind)})"


def point(kind: str, month_starts_on: Callable[[int], date | None], planned_end: date | None):
    """The day an NQSW reaches the point a panel of `kind` moderates, or None."""
    month = point_month(kind)
    return planned_end if month is None else month_starts_on(month)


def is_due(reached_on: date | None, held_on: date, window_days: int) -> bool:
    """Reached by the meeting, and recently enough to be this panel's."""
    if reached_on is None:
        return False
    return held_on - timedelta(days=window_days) < reached_on <= held_on


def refusal(kind: str, reached_on: date | None, held_on: date) -> str | None:
    """Why an NQSW cannot go to this panel yet (MOD-POINTS), or None when they can."""
    name = what(kind)
    if reached_on is None:
        return f"MOD-POINTS: this NQSW has no ASYE start date, so no {name}."
    if reached_on > held_on:
        return (
            f"MOD-POINTS: this panel meets on {held_on:%d/%m/%Y}, before the NQSW's {name} on "
            f"{reached_on:%d/%m/%Y}; moderation follows it."
        )
    return None
