"""The ASWP rules at their boundaries, as pure functions (aswp/rules.py)."""

from datetime import date, timedelta

from aswp import rules

START = date(2027, 1, 4)


def test_aswp_places_seven_places_the_seventh_allowed_the_eighth_refused():
    assert rules.places_finding(places=7, held=6) is None
    finding = rules.places_finding(places=7, held=7, name="appointing Ada")
    assert finding.rule == "ASWP-PLACES" and finding.is_breach
    assert finding.message == (
        "ASWP-PLACES: there are 7 ASWP places and 7 are held, so appointing Ada would make 8."
    )


def test_aswp_pathway_day_84_allowed_day_85_flagged():
    assert rules.overdue_finding(starts_on=START, weeks=12, on=START + timedelta(days=84)) is None
    finding = rules.overdue_finding(
        starts_on=START, weeks=12, on=START + timedelta(days=85), name="Ada"
    )
    assert finding.rule == "ASWP-PATHWAY" and finding.is_breach
    assert finding.numbers == {"day": 85, "last_day": 84}
    assert "it is day 85 and the decision was due by day 84 (29/03/2027)" in finding.message


def test_aswp_pathway_decision_needs_observation_and_the_three_kinds_of_interview():
    everything = ["observation", "applicant", "manager", "colleague"]
    assert rules.decision_finding(everything, min_colleagues=1) is None
    finding = rules.decision_finding(everything[:3], min_colleagues=1)
    assert finding.rule == "ASWP-PATHWAY"
    assert "1 more interview(s) with people they work with (at least 1)" in finding.message
    nothing = rules.decision_finding([], min_colleagues=2)
    assert "the direct observation of practice" in nothing.message
    assert "the interview with the applicant" in nothing.message
    assert "the interview with their manager" in nothing.message
    assert "2 more interview(s)" in nothing.message
    assert rules.decision_finding([*everything, "colleague"], min_colleagues=2) is None
