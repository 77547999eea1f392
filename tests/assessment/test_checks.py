"""The portfolio checks as pure functions, each at its boundary (no database)."""

from datetime import date, timedelta

import pytest

from academy.findings import BREACH, WARNING
from assessment import checks
from assessment.checks import Due, Minimums, PortfolioFacts
from assessment.portfolio import assessor_on
from cohorts.months import asye_last_day, first_day_of_month

START = date(2026, 9, 1)
DUE = Due.derive(lambda m: first_day_of_month(START, m), asye_last_day(START))
DAY = timedelta(days=1)


def rules(findings):
    return [f.rule for f in findings]


def test_due_dates_are_derived_from_the_start():
    assert DUE.agreement == date(2026, 9, 30)  # the last day of the first month
    assert DUE.three_months == date(2026, 12, 1)  # as the enrolment's key dates say
    assert DUE.six_months == date(2027, 3, 1)
    assert DUE.nine_months == date(2027, 6, 1)
    assert DUE.final == date(2027, 8, 31)


def test_an_extension_moves_every_due_date():
    from cohorts.months import Shift

    shifts = [Shift(starts=date(2026, 11, 2), months=2)]
    due = Due.derive(lambda m: first_day_of_month(START, m, shifts), asye_last_day(START, shifts))
    assert due.agreement == DUE.agreement  # before the absence
    assert due.three_months == date(2027, 2, 1)
    assert due.final == date(2027, 10, 31)


# --- OBS-THREE ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "by_assessor, ok",
    [
        ([True, True, False], True),  # exactly the rule
        ([True, True, False, False], True),
        ([True, True], False),  # two observations
        ([True, True, True], False),  # three, none by anyone else
        ([True, False, False], False),  # only one by the assessor
        ([], False),
    ],
)
def test_obs_three(by_assessor, ok):
    found = checks.obs_three(by_assessor, due=DUE.final, today=DUE.final)
    assert (found == []) is ok
    if not ok:
        assert found[0].rule == "OBS-THREE" and found[0].severity == WARNING


def test_obs_three_says_what_is_missing():
    [finding] = checks.obs_three([True, True, True], due=DUE.final, today=None)
    assert "3 of 3 direct observations (3 by the assessor, 0 by someone else)" in finding.message
    assert "1 more by someone else" in finding.message
    [finding] = checks.obs_three([True, False], due=DUE.final, today=None)
    assert "1 more by the assessor" in finding.message


def test_obs_three_is_overdue_the_day_after_the_asye_ends():
    [on_the_day] = checks.obs_three([True], due=DUE.final, today=DUE.final)
    [after] = checks.obs_three([True], due=DUE.final, today=DUE.final + DAY)
    assert (on_the_day.severity, after.severity) == (WARNING, BREACH)
    assert "was due by 31 Aug 2027" in after.message


def test_obs_three_follows_the_policy_minimums():
    fewer = Minimums(observations=2, observations_by_assessor=1, observations_by_others=1)
    assert checks.obs_three([True, False], due=DUE.final, today=None, minimums=fewer) == []


# --- NAT-EVIDENCE ---------------------------------------------------------------------------


def evidence(**overrides):
    values = dict(
        child_feedback=3,
        professional_feedback=3,
        written_work_assessed=3,
        written_work_added=3,
        reflection_six_months=True,
        reflection_twelve_months=True,
        due=DUE,
        today=DUE.final,
    )
    values.update(overrides)
    return checks.nat_evidence(**values)


def test_nat_evidence_met_at_the_minimums():
    assert evidence() == []


@pytest.mark.parametrize(
    "overrides, text",
    [
        ({"child_feedback": 2}, "2 of 3 pieces of feedback from children and young people"),
        ({"professional_feedback": 2}, "2 of 3 pieces of feedback from other professionals"),
        ({"written_work_assessed": 2}, "2 of 3 assessed pieces of written work (1 awaiting"),
        ({"reflection_six_months": False}, "no critical reflection at 6 months"),
        ({"reflection_twelve_months": False}, "no critical reflection at 12 months"),
    ],
)
def test_nat_evidence_one_short(overrides, text):
    [finding] = evidence(**overrides)
    assert finding.rule == "NAT-EVIDENCE"
    assert text in finding.message


