"""caseloads.rules: every rule at its boundaries, as pure functions (no database)."""

from dataclasses import replace
from datetime import date

import pytest

from caseloads import rules
from caseloads.rules import CapRow, Colleague, Holding, Worker
from tests.caseloads.factories import GUIDANCE, band, cap_table

CAPS = cap_table()
ON = date(2026, 10, 15)
EXPERIENCED = Colleague("SW1", experienced=True)
ANOTHER_NQSW = Colleague("NQ2", experienced=False)


def nqsw(service="CAI", month=1, **changes) -> Worker:
    worker = Worker(
        staff_id="NQ1",
        name="Nia Quinn",
        role="nqsw",
        service=service,
        kind="asye",
        phase="during",
        asye_month=month,
        asye_start=date(2026, 9, 1),
    )
    return replace(worker, **changes)


def trainee(programme="CHI_MA", placement_month=1, **changes) -> Worker:
    worker = Worker(
        staff_id="TR1",
        name="Tom Ash",
        role="trainee",
        service="CAI",
        kind="trainee",
        programme=programme,
        phase="before",
        placement_month=placement_month,
    )
    return replace(worker, **changes)


def cases(children: int, *, role="allocated", case_type="CIN", prefix="C") -> list[Holding]:
    """`children` children, one per case."""
    return [Holding(f"{prefix}{i}", case_type, 1, role, (EXPERIENCED,)) for i in range(children)]


def rules_of(findings):
    return [f.rule for f in findings]


def only(findings, rule):
    found = [f for f in findings if f.rule == rule]
    assert len(found) == 1, findings
    return found[0]


# --- CAP-COUNT ------------------------------------------------------------------------------


def test_caseload_counts_children_on_own_and_coworked_cases():
    load = rules.caseload(
        [Holding("A1", "CIN", 3, "allocated"), Holding("A2", "CP", 2, "coworker")]
    )
    assert load == rules.Caseload(children=5, cases=2, own_children=3, coworked_children=2)


def test_cap_finding_carries_the_count():
    finding = only(rules.evaluate(nqsw("CLA", 3), ON, CAPS, cases(9)), "CAP-MAX")
    assert finding.numbers["children"] == 9
    assert finding.numbers["cap"] == 8


# --- CAP-MAX and CAP-MIN for NQSWs, every service and month ---------------------------------

MONTHS = [(service, month) for service in ("CAI", "CLA", "FSP") for month in range(1, 13)]


@pytest.mark.parametrize(("service", "month"), MONTHS)
def test_the_cap_itself_is_allowed(service, month):
    _, cap = band(service, month)
    assert "CAP-MAX" not in rules_of(rules.evaluate(nqsw(service, month), ON, CAPS, cases(cap)))


@pytest.mark.parametrize(("service", "month"), MONTHS)
def test_one_child_over_the_cap_is_a_breach(service, month):
    _, cap = band(service, month)
    finding = only(rules.evaluate(nqsw(service, month), ON, CAPS, cases(cap + 1)), "CAP-MAX")
    assert finding.severity == "breach"
    assert finding.message == (
        f"CAP-MAX: Nia Quinn (NQ1) holds {cap + 1} children; the cap for {service} in ASYE "
        f"month {month} is {cap}."
    )
    assert finding.numbers["count"] == cap + 1
    assert finding.numbers["asye_month"] == month


@pytest.mark.parametrize(
    ("service", "month", "before", "after"),
    [
        ("CAI", 4, 10, 10),
        ("CAI", 6, 10, 15),
        ("CAI", 9, 18, 18),
        ("CAI", 10, 18, 18),
        ("CLA", 4, 8, 11),
        ("CLA", 6, 11, 11),
        ("CLA", 9, 11, 15),
        ("CLA", 10, 15, 18),
        ("FSP", 4, 10, 15),
        ("FSP", 6, 15, 18),
        ("FSP", 9, 18, 20),
        ("FSP", 10, 20, 20),
    ],
)
def test_month_edges(service, month, before, after):
    """The month edges 4->5, 6->7, 9->10 and 10->11 move the cap as the table says."""
    assert band(service, month)[1] == before
    assert band(service, month + 1)[1] == after
    over_before = rules.evaluate(nqsw(service, month), ON, CAPS, cases(before + 1))
    assert "CAP-MAX" in rules_of(over_before)
    at_after = rules.evaluate(nqsw(service, month + 1), ON, CAPS, cases(after))
    assert "CAP-MAX" not in rules_of(at_after)


