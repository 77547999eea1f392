import json
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from academy.findings import BREACH, NOTE, WARNING, Finding


def test_only_a_breach_is_a_breach():
    assert Finding("CAP-MAX", BREACH, "over").is_breach
    assert not Finding("CAP-MIN", WARNING, "under").is_breach
    assert not Finding("COWORK-LEAD", NOTE, "expected").is_breach


def test_the_optional_fields_default_to_nothing():
    finding = Finding("LOGS", WARNING, "waiting")
    assert (finding.numbers, finding.case_ref, finding.due) == ({}, None, None)


def test_each_finding_has_its_own_numbers():
    assert Finding("A", WARNING, "a").numbers is not Finding("B", WARNING, "b").numbers


def test_the_optional_fields_are_keyword_only():
    with pytest.raises(TypeError):
        Finding("NAT-AGREEMENT", WARNING, "late", date(2026, 10, 31))


def test_a_finding_cannot_be_changed():
    finding = Finding("CAP-MAX", BREACH, "over")
    with pytest.raises(FrozenInstanceError):
        finding.severity = WARNING


def test_findings_can_be_collected_in_a_set():
    same = Finding("CAP-MAX", BREACH, "over", numbers={"cap": 8})
    assert len({same, Finding("CAP-MAX", BREACH, "over", numbers={"cap": 8})}) == 1


def test_as_dict_keeps_the_caseload_audit_keys():
    finding = Finding("SOLE-CP-CLA", BREACH, "alone", numbers={"children": 2}, case_ref="CP-0001")
    assert finding.as_dict() == {
        "rule": "SOLE-CP-CLA",
        "severity": "breach",
        "message": "alone",
        "numbers": {"children": 2},
        "case_ref": "CP-0001",
    }


def test_as_dict_gives_a_due_date_as_iso_text():
    finding = Finding("REVIEWS", WARNING, "to do", due=date(2027, 1, 4))
    values = finding.as_dict()
    assert values["due"] == "2027-01-04"
    assert json.loads(json.dumps(values)) == values


def test_as_dict_copies_the_numbers():
    finding = Finding("CAP-MAX", BREACH, "over", numbers={"cap": 8})
    finding.as_dict()["numbers"]["cap"] = 99
    assert finding.numbers == {"cap": 8}
