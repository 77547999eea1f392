import pytest

from academy.models import Person
from tests import factories


@pytest.fixture
def group(db):
    """One CA&I academy team with its PM and GM."""
    return factories.PracticeGroupFactory(name="Worthing CA&I")


@pytest.fixture
def enrolment(group):
    return factories.EnrolmentFactory(practice_group=group)


@pytest.fixture
def people(enrolment):
    """Named people around one enrolment: who may and who may not see it."""
    group = enrolment.practice_group
    other_group = factories.PracticeGroupFactory(
        name="Crawley CLA", service=factories.service("CLA")
    )
    other = factories.EnrolmentFactory(practice_group=other_group)
    return {
        "nqsw": enrolment.person,
        "pm": group.practice_manager,
        "gm": group.group_manager,
        "assessor": enrolment.assessor,
        "other_nqsw": other.person,
        "other_pm": other_group.practice_manager,
        "other_gm": other_group.group_manager,
        "other_assessor": other.assessor,
        "chair": factories.PersonFactory(role=Person.Role.PRINCIPAL_SOCIAL_WORKER),
        "admin": factories.PersonFactory(role=Person.Role.ADMIN),
        "grade10": factories.PersonFactory(role=Person.Role.GRADE10, practice_group=group),
    }