def test_coworked_children_count_towards_the_cap():
    holdings = cases(5, prefix="OWN") + cases(4, role="coworker", prefix="CO")
    finding = only(rules.evaluate(nqsw("CLA", 2), ON, CAPS, holdings), "CAP-MAX")
    assert finding.numbers["own_children"] == 5
    assert finding.numbers["coworked_children"] == 4


@pytest.mark.parametrize(
    ("service", "month", "low", "high"),
    [
        ("CLA", 1, 6, 8),
        ("CLA", 5, 8, 11),
        ("CLA", 10, 12, 15),
        ("CLA", 11, 15, 18),
        ("FSP", 10, 18, 20),
    ],
)
def test_below_the_band_is_a_cap_min_warning(service, month, low, high):
    at_min = rules.evaluate(nqsw(service, month), ON, CAPS, cases(low))
    assert "CAP-MIN" not in rules_of(at_min)
    finding = only(rules.evaluate(nqsw(service, month), ON, CAPS, cases(low - 1)), "CAP-MIN")
    assert finding.severity == "warning"
    assert f"holds {low - 1} children" in finding.message
    assert f"is {low}-{high}" in finding.message


def test_bands_without_a_minimum_never_warn():
    assert rules.evaluate(nqsw("CAI", 1), ON, CAPS, []) == []


def test_before_the_asye_start_the_trainee_cap_applies():
    # MONTH-3: not yet in the ASYE, so no NQSW row; S47-TRAINEE's "trainee" reading.
    worker = nqsw("CLA", phase="before", asye_month=None)
    assert "CAP-MAX" not in rules_of(rules.evaluate(worker, ON, CAPS, cases(10)))
    assert "CAP-MIN" not in rules_of(rules.evaluate(worker, ON, CAPS, cases(2)))
    finding = only(rules.evaluate(worker, ON, CAPS, cases(11)), "CAP-MAX")
    assert "the cap for workers not yet in the ASYE (CAP-TRAINEE) is 10" in finding.message


def test_after_month_12_no_nqsw_cap_applies():
    worker = nqsw("CAI", phase="after", asye_month=None)
    holdings = cases(25, case_type="CP", prefix="CP")
    assert rules.evaluate(worker, ON, CAPS, holdings) == []
    assert rules.binding_cap(worker, ON, CAPS, holdings) is None


# --- Trainees, OU unqualified, ASWPs -------------------------------------------------------


def test_trainee_cap_is_ten_children():
    worker = trainee(placement_month=5)
    assert "CAP-MAX" not in rules_of(rules.evaluate(worker, ON, CAPS, cases(10)))
    finding = only(rules.evaluate(worker, ON, CAPS, cases(11)), "CAP-MAX")
    assert finding.message.endswith("the cap for trainees (CAP-TRAINEE) is 10.")


@pytest.mark.parametrize(("month", "cap"), [(1, 4), (4, 4), (5, 10)])
def test_chichester_first_semester_is_four_then_ten(month, cap):
    worker = trainee("CHI_MA", placement_month=month)
    assert "CAP-MAX" not in rules_of(rules.evaluate(worker, ON, CAPS, cases(cap)))
    findings = rules.evaluate(worker, ON, CAPS, cases(cap + 1))
    assert only(findings, "CAP-MAX").numbers["cap"] == cap


def test_the_tightest_cap_wins_and_is_reported_once():
    findings = rules.evaluate(trainee("CHI_MA", placement_month=2), ON, CAPS, cases(12))
    finding = only(findings, "CAP-MAX")
    assert "Chichester MA trainees in the first semester (placement month 2) (CAP-TRAINEE)" in (
        finding.message
    )
    assert "is 4." in finding.message


def test_ou_trainee_before_the_asye_is_capped_as_unqualified():
    worker = trainee("OU_BA", asye_start=date(2027, 1, 4))
    assert rules.in_ou_unqualified_period(worker, date(2026, 9, 1), rules.Settings())
    assert not rules.in_ou_unqualified_period(worker, date(2026, 8, 31), rules.Settings())
    assert "CAP-MAX" not in rules_of(rules.evaluate(worker, ON, CAPS, cases(10)))
    finding = only(rules.evaluate(worker, ON, CAPS, cases(11)), "CAP-MAX")
    assert "OU trainees between study and the ASYE (CAP-UNQUALIFIED) is 10" in finding.message


