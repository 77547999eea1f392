from datetime import date, timedelta

import pytest

from academy.models import Person
from cohorts.models import Enrolment
from tests import factories


def team_of(size, group=None, start=date(2026, 9, 1)):
    group = group or factories.PracticeGroupFactory()
    return [factories.EnrolmentFactory(practice_group=group, asye_start=start) for _ in range(size)]


def loaded(enrolments):
    """As the planner's callers load them."""
    return list(
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments])
        .select_related("person", "practice_group")
        .prefetch_related("extensions")
    )


def monday_of(day):
    return day - timedelta(days=day.weekday())


@pytest.fixture
def team(db):
    return team_of(3)


@pytest.fixture
def ld(db):
    """A learning and development officer (TRAINING-MANDATORY, WORKSHOPS)."""
    return factories.PersonFactory(role=Person.Role.LD_OFFICER)
