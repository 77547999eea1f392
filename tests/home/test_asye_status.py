"""`manage.py asye_status`: the JSON contract of issue 11, --as-of, text, and exit 2."""

import json
from datetime import date, time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from academy.models import Person
from caseloads.models import CapRule
from cohorts.services import record_extension
from supervision import services as supervision_services
from tests import factories
from tests.assessment import factories as af
from tests.caseloads.factories import allocate

pytestmark = pytest.mark.django_db


def status(staff_id, *args):
    out = StringIO()
    call_command("asye_status", staff_id, *args, stdout=out)
    return out.getvalue()


def as_json(staff_id, *args):
    return json.loads(status(staff_id, *args))


def test_the_json_contract(enrolment):
    """N1 of the issue: CA&I, started 1 September 2026, 9 children on 5 cases."""
    person = enrolment.person
    for children in (3, 2, 2, 1, 1):
        allocate(person, start=date(2026, 9, 14), children=children)
    found = as_json(person.staff_id, "--as-of", "2026-11-20")
    assert set(found) == {
        "staff_id",
        "as_of",
        "kind",
        "asye_month",
        "phase",
        "caseload",
        "supervision",
        "deadlines",
        "learning_opportunities",
        "findings",
    }
    assert (found["staff_id"], found["as_of"], found["kind"]) == (
        person.staff_id,
        "2026-11-20",
        "asye",
    )
    assert (found["asye_month"], found["phase"]) == (3, "during")
    assert found["caseload"] == {
        "children": 9,
        "cases": 5,
        "minimum": 0,
        "maximum": 10,
        "unit": "children",
        "cap_rule": "CAP-MAX",
        "headroom": 1,
        # Month 5 begins a new row of the table (CAI 5-6), with the same numbers.
        "next_band": {"from": "2027-01-01", "minimum": 0, "maximum": 10},
    }
    # No supervision recorded: due on the first day, so overdue; fortnightly by now.
    assert found["supervision"] == {
        "next_due": "2026-09-01",
        "status": "overdue",
        "rule": "SUP-FORTNIGHTLY",
    }
    # LEARNING-OPPS: the guidance's twelve, none offered yet.
    assert len(found["learning_opportunities"]) == 12
    assert {tuple(o) for o in found["learning_opportunities"]} == {("name", "state")}
    assert {o["state"] for o in found["learning_opportunities"]} == {"not_offered"}
    deadlines = found["deadlines"]
    assert [d["due"] for d in deadlines] == sorted(d["due"] for d in deadlines)
    assert {"rule", "what", "due", "state"} == set(deadlines[0])
    three = next(d for d in deadlines if d["what"] == "3-month review")
    assert three == {
        "rule": "REVIEWS",
        "what": "3-month review",
        "due": "2026-12-01",
        "state": "to_do",
    }
    agreement = next(d for d in deadlines if d["rule"] == "NAT-AGREEMENT")
    assert agreement["state"] == "overdue"  # due by the end of month 1
    assert all(set(f) == {"rule", "severity", "message"} for f in found["findings"])
    assert {f["severity"] for f in found["findings"]} <= {"breach", "warning"}
    assert "NAT-AGREEMENT" in {f["rule"] for f in found["findings"] if f["severity"] == "breach"}


def test_a_signed_off_review_is_done_and_a_missed_one_overdue(enrolment):
    af.ReviewFactory(enrolment=enrolment)
    deadlines = as_json(enrolment.person.staff_id, "--as-of", "2027-03-02")["deadlines"]
    states = {d["what"]: d["state"] for d in deadlines}
    assert states["3-month review"] == "done"
    assert states["6-month review"] == "overdue"  # due 1 March 2027
    assert states["Final review"] == "to_do"


def test_a_lower_cap_from_a_date_is_the_next_band_then_a_breach(enrolment):
    """The academy lowers the CA&I months 1-4 cap to 8 from 1 October (a new row version)."""
    CapRule.objects.create(
        applies_to=CapRule.AppliesTo.NQSW,
        service=enrolment.service,
        month_from=1,
        month_to=4,
        maximum=8,
        source="Test: a lower cap from October.",
        effective_from=date(2026, 10, 1),
    )
    allocate(enrolment.person, start=date(2026, 9, 14), children=9)
    before = as_json(enrolment.person.staff_id, "--as-of", "2026-09-20")["caseload"]
    assert (before["maximum"], before["headroom"]) == (10, 1)
    assert before["next_band"] == {"from": "2026-10-01", "minimum": 0, "maximum": 8}
    found = as_json(enrolment.person.staff_id, "--as-of", "2026-10-01")
    assert found["caseload"]["headroom"] == -1
    breach = next(f for f in found["findings"] if f["rule"] == "CAP-MAX")
    assert breach["severity"] == "breach" and "9 children" in breach["message"]


@pytest.mark.parametrize(
    "day, month, phase",
    [
        ("2026-08-31", None, "before"),
        ("2026-09-01", 1, "during"),
        ("2026-09-30", 1, "during"),
        ("2026-10-01", 2, "during"),
        ("2027-04-30", 8, "during"),
        ("2027-05-01", 9, "during"),
        ("2027-08-31", 12, "during"),
        ("2027-09-01", None, "after"),
    ],
)
def test_month_boundaries(enrolment, day, month, phase):
    found = as_json(enrolment.person.staff_id, "--as-of", day)
    assert (found["asye_month"], found["phase"]) == (month, phase)


