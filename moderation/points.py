"""When an NQSW is due for a panel (MOD-POINTS), as pure date arithmetic.

"There will be a Moderation Meeting following the 6 month reviews and on completion of the
ASYE." An NQSW's 6-month point is the day they enter ASYE month 7 (the 6-month review is due
by then); their completion is the last day of the programme (`planned_end`: month 12 of the
ASYE, month 24 of a two-year ECDP, issue 14). Both come from the start and the approved
extensions (MONTH-2), so they are derived, never stored. The panel kinds are the ASYE's two
(MOD-POINTS); a programme's other moderated points (cohorts.ProgrammePoint.moderated, the
ECDP's 12-month review) show in its key dates but have no panel kind of their own yet.

A panel takes the NQSWs whose point has been reached by the meeting and is no more than the
policy's window old (the next panel of that kind takes the later ones).
"""

from collections.abc import Callable
from datetime import date, timedelta

SIX_MONTHS = "six_months"
FINAL = "final"


def point(kind: str, month_starts_on: Callable[[int], date | None], planned_end: date | None):
    """The day an NQSW reaches the point a panel of `kind` moderates, or None."""
    if kind == SIX_MONTHS:
        return month_starts_on(7)
    if kind == FINAL:
        return planned_end
    raise ValueError(f"Unknown kind of panel: {kind}")


def is_due(reached_on: date | None, held_on: date, window_days: int) -> bool:
    """Reached by the meeting, and recently enough to be this panel's."""
    if reached_on is None:
        return False
    return held_on - timedelta(days=window_days) < reached_on <= held_on


def refusal(kind: str, reached_on: date | None, held_on: date) -> str | None:
    """Why an NQSW cannot go to this panel yet (MOD-POINTS), or None when they can."""
    what = "6-month point (ASYE month 7)" if kind == SIX_MONTHS else "completion of the ASYE"
    if reached_on is None:
        return f"MOD-POINTS: this NQSW has no ASYE start date, so no {what}."
    if reached_on > held_on:
        return (
            f"MOD-POINTS: this panel meets on {held_on:%d/%m/%Y}, before the NQSW's {what} on "
            f"{reached_on:%d/%m/%Y}; moderation follows it."
        )
    return None
