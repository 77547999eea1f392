"""The demo caseloads (caseloads/demo.py): realistic for each worker's month, within the
rules, one request for pm.demo, a few warnings on purpose, and idempotent."""

from datetime import date, timedelta

import pytest

from caseloads import demo, services
from caseloads.access import can_decide
from caseloads.models import Allocation, Case, VisitSignOff
from caseloads.states import worker_states
from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from tests.database import shared_rows

pytestmark = pytest.mark.django_db

AUTUMN = date(2026, 11, 22)  # ASYE month 3 of the September cohort; Amelia Stone on leave
JUNE = date(2027, 6, 15)  # month 10; the OU trainees are NQSWs; Amelia Stone is back


def history_rows():
    return (
        Allocation.history.count(),
        Case.history.count(),
        VisitSignOff.history.count(),
    )


def states(today):
    return {s.person.staff_id: s for s in worker_states(demo.demo_enrolments(), today)}


@pytest.fixture(scope="class", params=[AUTUMN, JUNE], ids=["autumn", "june"])
def seeded(request, django_db_setup, django_db_blocker):
    """Built once per day for the class that reads it (tests/database.py)."""
    today = request.param
    with shared_rows(django_db_blocker):
        people = academy_demo.build(today)
        result = demo.build(today=today, people=people)
        yield today, people, result


@pytest.mark.django_db
class TestSeeded:
    """The demo on an autumn and a June day, each built once."""

    def test_every_worker_has_a_caseload_for_their_month_within_the_rules(self, seeded):
        today, people, result = seeded
        assert result["added"] == result["allocations"] > 100
        found = states(today)
        extended = people["extended_nqsw"].staff_id
        for staff_id, state in found.items():
            assert not state.breaches, (staff_id, state.breaches)
            on_leave = staff_id == extended and today == AUTUMN
            assert (state.caseload.children > 0) is not on_leave, staff_id
            if state.cap is not None:
                assert state.caseload.children <= state.cap.maximum
        # The warnings on purpose, and no other CAP-MIN.
        under = {s for s, state in found.items() if "CAP-MIN" in {f.rule for f in state.findings}}
        assert under == {demo.UNDER_MINIMUM}
        unsigned = {
            s for s, state in found.items() if "VISIT-SIGNOFF" in {f.rule for f in state.findings}
        }
        assert unsigned == demo.NOT_SIGNED_OFF

    def test_cases_are_co_worked_closed_and_transferred(self, seeded):
        today, people, _ = seeded
        coworked = Allocation.objects.filter(role="coworker", status__in=["approved", "ended"])
        assert coworked.filter(case__case_type__in=["CP", "CLA"]).exists()  # SOLE-CP-CLA
        # S47-EARLY: CA&I NQSWs shadow one in month 5.
        assert coworked.filter(case__case_type="S47").exists() is (today == JUNE)
        assert Allocation.objects.filter(end_reason__startswith="Closure:").exists()
        transferred = Allocation.objects.filter(end_reason__startswith="Transfer:")
        assert set(transferred.values_list("worker", flat=True)) == {people["extended_nqsw"].pk}
        declined = Allocation.objects.get(status="declined")
        assert declined.worker == people["nqsw"]
        # History reads as it happened: decided before the start, not on the day of seeding.
        sample = Allocation.objects.filter(status="approved").order_by("start_date").first()
        assert sample.decided_at.date() < sample.start_date <= today

    def test_exactly_one_request_waits_for_pm_demo_and_it_can_be_approved(self, seeded):
        today, people, result = seeded
        assert result["waiting"] == 1
        waiting = Allocation.objects.get(status="requested")
        assert waiting.case.reference == demo.WAITING_REFERENCE
        assert waiting.worker == people["nqsw"] and waiting.requested_by == people["gm"]
        assert can_decide(people["pm"], waiting)
        assert not can_decide(people["gm"], waiting)
        approved = services.approve_allocation(
            allocation=waiting, decided_by=people["pm"], on=today
        )
        assert approved.status == "approved"

    def test_visits_are_signed_off_two_weeks_in_except_for_two(self, seeded):
        today, _, _ = seeded
        signed = set(VisitSignOff.objects.values_list("enrolment__person__staff_id", flat=True))
        asye = {
            e.person.staff_id
            for e in demo.demo_enrolments()
            if e.kind == Enrolment.Kind.ASYE and e.asye_start + demo.SIGN_OFF_AFTER <= today
        }
        assert signed == asye - demo.NOT_SIGNED_OFF

    def test_a_second_run_on_the_same_day_writes_nothing(self, seeded):
        today, people, _ = seeded
        before = history_rows()
        again = demo.build(today=today, people=people)
        assert again["added"] == 0
        assert history_rows() == before

    def test_a_later_day_brings_the_demo_up_to_date(self, seeded):
        """Someone approves the waiting request; eleven days later the demo is seeded again
        (over the class's rows, in this test's savepoint)."""
        today, people, _ = seeded
        waiting = Allocation.objects.get(status="requested")
        services.approve_allocation(allocation=waiting, decided_by=people["pm"], on=today)
        later = today + timedelta(days=11)  # from the autumn day: ASYE month 4
        people = academy_demo.build(later)
        result = demo.build(today=later, people=people)
        assert result["added"] > 0
        waiting = Allocation.objects.get(status="requested")
        assert waiting.start_date == later
        for staff_id, state in states(later).items():
            assert not state.breaches, staff_id
        assert demo.build(today=later, people=people)["added"] == 0
