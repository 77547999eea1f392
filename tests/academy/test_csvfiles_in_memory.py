"""csvfiles.holds(): check constraints evaluated in Python give the database's verdict, so an
importer that checks 20,000 rows in memory (issue 17 item 5) reports exactly what
full_clean() would."""

from datetime import date

import pytest

from academy import csvfiles
from academy.models import Person
from cohorts.models import Enrolment
from tests import factories

IN_MEMORY = csvfiles.Checked(in_memory=True)


def constraint_problems(instance, checked):
    names = {c.name.split("_", 2)[-1] for c in instance._meta.constraints}
    problems = csvfiles.model_problems(instance, exclude=["user"], checked=checked)
    return sorted(
        (name, message)
        for name, message in problems
        if any(name.endswith(constraint) for constraint in names)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"role": Person.Role.TRAINEE, "swe_registration": "SW123"},
        {"role": Person.Role.TRAINEE},
        {"role": "astronaut"},
        {"role": Person.Role.EXTERNAL_PANEL_MEMBER, "with_service": True},
        {"role": Person.Role.EXTERNAL_PANEL_MEMBER},
        {"role": Person.Role.NQSW, "swe_registration": "SW123", "with_service": True},
    ],
)
def test_person_constraints_in_memory_are_the_databases(values):
    values = dict(values)
    service = factories.PracticeGroupFactory().service if values.pop("with_service", 0) else None
    person = Person(staff_id="S1", full_name="Tom Reed", email="tr@example.org", **values)
    person.service = service

    assert constraint_problems(person, IN_MEMORY) == constraint_problems(person, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {},
        {"kind": Enrolment.Kind.TRAINEE, "programme": "OU_BA", "asye_start": None},
        {"kind": Enrolment.Kind.TRAINEE, "programme": "", "asye_start": None},
        {"kind": Enrolment.Kind.ASYE, "programme": "OU_BA"},
        {"asye_start": None},
        {"status": Enrolment.Status.PASSED},
        {"status": Enrolment.Status.PASSED, "end_date": date(2026, 1, 1)},
        {"end_date": date(2020, 1, 1), "status": Enrolment.Status.WITHDRAWN},
        {"kind": "other", "status": "lost"},
        {"own_assessor": True},
    ],
)
def test_enrolment_constraints_in_memory_are_the_databases(values):
    values = dict(values)
    enrolment = factories.EnrolmentFactory.build(
        person=factories.PersonFactory(role=Person.Role.NQSW),
        cohort=factories.CohortFactory(),
        practice_group=factories.PracticeGroupFactory(),
        asye_start=date(2026, 9, 7),
    )
    if values.pop("own_assessor", False):
        enrolment.assessor = enrolment.person
    for name, value in values.items():
        setattr(enrolment, name, value)

    assert constraint_problems(enrolment, IN_MEMORY) == constraint_problems(enrolment, None)


def test_a_condition_beyond_holds_is_left_to_the_database():
    from django.db.models import Q
    from django.db.models.functions import Lower

    with pytest.raises(csvfiles.NotInMemory):
        csvfiles.holds(Q(person__staff_id="S1"), Enrolment())
    with pytest.raises(csvfiles.NotInMemory):
        csvfiles.holds(Q(programme=Lower("kind")), Enrolment())