def test_ou_trainee_once_in_the_asye_follows_the_nqsw_rows():
    worker = trainee(
        "OU_BA", asye_start=date(2027, 1, 4), phase="during", asye_month=1, service="CLA"
    )
    finding = only(rules.evaluate(worker, date(2027, 1, 10), CAPS, cases(9)), "CAP-MAX")
    assert "the cap for CLA in ASYE month 1 is 8" in finding.message


def test_aswp_cap_is_thirteen_cases_whatever_the_children():
    aswp = Worker("AS1", "Ada Sharp", "aswp", qualified=True, service="FSP")
    big_cases = [Holding(f"B{i}", "CP", 4, "allocated") for i in range(13)]
    assert rules.evaluate(aswp, ON, CAPS, big_cases) == []
    findings = rules.evaluate(aswp, ON, CAPS, [*big_cases, Holding("B13", "CIN", 1, "allocated")])
    assert only(findings, "CAP-MAX").message == (
        "CAP-MAX: Ada Sharp (AS1) holds 14 cases; the cap for ASWPs (CAP-ASWP) is 13."
    )


def test_qualified_worker_without_enrolment_has_no_cap():
    worker = Worker("SW1", "Sam Wood", "social_worker", qualified=True, service="CAI")
    assert rules.evaluate(worker, ON, CAPS, cases(30)) == []


def test_nqsw_without_enrolment_is_flagged_not_passed_silently():
    worker = Worker("NQ9", "Noor Quill", "nqsw", service="CAI")
    finding = only(rules.evaluate(worker, ON, CAPS, cases(3)), "MONTH-1")
    assert finding.severity == "warning"


# --- CAP-OWN ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("own", "coworked", "warns"),
    [(7, 3, False), (8, 2, False), (6, 4, True), (9, 1, True), (10, 0, True), (2, 1, False)],
)
def test_cap_own_expects_seven_or_eight_of_ten_on_own_cases(own, coworked, warns):
    holdings = cases(own, prefix="OWN") + cases(coworked, role="coworker", prefix="CO")
    for month in (5, 6):
        findings = rules.evaluate(nqsw("CAI", month), ON, CAPS, holdings)
        assert ("CAP-OWN" in rules_of(findings)) is warns
    # Only CA&I months 5-6.
    assert "CAP-OWN" not in rules_of(rules.evaluate(nqsw("CAI", 7), ON, CAPS, holdings))
    assert "CAP-OWN" not in rules_of(rules.evaluate(nqsw("FSP", 5), ON, CAPS, holdings))


def test_cap_own_share_is_a_setting():
    holdings = cases(6, prefix="OWN") + cases(4, role="coworker", prefix="CO")
    wider = rules.Settings(cap_own_min_percent=60)
    assert "CAP-OWN" not in rules_of(
        rules.evaluate(nqsw("CAI", 5), ON, CAPS, holdings, settings=wider)
    )


# --- SOLE-CP-CLA and VISIT-SIGNOFF -----------------------------------------------------------


@pytest.mark.parametrize("case_type", ["CP", "CLA"])
@pytest.mark.parametrize(
    ("month", "others", "breach"),
    [
        (6, (), True),
        (6, (ANOTHER_NQSW,), True),
        (6, (EXPERIENCED,), False),
        (6, (ANOTHER_NQSW, EXPERIENCED), False),
        (7, (), False),
        (7, (ANOTHER_NQSW,), False),
    ],
)
def test_sole_cp_cla(case_type, month, others, breach):
    for role in ("allocated", "coworker"):
        holding = Holding("K1", case_type, 2, role, others)
        findings = rules.evaluate(nqsw("FSP", month), ON, CAPS, [holding])
        assert ("SOLE-CP-CLA" in rules_of(findings)) is breach
        if breach:
            finding = only(findings, "SOLE-CP-CLA")
            assert finding.severity == "breach"
            assert finding.case_ref == "K1"
            assert f"{case_type} case K1" in finding.message
            assert f"now month {month}" in finding.message