def test_nat_evidence_counts_written_work_only_once_assessed():
    [finding] = evidence(written_work_assessed=0, written_work_added=5)
    assert "0 of 3 assessed pieces of written work (5 awaiting the assessor)" in finding.message


def test_the_six_month_reflection_is_due_at_the_six_month_review():
    [due_today] = evidence(reflection_six_months=False, today=DUE.six_months)
    [late] = evidence(reflection_six_months=False, today=DUE.six_months + DAY)
    assert (due_today.severity, late.severity) == (WARNING, BREACH)


# --- NAT-AGREEMENT --------------------------------------------------------------------------


def test_nat_agreement_within_the_first_month():
    assert checks.nat_agreement(DUE.agreement, due=DUE.agreement, today=DUE.final) == []
    [late] = checks.nat_agreement(DUE.agreement + DAY, due=DUE.agreement, today=DUE.final)
    assert (late.rule, late.severity) == ("NAT-AGREEMENT", WARNING)
    assert "after the first month" in late.message


def test_nat_agreement_missing_is_overdue_after_the_first_month():
    [waiting] = checks.nat_agreement(None, due=DUE.agreement, today=DUE.agreement)
    [overdue] = checks.nat_agreement(None, due=DUE.agreement, today=DUE.agreement + DAY)
    assert (waiting.severity, overdue.severity) == (WARNING, BREACH)


# --- NAT-SELF, NAT-PDP ----------------------------------------------------------------------


def test_nat_self_three_times():
    assert checks.nat_self({"start", "midway", "end"}, due=DUE, today=DUE.final + DAY) == []
    found = checks.nat_self({"start", "midway"}, due=DUE, today=DUE.final)
    assert [(f.rule, f.severity) for f in found] == [("NAT-SELF", WARNING)]
    assert "near the end" in found[0].message


def test_nat_self_each_stage_has_its_own_due_date():
    found = checks.nat_self(set(), due=DUE, today=DUE.six_months)
    assert [f.severity for f in found] == [BREACH, WARNING, WARNING]
    found = checks.nat_self(set(), due=DUE, today=DUE.six_months + DAY)
    assert [f.severity for f in found] == [BREACH, BREACH, WARNING]


def test_nat_pdp_three_plans():
    assert checks.nat_pdp({"months_0_3", "months_3_6", "months_6_12"}, due=DUE, today=None) == []
    found = checks.nat_pdp({"months_0_3"}, due=DUE, today=DUE.three_months + DAY)
    assert [(f.severity, f.due) for f in found] == [
        (BREACH, DUE.three_months),
        (WARNING, DUE.six_months),
    ]


# --- REVIEWS --------------------------------------------------------------------------------


def test_reviews_overdue_the_day_after_they_are_due():
    on_the_day = checks.reviews(set(), due=DUE, nine_month_planned=False, today=DUE.three_months)
    after = checks.reviews(set(), due=DUE, nine_month_planned=False, today=DUE.three_months + DAY)
    assert [f.severity for f in on_the_day] == [WARNING, WARNING, WARNING]
    assert [f.severity for f in after] == [BREACH, WARNING, WARNING]
    assert "the 3-month review is not signed off; it was due by 1 Dec 2026" in after[0].message


def test_the_nine_month_review_counts_only_when_planned():
    done = {"three_months", "six_months", "final"}
    assert checks.reviews(done, due=DUE, nine_month_planned=False, today=DUE.final + DAY) == []
    [finding] = checks.reviews(done, due=DUE, nine_month_planned=True, today=DUE.nine_months + DAY)
    assert "9-month review" in finding.message and finding.severity == BREACH


def test_nothing_is_overdue_without_a_date():
    # The PDF lists what is missing with its due date but judges nothing overdue.
    facts = PortfolioFacts(due=DUE)
    assert {f.severity for f in checks.evaluate(facts, None)} == {WARNING}
    assert any(f.is_breach for f in checks.evaluate(facts, DUE.final + DAY))


# --- LOGS, EVIDENCE, NAT-OUTCOME, ASSESSOR-INDEPENDENT --------------------------------------


def test_logs_waiting_for_feedback_longer_than_the_policy():
    written = date(2026, 10, 1)
    assert checks.logs([written], today=written + timedelta(days=14)) == []
    [finding] = checks.logs([written], today=written + timedelta(days=15))
    assert finding.rule == "LOGS" and "more than 14 days" in finding.message


