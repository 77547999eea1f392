"""factory-boy factories shared by every app's tests."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from faker import Faker

from academy.models import Office, Person, PracticeGroup, Service
from cohorts.models import Cohort, Enrolment

_faker = Faker("en_GB")
_faker.seed_instance(2026)


def plain_name(n):
    name = f"{_faker.first_name()} {_faker.last_name()} {n:05d}x"
    return name.replace("'", "")


def service(code="CAI"):
    """The seeded Service row for a code (the data migration creates all three)."""
    return Service.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    staff_id = factory.Sequence(lambda n: f"S{n:05d}")
    # Unique and plain: a page test looks names up as text, so no apostrophes to escape
    # and no name that is a prefix of another.
    full_name = factory.Sequence(lambda n: plain_name(n))
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Person.Role.SOCIAL_WORKER
    service = factory.LazyFunction(lambda: service("CAI"))


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Office {n}")


class PracticeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeGroup

    name = factory.Sequence(lambda n: f"Academy team {n}")
    office = factory.SubFactory(OfficeFactory)
    service = factory.LazyFunction(lambda: service("CAI"))
    practice_manager = factory.SubFactory(
        PersonFactory, role=Person.Role.PRACTICE_MANAGER, service=factory.SelfAttribute("..service")
    )
    group_manager = factory.SubFactory(
        PersonFactory, role=Person.Role.GROUP_MANAGER, service=factory.SelfAttribute("..service")
    )


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["intake", "start_date"]

    intake = Cohort.Intake.SEPTEMBER
    start_date = date(2026, 9, 1)
    name = factory.LazyAttribute(lambda o: f"{o.intake.title()} {o.start_date.year}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    person = factory.SubFactory(PersonFactory, role=Person.Role.NQSW)
    practice_group = factory.SubFactory(PracticeGroupFactory)
    cohort = factory.LazyAttribute(lambda o: Cohort.for_start(o.asye_start or date(2026, 9, 1)))
    kind = Enrolment.Kind.ASYE
    asye_start = date(2026, 9, 1)
    assessor = factory.SubFactory(PersonFactory, role=Person.Role.ASSESSOR)


class TraineeEnrolmentFactory(EnrolmentFactory):
    person = factory.SubFactory(PersonFactory, role=Person.Role.TRAINEE)
    kind = Enrolment.Kind.TRAINEE
    programme = Enrolment.Programme.CHI_MA
    asye_start = None
    assessor = None
