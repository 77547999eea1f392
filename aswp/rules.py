"""The ASWP rules as pure functions over plain values, returning findings
(academy.findings). The services refuse on a BREACH; the pages show the same findings.

| rule          | severity | when                                                              |
|---------------|----------|-------------------------------------------------------------------|
| ASWP-PLACES   | breach   | an appointment would make more ASWPs than places                  |
| ASWP-PATHWAY  | breach   | a decision before the observation and the three kinds of interview |
| ASWP-PATHWAY  | breach   | an assessment past its weeks (day 85 of 12 weeks) without decision |
"""

from collections import Counter
from datetime import date, timedelta

from academy.findings import BREACH, Finding

PLACES, PATHWAY = "ASWP-PLACES", "ASWP-PATHWAY"
OBSERVATION, APPLICANT, MANAGER, COLLEAGUE = "observation", "applicant", "manager", "colleague"


def places_finding(*, places: int, held: int, name: str = "this appointment") -> Finding | None:
    """An appointment is refused when every place is held."""
    if held + 1 <= places:
        return None
    return Finding(
        PLACES,
        BREACH,
        f"ASWP-PLACES: there are {places} ASWP places and {held} are held, so {name} would "
        f"make {held + 1}.",
        numbers={"places": places, "held": held},
    )


def missing_steps(kinds: list[str], *, min_colleagues: int) -> list[str]:
    """What the assessment still lacks before a decision, as readable phrases."""
    seen = Counter(kinds)
    missing = []
    if not seen[OBSERVATION]:
        missing.append("the direct observation of practice")
    if not seen[APPLICANT]:
        missing.append("the interview with the applicant")
    if not seen[MANAGER]:
        missing.append("the interview with their manager")
    if seen[COLLEAGUE] < min_colleagues:
        missing.append(
            f"{min_colleagues - seen[COLLEAGUE]} more interview(s) with people they work with "
            f"(at least {min_colleagues})"
        )
    return missing


def decision_finding(kinds: list[str], *, min_colleagues: int) -> Finding | None:
    missing = missing_steps(kinds, min_colleagues=min_colleagues)
    if not missing:
        return None
    return Finding(
        PATHWAY,
        BREACH,
        "ASWP-PATHWAY: the assessment ends in a direct observation and interviews with the "
        f"applicant, their manager and people they work with; still missing: {'; '.join(missing)}.",
        numbers={"missing": len(missing)},
    )


def day_of(starts_on: date, on: date) -> int:
    """Day 0 is the start of assessment; 12 weeks later is day 84."""
    return (on - starts_on).days


def overdue_finding(
    *, starts_on: date, weeks: int, on: date, name: str = "the applicant"
) -> Finding | None:
    """Past the last day (day 84 of 12 weeks) with no decision: flagged to the chair."""
    deadline = starts_on + timedelta(weeks=weeks)
    if on <= deadline:
        return None
    return Finding(
        PATHWAY,
        BREACH,
        f"ASWP-PATHWAY: {name}'s assessment began on {starts_on:%d/%m/%Y}; it is day "
        f"{day_of(starts_on, on)} and the decision was due by day {weeks * 7} "
        f"({deadline:%d/%m/%Y}).",
        numbers={"day": day_of(starts_on, on), "last_day": weeks * 7},
        due=deadline,
    )