def test_sole_cp_cla_applies_before_the_asye_start():
    worker = nqsw("CLA", phase="before", asye_month=None)
    findings = rules.evaluate(worker, ON, CAPS, [Holding("K1", "CLA", 6, "allocated")])
    assert "SOLE-CP-CLA" in rules_of(findings)


def test_sole_cp_cla_does_not_apply_to_other_case_types():
    findings = rules.evaluate(nqsw("FSP", 2), ON, CAPS, [Holding("K1", "CIN", 2, "allocated")])
    assert findings == []


def test_visit_signoff_warns_until_the_signed_date():
    holding = Holding("K1", "CP", 2, "allocated", (EXPERIENCED,))
    unsigned = rules.evaluate(nqsw("FSP", 8), ON, CAPS, [holding])
    assert only(unsigned, "VISIT-SIGNOFF").severity == "warning"
    signed_later = nqsw("FSP", 8, visits_signed_off_on=date(2026, 10, 16))
    assert "VISIT-SIGNOFF" in rules_of(rules.evaluate(signed_later, ON, CAPS, [holding]))
    signed = nqsw("FSP", 8, visits_signed_off_on=ON)
    assert rules.evaluate(signed, ON, CAPS, [holding]) == []
    cin = Holding("K2", "CIN", 2, "allocated")
    assert rules.evaluate(nqsw("FSP", 8), ON, CAPS, [cin]) == []


# --- S47 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["allocated", "coworker"])
def test_s47_trainee_in_any_role(role):
    findings = rules.evaluate(trainee(), ON, CAPS, [Holding("S1", "S47", 1, role, (EXPERIENCED,))])
    finding = only(findings, "S47-TRAINEE")
    assert finding.severity == "breach"
    assert "S47 case S1" in finding.message


def test_s47_trainee_covers_an_nqsw_before_the_asye_start():
    worker = nqsw("CAI", phase="before", asye_month=None)
    findings = rules.evaluate(worker, ON, CAPS, [Holding("S1", "S47", 1, "coworker")])
    assert rules_of(findings) == ["S47-TRAINEE"]


@pytest.mark.parametrize(
    ("month", "role", "breach"),
    [
        (4, "coworker", True),
        (4, "allocated", True),
        (5, "coworker", False),
        (5, "allocated", True),
        (7, "coworker", False),
        (7, "allocated", True),
        (8, "coworker", False),
        (8, "allocated", False),
    ],
)
def test_s47_early_in_cai(month, role, breach):
    holding = Holding("S1", "S47", 1, role, (EXPERIENCED,))
    findings = rules.evaluate(nqsw("CAI", month), ON, CAPS, [holding])
    assert ("S47-EARLY" in rules_of(findings)) is breach
    # Only CA&I restricts S47s by month.
    assert rules.evaluate(nqsw("FSP", month), ON, CAPS, [holding]) == []


# --- G10-NO-OWN -------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "breach"), [("CAI", True), ("CLA", False)])
def test_grade10_own_cases(service, breach):
    grade10 = Worker("G1", "Gus Ten", "grade10", qualified=True, service=service)
    own = rules.evaluate(grade10, ON, CAPS, [Holding("K1", "CIN", 2, "allocated")])
    assert ("G10-NO-OWN" in rules_of(own)) is breach
    coworked = rules.evaluate(grade10, ON, CAPS, [Holding("K1", "CIN", 2, "coworker")])
    assert coworked == []


# --- Requests ---------------------------------------------------------------------------------


def test_evaluate_request_says_would_hold():
    findings = rules.evaluate_request(
        nqsw("CLA", 3), ON, CAPS, cases(7), Holding("NEW", "CIN", 2, "allocated", (EXPERIENCED,))
    )
    finding = only(findings, "CAP-MAX")
    assert finding.message == (
        "CAP-MAX: Nia Quinn (NQ1) would hold 9 children; the cap for CLA in ASYE month 3 is 8."
    )
    assert rules.refusals(findings, "NEW") == [finding]


def test_evaluate_request_replaces_the_same_case_instead_of_counting_it_twice():
    held = [Holding("K1", "CIN", 8, "coworker")]
    findings = rules.evaluate_request(
        nqsw("CLA", 3), ON, CAPS, held, Holding("K1", "CIN", 8, "allocated")
    )
    assert "CAP-MAX" not in rules_of(findings)


