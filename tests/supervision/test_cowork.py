"""COWORK-LEAD: a warning on the NQSW's record when a co-worked case has no joint
supervision within the first interval after the co-working starts."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import Person
from caseloads import services as caseloads
from caseloads.models import Case
from supervision.cowork import CoWorking, JointSupervision, cowork_findings, warnings_for
from tests import factories
from tests.supervision.conftest import one_to_one

STARTS = date(2026, 10, 5)
# The requests are recorded on the day they were made (ALLOC-BACKDATED judges the gap).
ASKED = timezone.make_aware(datetime(2026, 10, 1, 9))


def test_pure_warning_after_the_window_and_a_note_before():
    coworking = [CoWorking("CIN-1001", STARTS, "Chloe Hartley")]
    assert cowork_findings(coworkings=coworking, joint=[], today=date(2026, 10, 19))[
        0
    ].severity == ("note")
    [late] = cowork_findings(coworkings=coworking, joint=[], today=date(2026, 10, 20))
    assert late.severity == "warning" and late.rule == "COWORK-LEAD"
    assert "CIN-1001" in late.message and "19/10/2026" in late.message


def test_pure_a_joint_supervision_of_that_case_in_the_window_clears_it():
    coworking = [CoWorking("CIN-1001", STARTS, "Chloe Hartley")]
    in_time = JointSupervision(date(2026, 10, 19), frozenset({"CIN-1001"}))
    other_case = JointSupervision(date(2026, 10, 10), frozenset({"CIN-2002"}))
    before = JointSupervision(date(2026, 10, 1), frozenset({"CIN-1001"}))
    late = JointSupervision(date(2026, 10, 25), frozenset({"CIN-1001"}))
    today = date(2026, 11, 1)
    assert cowork_findings(coworkings=coworking, joint=[in_time], today=today) == []
    for joint in ([other_case], [before], [late]):
        assert cowork_findings(coworkings=coworking, joint=joint, today=today)
    [finding] = cowork_findings(coworkings=coworking, joint=[late], today=today)
    assert "The first was on 25/10/2026" in finding.message


def test_pure_future_co_working_is_not_reported():
    coworking = [CoWorking("CIN-1001", date(2026, 12, 1), "Chloe Hartley")]
    assert cowork_findings(coworkings=coworking, joint=[], today=date(2026, 11, 1)) == []


@pytest.mark.django_db
def test_the_record_page_warns_until_a_joint_supervision_is_recorded(client, people, enrolment):
    experienced = factories.PersonFactory(role=Person.Role.SOCIAL_WORKER)
    case = Case.objects.create(
        reference="CIN-50321", case_type=Case.CaseType.CIN, children=2, service=factories.service()
    )
    pm = people["pm"]
    for worker, role in [(experienced, "allocated"), (enrolment.person, "coworker")]:
        allocation = caseloads.request_allocation(
            case=case,
            worker=worker,
            role=role,
            start_date=STARTS,
            requested_by=pm,
            requested_at=ASKED,
        )
        caseloads.approve_allocation(allocation=allocation, decided_by=pm, on=STARTS)

    assert [f.severity for f in warnings_for(enrolment, today=date(2026, 10, 10))] == ["note"]
    [finding] = warnings_for(enrolment, today=date(2026, 10, 20))
    assert finding.severity == "warning" and experienced.full_name in finding.message

    client.force_login(pm.user)
    url = reverse("supervision:record", args=[enrolment.pk])
    page = client.get(url).text
    # Today is after the window in any real run of this test (the case began in 2026).
    assert "COWORK-LEAD warning" in page and "CIN-50321" in page

    # A 1:1 that mentions the case is not a joint supervision.
    one_to_one(enrolment, date(2026, 10, 12), case_references="CIN-50321")
    assert warnings_for(enrolment, today=date(2026, 10, 20))
    one_to_one(enrolment, date(2026, 10, 14), kind="joint", case_references="CIN-50321")
    assert warnings_for(enrolment, today=date(2026, 10, 20)) == []
    assert "COWORK-LEAD" not in client.get(url).text


@pytest.mark.django_db
def test_an_own_case_with_no_coworker_needs_no_joint_supervision(people, enrolment):
    case = Case.objects.create(
        reference="CIN-50322", case_type=Case.CaseType.CIN, children=1, service=factories.service()
    )
    allocation = caseloads.request_allocation(
        case=case,
        worker=enrolment.person,
        role="allocated",
        start_date=STARTS,
        requested_by=people["pm"],
        requested_at=ASKED,
    )
    caseloads.approve_allocation(allocation=allocation, decided_by=people["pm"], on=STARTS)
    assert warnings_for(enrolment, today=date(2026, 12, 1)) == []
