"""LEARNING-OPPS: the twelve opportunities as data, offered by the PM, done by the NQSW or
the PM with evidence, the month-9 warning, and where they are shown."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from learning import services
from learning.models import LearningOpportunity, OpportunityPolicy, OpportunityRecord
from learning.opportunities import DONE, NOT_OFFERED, OFFERED, findings, opportunities_for
from learning.record import opportunity_summary
from tests import factories
from tests.assessment.factories import LogFactory, ObservationFactory
from tests.caseloads.factories import allocate

START = date(2026, 9, 1)


def opportunity(name):
    return LearningOpportunity.objects.get(name=name)


def states(enrolment, on):
    return {s.name: s.state for s in opportunities_for(enrolment, on)}


def test_the_guidance_twelve_are_seeded_in_order_with_mash_from_the_rota(db):
    names = list(LearningOpportunity.objects.values_list("name", flat=True))
    assert len(names) == 12
    assert names[0] == "Child and Family Assessments"
    assert names[-1] == "Chairing Meetings"
    assert list(
        LearningOpportunity.objects.filter(from_mash_rota=True).values_list("name", flat=True)
    ) == ["Spend time at MASH"]
    assert OpportunityPolicy.offer_by_month_on(date(2027, 6, 1)) == 9


def test_an_academy_adds_its_own(enrolment):
    LearningOpportunity.objects.create(name="Private fostering assessment", position=50)
    assert len(opportunities_for(enrolment, START)) == 13


def test_offered_then_done_by_the_nqsw_with_a_note(enrolment):
    pm, nqsw = enrolment.practice_group.practice_manager, enrolment.person
    court = opportunity("Court work")
    services.offer_opportunity(enrolment=enrolment, opportunity=court, on=date(2026, 10, 5), by=pm)
    assert states(enrolment, date(2026, 10, 4))["Court work"] == NOT_OFFERED
    assert states(enrolment, date(2026, 10, 5))["Court work"] == OFFERED
    services.record_opportunity_done(
        enrolment=enrolment,
        opportunity=court,
        on=date(2026, 11, 2),
        evidence="note",
        note="Gave evidence at a final hearing with my PM.",
        by=nqsw,
    )
    found = {s.name: s for s in opportunities_for(enrolment, date(2026, 11, 2))}["Court work"]
    assert (found.state, found.offered_on, found.done_on) == (
        DONE,
        date(2026, 10, 5),
        date(2026, 11, 2),
    )
    assert found.evidence == "Gave evidence at a final hearing with my PM."
    assert OpportunityRecord.history.count() >= 2


def test_offering_twice_is_refused(enrolment):
    pm = enrolment.practice_group.practice_manager
    court = opportunity("Court work")
    services.offer_opportunity(enrolment=enrolment, opportunity=court, on=START, by=pm)
    with pytest.raises(ValidationError, match="already offered"):
        services.offer_opportunity(enrolment=enrolment, opportunity=court, on=START, by=pm)


def test_done_without_an_offer_counts_as_offered_that_day(enrolment):
    services.record_opportunity_done(
        enrolment=enrolment,
        opportunity=opportunity("Signs of Safety"),
        on=date(2026, 10, 1),
        evidence="note",
        note="Signs of Safety mapping with the family.",
        by=enrolment.person,
    )
    record = OpportunityRecord.objects.get()
    assert record.offered_on == record.done_on == date(2026, 10, 1)


def test_done_before_the_offer_is_refused(enrolment):
    pm = enrolment.practice_group.practice_manager
    court = opportunity("Court work")
    services.offer_opportunity(enrolment=enrolment, opportunity=court, on=date(2026, 10, 5), by=pm)
    with pytest.raises(ValidationError, match="cannot be done before"):
        services.record_opportunity_done(
            enrolment=enrolment,
            opportunity=court,
            on=date(2026, 10, 4),
            evidence="note",
            note="x",
            by=pm,
        )


def test_evidence_by_case_reference_must_be_the_nqsws_allocation(enrolment):
    allocation = allocate(enrolment.person, start=date(2026, 9, 14), reference="S47-0042")
    other = factories.EnrolmentFactory()
    allocate(other.person, start=date(2026, 9, 14), reference="S47-0099")
    s47 = opportunity("Section 47 Enquiries")
    with pytest.raises(ValidationError, match="no allocation of case S47-0099"):
        services.record_opportunity_done(
            enrolment=enrolment,
            opportunity=s47,
            on=date(2026, 10, 1),
            evidence="allocation",
            case_reference="S47-0099",
            by=enrolment.person,
        )
    record = services.record_opportunity_done(
        enrolment=enrolment,
        opportunity=s47,
        on=date(2026, 10, 1),
        evidence="allocation",
        case_reference="S47-0042",
        by=enrolment.person,
    )
    assert record.allocation == allocation
    found = {s.name: s for s in opportunities_for(enrolment, date(2026, 10, 1))}
    assert found["Section 47 Enquiries"].evidence == "Allocation of case S47-0042"


def test_evidence_by_observation_or_log_must_be_the_nqsws_own(enrolment):
    mine = ObservationFactory(enrolment=enrolment)
    theirs = ObservationFactory()
    log = LogFactory(enrolment=enrolment)
    cfa = opportunity("Child and Family Assessments")
    with pytest.raises(ValidationError):
        services.record_opportunity_done(
            enrolment=enrolment,
            opportunity=cfa,
            on=date(2026, 10, 1),
            evidence="observation",
            observation=theirs,
            by=enrolment.person,
        )
    services.record_opportunity_done(
        enrolment=enrolment,
        opportunity=cfa,
        on=date(2026, 10, 1),
        evidence="observation",
        observation=mine,
        by=enrolment.person,
    )
    services.record_opportunity_done(
        enrolment=enrolment,
        opportunity=opportunity("Chairing Meetings"),
        on=date(2026, 10, 1),
        evidence="log",
        reflection_log=log,
        by=enrolment.person,
    )
    assert OpportunityRecord.objects.filter(done_on__isnull=False).count() == 2


def test_the_database_refuses_done_without_evidence(enrolment):
    pm = enrolment.practice_group.practice_manager
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityRecord.objects.create(
            enrolment=enrolment,
            opportunity=opportunity("Court work"),
            offered_on=START,
            offered_by=pm,
            done_on=START,
            done_recorded_by=pm,
            evidence="note",
            note="",
        )


def test_a_trainee_has_no_opportunities(db):
    trainee = factories.TraineeEnrolmentFactory()
    assert opportunities_for(trainee, START) == []
    with pytest.raises(ValidationError):
        services.offer_opportunity(
            enrolment=trainee,
            opportunity=opportunity("Court work"),
            on=START,
            by=trainee.practice_group.practice_manager,
        )


@pytest.mark.parametrize(
    ("on", "warned"),
    [(date(2027, 4, 30), False), (date(2027, 5, 1), True)],
    ids=["month 8: no warning", "month 9: warning"],
)
def test_warning_when_still_not_offered_by_month_nine(enrolment, on, warned):
    pm = enrolment.practice_group.practice_manager
    for o in LearningOpportunity.objects.exclude(name="Court work"):
        services.offer_opportunity(enrolment=enrolment, opportunity=o, on=START, by=pm)
    found = findings(enrolment, opportunities_for(enrolment, on), on)
    assert bool(found) == warned
    if warned:
        assert found[0].rule == "LEARNING-OPPS" and found[0].severity == "warning"
        assert "1 of 12 still not offered: Court work" in found[0].message


def test_no_warning_once_every_opportunity_is_offered(enrolment):
    pm = enrolment.practice_group.practice_manager
    for o in LearningOpportunity.objects.all():
        services.offer_opportunity(enrolment=enrolment, opportunity=o, on=START, by=pm)
    on = date(2027, 6, 1)
    assert findings(enrolment, opportunities_for(enrolment, on), on) == []


def test_the_month_is_data(enrolment):
    OpportunityPolicy.objects.create(effective_from=date(2026, 1, 1), offer_by_month=6)
    on = date(2027, 2, 1)  # month 6
    assert findings(enrolment, opportunities_for(enrolment, on), on)


def test_summary_is_issue_11s_contract(enrolment):
    summary, found = opportunity_summary(enrolment, date(2027, 5, 1))
    assert summary[0] == {"name": "Child and Family Assessments", "state": "not_offered"}
    assert found and found[0].rule == "LEARNING-OPPS"


def test_the_nqsw_home_lists_them(client, enrolment):
    with time_machine.travel(date(2027, 5, 3)):
        client.force_login(enrolment.person.user)
        page = client.get("/").content.decode()
    assert 'id="progress-opportunities"' in page
    assert "Court work: <strong>not offered</strong>" in page
    assert "LEARNING-OPPS: by ASYE month 9" in page
