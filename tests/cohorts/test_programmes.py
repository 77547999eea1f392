"""Programmes as data (issue 14): the ASYE as it always ran, and a 24-month programme (the
ECDP) whose months, reviews, supervision phases and caps follow its own length."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from caseloads.models import CapRule
from caseloads.states import worker_state
from cohorts.models import Cohort, Programme, ProgrammePoint
from supervision.models import SupervisionPolicy, schedule_for
from supervision.schedule import SUP_THREE_WEEKLY, Policy, build_schedule
from tests import factories
from tests.caseloads import factories as cf

pytestmark = pytest.mark.django_db

ECDP_START = date(2027, 1, 4)  # a Monday: month 12 is December 2027, month 24 December 2028


@pytest.fixture
def ecdp():
    programme = Programme.objects.create(
        name="ECDP", length_months=24, pcf_applies=False, move_on_month=None, source="test"
    )
    for month, label, moderated in [(7, "6-month review", True), (13, "12-month review", True)]:
        ProgrammePoint.objects.create(
            programme=programme, month=month, label=label, moderated=moderated
        )
    return programme


def ecdp_nqsw(ecdp, service="CAI"):
    group = cf.group(service)
    return factories.EnrolmentFactory(
        practice_group=group,
        asye_start=ECDP_START,
        cohort=Cohort.for_start(ECDP_START, ecdp),
        person__service=group.service,
    )


def test_the_asye_is_seeded_as_it_always_ran():
    asye = Programme.objects.get(name="ASYE")
    assert (asye.length_months, asye.pcf_applies, asye.move_on_month) == (12, True, 11)
    assert [(p.month, p.label, p.optional, p.moderated) for p in asye.points.all()] == [
        (4, "3-month review", False, False),
        (7, "6-month review", False, True),
        (10, "9-month review", True, False),
    ]
    assert Cohort.for_start(date(2026, 9, 1)).programme == asye
    assert all(c.programme_id == asye.pk for c in Cohort.objects.all())


def test_an_asye_and_an_ecdp_cohort_can_start_together(ecdp):
    asye = Cohort.for_start(ECDP_START)
    pilot = Cohort.for_start(ECDP_START, ecdp)
    assert asye != pilot
    assert (asye.name, pilot.name) == ("January 2027", "ECDP January 2027")
    assert Cohort.for_start(date(2027, 3, 1), ecdp) == pilot


def test_a_24_month_programme_runs_past_month_12_and_ends_after_month_24(ecdp):
    enrolment = ecdp_nqsw(ecdp)
    assert enrolment.asye_month(date(2027, 12, 31)) == 12
    assert enrolment.asye_month(date(2028, 1, 1)) == 13
    assert enrolment.asye_month(date(2028, 12, 31)) == 24
    assert enrolment.asye_month(date(2029, 1, 1)) is None
    assert enrolment.phase(date(2029, 1, 1)) == "after"
    assert enrolment.planned_end() == date(2028, 12, 31)


def test_an_asye_still_ends_after_month_12():
    enrolment = factories.EnrolmentFactory()
    assert enrolment.asye_month(date(2027, 8, 31)) == 12
    assert enrolment.asye_month(date(2027, 9, 1)) is None
    assert enrolment.planned_end() == date(2027, 8, 31)


def test_the_review_points_and_key_dates_follow_the_programme(ecdp):
    enrolment = ecdp_nqsw(ecdp)
    assert enrolment.key_dates() == [
        ("ECDP start", ECDP_START),
        ("6-month review due", date(2027, 7, 1)),
        ("12-month review due", date(2028, 1, 1)),
        ("End of ECDP", date(2028, 12, 31)),
    ]


def test_supervision_carries_on_into_the_second_year(ecdp):
    # Month 12 -> 13: the second-year interval (inferred: the month-12 value, 21 days).
    policy = SupervisionPolicy.objects.get()
    assert (policy.second_year_from_month, policy.second_year_days) == (13, 21)
    enrolment = ecdp_nqsw(ecdp)
    plan = schedule_for(enrolment, today=date(2028, 6, 1))
    assert plan.last_day == date(2028, 12, 31)
    assert plan.rule_today == SUP_THREE_WEEKLY
    assert plan.planned[-1] > date(2028, 12, 1)
    # A changed second-year interval applies from month 13 only.
    custom = Policy(second_year_days=28)
    planned = build_schedule(
        start=ECDP_START, today=date(2026, 12, 1), policies=[custom], length=24
    ).planned
    gaps = {
        (later - earlier).days
        for earlier, later in zip(planned, planned[1:], strict=False)
        if earlier >= date(2028, 1, 1)
    }
    assert gaps == {28}
    months_9_to_12 = {
        (later - earlier).days
        for earlier, later in zip(planned, planned[1:], strict=False)
        if date(2027, 9, 1) <= earlier < date(2027, 12, 1)
    }
    assert months_9_to_12 == {21}
    # A 12-month schedule stops at month 12 as before.
    assert build_schedule(start=ECDP_START, today=date(2026, 12, 1)).last_day == date(2027, 12, 31)


def test_the_cap_table_has_rows_for_months_13_to_24():
    for service, maximum in [("CAI", 18), ("CLA", 18), ("FSP", 20)]:
        row = CapRule.objects.get(applies_to="nqsw", service__code=service, month_from=13)
        assert (row.month_to, row.maximum) == (24, maximum)
        assert "inferred" in row.source.lower()


def test_caps_follow_the_programme_at_months_12_13_and_24(ecdp):
    worker = ecdp_nqsw(ecdp, "CLA").person
    month_12, month_13, month_24 = date(2027, 12, 15), date(2028, 1, 15), date(2028, 12, 15)
    assert worker_state(worker, month_12).cap.maximum == 18
    assert worker_state(worker, month_13).cap.maximum == 18
    # The months 13-24 row is the one that applies, and editing it changes the cap.
    row = CapRule.objects.get(applies_to="nqsw", service__code="CLA", month_from=13)
    row.maximum = 22
    row.save()
    assert worker_state(worker, month_12).cap.maximum == 18
    assert worker_state(worker, month_13).cap.maximum == 22
    assert worker_state(worker, month_24).cap.maximum == 22
    # After month 24 the programme is over: the experienced-worker rules, no NQSW cap.
    after = worker_state(worker, date(2029, 1, 15)).cap
    assert after is None or after.applies_to != "nqsw"


def test_an_administrator_sets_up_a_24_month_programme_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/cohorts/programme/add/").status_code == 200
    response = client.post(
        "/admin/cohorts/programme/add/",
        {
            "name": "ECDP",
            "length_months": "24",
            "move_on_month": "",
            "source": "Set up in the admin.",
            "points-TOTAL_FORMS": "2",
            "points-INITIAL_FORMS": "0",
            "points-MIN_NUM_FORMS": "0",
            "points-MAX_NUM_FORMS": "1000",
            "points-0-month": "7",
            "points-0-label": "6-month review",
            "points-0-moderated": "on",
            "points-1-month": "13",
            "points-1-label": "12-month review",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ecdp = Programme.objects.get(name="ECDP")
    assert (ecdp.length_months, ecdp.pcf_applies) == (24, False)
    assert [(p.month, p.moderated) for p in ecdp.points.all()] == [(7, True), (13, False)]


def test_a_review_point_past_the_programme_end_is_refused(ecdp):
    point = ProgrammePoint(programme=ecdp, month=25, label="Too late")
    with pytest.raises(ValidationError, match="lasts 24 months"):
        point.full_clean()
