"""WORKSHOPS: the three resilience days as mandatory sessions with attendance, and the
optional 10 credits: not taken / assignment submitted / credits awarded."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from learning import services
from learning.models import Workshop, WorkshopTheme
from learning.workshops import (
    ABSENT,
    ATTENDED,
    NOT_RECORDED,
    NOT_SCHEDULED,
    TO_COME,
    credits_label,
    credits_of,
    workshop_days,
)
from tests import factories


@pytest.fixture
def day_one(enrolment):
    return Workshop.objects.create(
        theme=WorkshopTheme.objects.get(number=1),
        cohort=enrolment.cohort,
        held_on=date(2026, 11, 10),
    )


def test_the_three_days_are_seeded(db):
    assert list(WorkshopTheme.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_states_of_the_days(enrolment, day_one):
    pm = enrolment.practice_group.practice_manager
    assert [d.state for d in workshop_days(enrolment, date(2026, 11, 9))] == [
        TO_COME,
        NOT_SCHEDULED,
        NOT_SCHEDULED,
    ]
    assert workshop_days(enrolment, date(2026, 11, 10))[0].state == NOT_RECORDED
    with time_machine.travel(date(2026, 11, 10)):
        services.record_workshop_attendance(
            enrolment=enrolment, workshop=day_one, attended=False, by=pm
        )
    assert workshop_days(enrolment, date(2026, 11, 11))[0].state == ABSENT
    with time_machine.travel(date(2026, 11, 11)):
        services.record_workshop_attendance(
            enrolment=enrolment, workshop=day_one, attended=True, by=pm
        )
    assert workshop_days(enrolment, date(2026, 11, 11))[0].state == ATTENDED


def test_attendance_not_before_the_day(enrolment, day_one):
    with (
        time_machine.travel(date(2026, 11, 9)),
        pytest.raises(ValidationError, match="on or after"),
    ):
        services.record_workshop_attendance(
            enrolment=enrolment,
            workshop=day_one,
            attended=True,
            by=enrolment.practice_group.practice_manager,
        )


def test_attendance_only_for_the_cohort(day_one):
    other = factories.EnrolmentFactory(asye_start=date(2027, 1, 4))
    with time_machine.travel(date(2026, 12, 1)), pytest.raises(ValidationError, match="its cohort"):
        services.record_workshop_attendance(
            enrolment=other,
            workshop=day_one,
            attended=True,
            by=other.practice_group.practice_manager,
        )


def test_a_trainee_has_no_workshops(db):
    assert workshop_days(factories.TraineeEnrolmentFactory(), date(2026, 11, 1)) == []


def test_credits_not_taken_submitted_awarded(enrolment):
    pm = enrolment.practice_group.practice_manager
    assert credits_label(credits_of(enrolment)) == "Not taken"
    with pytest.raises(ValidationError, match="once the assignment is submitted"):
        services.record_workshop_credits(
            enrolment=enrolment, state="awarded", on=date(2027, 3, 1), by=pm
        )
    services.record_workshop_credits(
        enrolment=enrolment, state="submitted", on=date(2027, 3, 1), by=enrolment.person
    )
    assert credits_label(credits_of(enrolment)) == "Assignment submitted"
    with pytest.raises(ValidationError, match="on or after the submission"):
        services.record_workshop_credits(
            enrolment=enrolment, state="awarded", on=date(2027, 2, 28), by=pm
        )
    services.record_workshop_credits(
        enrolment=enrolment, state="awarded", on=date(2027, 3, 1), by=pm
    )
    credits = credits_of(enrolment)
    assert (credits.state, credits.submitted_on, credits.awarded_on) == (
        "awarded",
        date(2027, 3, 1),
        date(2027, 3, 1),
    )