def test_a_breach_standing_on_another_case_does_not_refuse_a_request():
    held = [Holding("K1", "CP", 2, "allocated")]  # sole: a SOLE-CP-CLA breach already
    findings = rules.evaluate_request(
        nqsw("FSP", 2), ON, CAPS, held, Holding("K2", "CIN", 1, "allocated")
    )
    assert "SOLE-CP-CLA" in rules_of(findings)
    assert rules.refusals(findings, "K2") == []


def test_only_certain_breaches_refuse_a_request_at_once():
    findings = rules.evaluate_request(
        trainee(), ON, CAPS, cases(10), Holding("S1", "S47", 1, "coworker")
    )
    assert sorted(rules_of(rules.refusals(findings, "S1"))) == ["CAP-MAX", "S47-TRAINEE"]
    assert rules_of(rules.certain_refusals(findings, "S1")) == ["S47-TRAINEE"]


# --- The cap table in force ---------------------------------------------------------------------


def test_a_later_row_replaces_the_earlier_from_its_date_only():
    later = CapRow("nqsw", 9, "CLA", 1, 4, 6, "children", "", "", date(2026, 11, 1))
    table = [*CAPS, later]
    worker = nqsw("CLA", 2)
    before = rules.evaluate(worker, date(2026, 10, 31), table, cases(9))
    assert only(before, "CAP-MAX").numbers["cap"] == 8
    assert "CAP-MAX" not in rules_of(rules.evaluate(worker, date(2026, 11, 1), table, cases(9)))
    assert rules.in_force(table, date(2026, 11, 1)).count(later) == 1
    assert len(rules.in_force(table, date(2026, 11, 1))) == len(CAPS)


def test_rows_not_yet_in_force_are_ignored():
    assert rules.in_force(CAPS, GUIDANCE.replace(day=1, month=9)) == []


def test_experienced_means_qualified_and_not_in_the_asye():
    assert rules.is_experienced(Worker("SW1", "S", "social_worker", qualified=True))
    assert not rules.is_experienced(nqsw())
    assert not rules.is_experienced(nqsw(phase="before", asye_month=None))
    assert rules.is_experienced(nqsw(phase="after", asye_month=None))
    assert not rules.is_experienced(trainee())
    assert not rules.is_experienced(replace(trainee(), kind=None))


# --- ON-LEAVE (inferred, issue 10 item 1) ---------------------------------------------------

AWAY = {"on_leave_from": date(2026, 10, 1), "on_leave_until": date(2027, 3, 31)}


def test_a_request_for_a_worker_on_leave_is_an_on_leave_warning():
    proposed = Holding("NEW1", "CIN", 1, "allocated", (EXPERIENCED,))
    findings = rules.evaluate_request(nqsw("CAI", 2, **AWAY), ON, CAPS, [], proposed)
    finding = only(findings, "ON-LEAVE")
    assert finding.severity == "warning" and not finding.is_breach
    assert finding.case_ref == "NEW1"
    assert "from 01/10/2026 until 31/03/2027" in finding.message
    assert "on 15/10/2026" in finding.message
    assert finding.numbers == {"on_leave_from": "2026-10-01", "on_leave_until": "2027-03-31"}
    assert rules.refusals(findings, "NEW1") == []


def test_no_on_leave_warning_when_not_away():
    proposed = Holding("NEW1", "CIN", 1, "allocated", (EXPERIENCED,))
    assert "ON-LEAVE" not in rules_of(
        rules.evaluate_request(nqsw("CAI", 2), ON, CAPS, [], proposed)
    )


def test_the_caseload_itself_gets_no_on_leave_finding():
    # The board and the audit judge what is held; ON-LEAVE is about a new request.
    assert "ON-LEAVE" not in rules_of(rules.evaluate(nqsw("CLA", 10, **AWAY), ON, CAPS, cases(1)))


def test_no_cap_min_warning_while_away():
    low, _high = band("CLA", 10)
    assert "CAP-MIN" in rules_of(rules.evaluate(nqsw("CLA", 10), ON, CAPS, cases(low - 1)))
    assert rules.evaluate(nqsw("CLA", 10, **AWAY), ON, CAPS, cases(low - 1)) == []


def test_cap_max_still_applies_while_away():
    _low, high = band("CAI", 2)
    findings = rules.evaluate(nqsw("CAI", 2, **AWAY), ON, CAPS, cases(high + 1))
    assert rules_of(findings) == ["CAP-MAX"]