def test_the_bands_of_a_year_and_their_rules(enrolment):
    staff_id = enrolment.person.staff_id
    month7 = as_json(staff_id, "--as-of", "2027-03-15")
    assert (month7["caseload"]["maximum"], month7["caseload"]["next_band"]) == (
        15,
        {"from": "2027-04-01", "minimum": 0, "maximum": 18},
    )
    assert month7["supervision"]["rule"] == "SUP-FORTNIGHTLY"
    month9 = as_json(staff_id, "--as-of", "2027-05-10")
    assert month9["supervision"]["rule"] == "SUP-THREE-WEEKLY"
    assert month9["caseload"]["next_band"] == {"from": "2027-06-01", "minimum": 0, "maximum": 18}
    last = as_json(staff_id, "--as-of", "2027-08-15")
    assert last["caseload"]["maximum"] == 18 and last["caseload"]["next_band"] is None
    after = as_json(staff_id, "--as-of", "2027-09-01")
    assert after["caseload"]["maximum"] is None and after["caseload"]["next_band"] is None
    assert after["supervision"]["status"] == "complete"
    week1 = as_json(staff_id, "--as-of", "2026-09-03")
    assert week1["supervision"] == {
        "next_due": "2026-09-01",
        "status": "overdue",
        "rule": "SUP-WEEKLY",
    }


def test_before_the_start_the_trainee_cap_applies_until_the_asye_begins(enrolment):
    found = as_json(enrolment.person.staff_id, "--as-of", "2026-08-20")
    assert found["caseload"]["cap_rule"] == "CAP-TRAINEE"
    assert found["caseload"]["next_band"] == {"from": "2026-09-01", "minimum": 0, "maximum": 10}
    assert found["supervision"]["status"] == "on_track"


def one_to_one(people, enrolment, held_on):
    supervision_services.record_session(
        kind="one_to_one",
        held_on=held_on,
        start_time=time(10, 0),
        supervisor=people["pm"],
        recorded_by=people["pm"],
        attendance=[(enrolment, True)],
        reflection="Reflected on a home visit.",
        training_to_practice="Used the training on chronologies.",
        today=held_on,
    )


def test_supervision_due_soon_then_on_leave(people, enrolment):
    one_to_one(people, enrolment, date(2026, 11, 10))
    staff_id = enrolment.person.staff_id
    assert as_json(staff_id, "--as-of", "2026-11-12")["supervision"] == {
        "next_due": "2026-11-24",
        "status": "on_track",
        "rule": "SUP-FORTNIGHTLY",
    }
    assert as_json(staff_id, "--as-of", "2026-11-20")["supervision"]["status"] == "due_soon"
    record_extension(
        enrolment=enrolment,
        reason="maternity",
        first_day=date(2026, 12, 1),
        last_day=date(2027, 2, 28),
        approved_by=people["pm"],
    )
    assert as_json(staff_id, "--as-of", "2026-11-30")["supervision"]["status"] == "overdue"
    assert as_json(staff_id, "--as-of", "2027-01-10")["supervision"]["status"] == "on_leave"
    # Back on 1 March: the chain restarts at the return date (issue 10, item 1).
    assert as_json(staff_id, "--as-of", "2027-03-01")["supervision"]["status"] == "on_track"
    # MONTH-2: the extension holds the ASYE month back by three months.
    assert as_json(staff_id, "--as-of", "2027-04-15")["asye_month"] == 5


def test_a_trainee(group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    found = as_json(trainee.person.staff_id, "--as-of", "2026-10-15")
    assert (found["kind"], found["asye_month"], found["phase"]) == ("trainee", None, "before")
    assert found["deadlines"] == []
    assert found["supervision"] == {"next_due": None, "status": "on_track", "rule": None}
    # A Chichester MA trainee in the first semester: 4 children (CAP-TRAINEE), then 10.
    assert found["caseload"]["cap_rule"] == "CAP-TRAINEE"
    assert found["caseload"]["maximum"] == 4
    assert found["caseload"]["next_band"] == {"from": "2027-01-01", "minimum": 0, "maximum": 10}


@time_machine.travel(date(2026, 10, 5), tick=False)
def test_as_of_defaults_to_today(enrolment):
    found = as_json(enrolment.person.staff_id)
    assert (found["as_of"], found["asye_month"]) == ("2026-10-05", 2)


def test_text_format(enrolment):
    allocate(enrolment.person, start=date(2026, 9, 14), children=4)
    text = status(enrolment.person.staff_id, "--as-of", "2026-11-20", "--format", "text")
    assert f"{enrolment.person.staff_id} on 2026-11-20: asye, ASYE month 3, during" in text
    assert "Caseload: 4 children on 1 case; CAP-MAX 0-10 children" in text
    assert "headroom 6" in text
    assert "Next cap band: 0-10 from 2027-01-01" in text
    assert "Supervision: next due 2026-09-01, overdue (SUP-FORTNIGHTLY)" in text
    assert "2026-12-01 to_do    REVIEWS: 3-month review" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["NOBODY"], "No staff member has the staff id 'NOBODY'"),
        (["{nqsw}", "--as-of", "2026-13-01"], "not a date"),
        (["{nqsw}", "--as-of", "20/11/2026"], "not a date"),
        (["{nqsw}", "--as-of", "20261120"], "not a date"),
        (["{pm}"], "has no ASYE or trainee enrolment"),
    ],
)
def test_exit_2_with_a_message(people, args, message):
    ids = {"nqsw": people["nqsw"].staff_id, "pm": people["pm"].staff_id}
    args = [a.format(**ids) for a in args]
    with pytest.raises(CommandError, match=message) as raised:
        call_command("asye_status", *args)
    assert raised.value.returncode == 2


def test_exit_2_from_the_command_line(capsys, people):
    from django.core.management import ManagementUtility

    person = factories.PersonFactory(role=Person.Role.SOCIAL_WORKER)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "asye_status", person.staff_id]).execute()
    assert exited.value.code == 2
    assert "has no ASYE or trainee enrolment" in capsys.readouterr().err