def test_evidence_names_what_is_not_covered():
    assert checks.evidence([], due=DUE.final, today=None) == []
    [finding] = checks.evidence(["PCF 9", "KSS 4"], due=DUE.final, today=None)
    assert finding.rule == "EVIDENCE" and "PCF 9, KSS 4" in finding.message


def test_nat_outcome_recommendation_after_the_final_review():
    common = dict(status="active", asye_start=START, due=DUE.final, today=DUE.final)
    assert checks.nat_outcome(final_review_signed_off=False, recommendation=None, **common) == []
    assert checks.nat_outcome(final_review_signed_off=True, recommendation="pass", **common) == []
    [finding] = checks.nat_outcome(final_review_signed_off=True, recommendation=None, **common)
    assert finding.rule == "NAT-OUTCOME"


def test_nat_outcome_a_deferral_ends_within_two_years():
    common = dict(
        status="deferred",
        asye_start=START,
        final_review_signed_off=False,
        recommendation=None,
        due=DUE.final,
    )
    assert checks.nat_outcome(today=date(2028, 9, 1), **common) == []
    [finding] = checks.nat_outcome(today=date(2028, 9, 2), **common)
    assert (finding.rule, finding.severity) == ("NAT-OUTCOME", BREACH)


def test_assessor_independent_catches_an_assessor_who_is_the_pm():
    assert checks.assessor_independent(7, 8) == []
    assert rules(checks.assessor_independent(7, 7)) == ["ASSESSOR-INDEPENDENT"]


def test_evaluate_puts_breaches_first():
    facts = PortfolioFacts(due=DUE, observations_by_assessor=(True, True, False))
    found = checks.evaluate(facts, DUE.three_months + DAY)
    severities = [f.severity for f in found]
    assert severities == sorted(severities)  # "breach" sorts before "warning"
    assert "OBS-THREE" not in rules(found)


# --- Who was the assessor on the day --------------------------------------------------------


def test_assessor_on_reads_the_enrolments_history():
    timeline = [(date(2026, 9, 1), 10), (date(2027, 1, 10), 20)]
    assert assessor_on(timeline, date(2026, 8, 1), 20) == 10  # entered late: the first
    assert assessor_on(timeline, date(2026, 12, 1), 20) == 10
    assert assessor_on(timeline, date(2027, 1, 10), 20) == 20
    assert assessor_on([], date(2027, 1, 10), 30) == 30
    assert assessor_on([(date(2026, 9, 1), None)], date(2026, 10, 1), 30) is None


def test_deadlines_list_every_dated_requirement_in_due_order():
    facts = PortfolioFacts(
        due=DUE,
        reviews_signed_off={"three_months"},
        plans={"months_0_3"},
        observations_by_assessor=(True, True, False),
    )
    found = checks.deadlines(facts)
    assert [d.due for d in found] == sorted(d.due for d in found)
    by_what = {d.what: d for d in found}
    assert "9-month review" not in by_what  # not planned
    three = by_what["3-month review"]
    assert (three.rule, three.due, three.state(date(2027, 6, 1))) == (
        "REVIEWS",
        DUE.three_months,
        "done",
    )
    six = by_what["6-month review"]
    assert six.state(DUE.six_months) == "to_do"
    assert six.state(DUE.six_months + DAY) == "overdue"
    assert six.state(None) == "to_do"
    assert by_what["3 direct observations (2 by the assessor, 1 by someone else)"].met
    assert by_what["Development plan for months 0 to 3"].met
    assert not by_what["Development plan for months 3 to 6"].met


def test_deadlines_agree_with_the_checks():
    """A requirement is overdue in the deadlines exactly when the checks find it overdue."""
    facts = PortfolioFacts(due=DUE)
    today = DUE.six_months + DAY
    overdue_rules = {d.rule for d in checks.deadlines(facts) if d.state(today) == "overdue"}
    breach_rules = {f.rule for f in checks.evaluate(facts, today) if f.severity == BREACH}
    assert overdue_rules == breach_rules - {"EVIDENCE", "LOGS", "NAT-OUTCOME"}
    planned = checks.deadlines(PortfolioFacts(due=DUE, nine_month_review_planned=True))
    assert "9-month review" in {d.what for d in planned}
