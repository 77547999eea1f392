"""Factories and helpers for the caseload tests: state is built through caseloads.services."""

from datetime import date, datetime, time
from importlib import import_module

import factory
from django.utils import timezone

from academy.models import Person
from caseloads import rules, services
from caseloads.models import Allocation, Case
from cohorts.models import Cohort, Enrolment
from tests import factories as base

SEPTEMBER = date(2026, 9, 1)
JANUARY = date(2027, 1, 4)
GUIDANCE = date(2016, 10, 1)

# The cap table of shared/domain/asye-rules.md, written out here as the specification the
# seeded rows and the rules are tested against: (service, first month, last month or None,
# minimum, maximum) in children.
NQSW_TABLE = [
    ("CAI", 1, 4, 0, 10),
    ("CAI", 5, 6, 0, 10),
    ("CAI", 7, 7, 0, 15),
    ("CAI", 8, 9, 0, 18),
    ("CAI", 10, None, 0, 18),
    ("CLA", 1, 4, 6, 8),
    ("CLA", 5, 9, 8, 11),
    ("CLA", 10, 10, 12, 15),
    ("CLA", 11, None, 15, 18),
    ("FSP", 1, 4, 0, 10),
    ("FSP", 5, 6, 0, 15),
    ("FSP", 7, 9, 0, 18),
    ("FSP", 10, 10, 18, 20),
    ("FSP", 11, None, 0, 20),
]
# (applies to, first month, last month, maximum, unit, rule id)
OTHER_TABLE = [
    ("trainee", 1, None, 10, "children", "CAP-TRAINEE"),
    ("chi_ma_first_semester", 1, 4, 4, "children", "CAP-TRAINEE"),
    ("ou_unqualified", 1, None, 10, "children", "CAP-UNQUALIFIED"),
    ("aswp", 1, None, 13, "cases", "CAP-ASWP"),
]


def cap_table() -> list[rules.CapRow]:
    """The specification as plain rows, for the pure rule tests."""
    return [
        rules.CapRow("nqsw", maximum, service, first, last, minimum, "children", "", "", GUIDANCE)
        for service, first, last, minimum, maximum in NQSW_TABLE
    ] + [
        rules.CapRow(applies_to, maximum, None, first, last, 0, unit, rule_id, "", GUIDANCE)
        for applies_to, first, last, maximum, unit, rule_id in OTHER_TABLE
    ]


def band(service: str, month: int) -> tuple[int, int]:
    """(minimum, maximum) children for an NQSW in `service` in ASYE month `month`."""
    for row_service, first, last, minimum, maximum in NQSW_TABLE:
        if row_service == service and first <= month and (last is None or month <= last):
            return minimum, maximum
    raise LookupError((service, month))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CR-{n:05d}")
    case_type = Case.CaseType.CIN
    children = 1
    service = factory.LazyFunction(lambda: base.service("CAI"))


def group(service: str = "CAI"):
    return base.PracticeGroupFactory(service=base.service(service))


def nqsw(service: str = "CAI", start: date = SEPTEMBER, **kwargs) -> Enrolment:
    """An NQSW's ASYE enrolment in a new academy team of `service`."""
    kwargs.setdefault("practice_group", group(service))
    return base.EnrolmentFactory(
        asye_start=start, person__service=kwargs["practice_group"].service, **kwargs
    )


def trainee(
    programme: str = Enrolment.Programme.CHI_MA,
    service: str = "CAI",
    asye_start: date | None = None,
    cohort_start: date = SEPTEMBER,
    **kwargs,
) -> Enrolment:
    """A trainee's placement; an OU trainee gives the January ASYE start they head for."""
    kwargs.setdefault("practice_group", group(service))
    return base.TraineeEnrolmentFactory(
        programme=programme,
        asye_start=asye_start,
        cohort=Cohort.for_start(cohort_start),
        person__service=kwargs["practice_group"].service,
        **kwargs,
    )


def staff(role: str = Person.Role.SOCIAL_WORKER, service: str = "CAI", **kwargs) -> Person:
    return base.PersonFactory(role=role, service=base.service(service), **kwargs)


def administrator() -> Person:
    return Person.objects.filter(role=Person.Role.ADMIN).first() or base.PersonFactory(
        role=Person.Role.ADMIN
    )


def decider_for(worker: Person) -> Person:
    """The worker's academy PM when they have a current enrolment, else an administrator."""
    enrolment = Enrolment.objects.current().filter(person=worker).first()
    if enrolment is not None:
        return enrolment.practice_group.practice_manager
    return administrator()


def request(
    worker: Person,
    *,
    start: date,
    role: str = "allocated",
    case: Case | None = None,
    by: Person | None = None,
    **case_fields,
) -> Allocation:
    case = case or CaseFactory(**case_fields)
    return services.request_allocation(
        case=case,
        worker=worker,
        role=role,
        start_date=start,
        requested_by=by or decider_for(worker),
        # History is built as it happened: each request made on its start date
        # (ALLOC-BACKDATED judges the start against the request's date).
        requested_at=requested_on(start),
    )


def requested_on(day: date):
    """Ten in the morning of `day`, as an aware datetime (a request's `requested_at`)."""
    return timezone.make_aware(datetime.combine(day, time(10)))


def allocate(
    worker: Person, *, start: date, role: str = "allocated", case: Case | None = None, **case_fields
) -> Allocation:
    """Request and approve an allocation through the services, as the worker's PM would."""
    allocation = request(worker, start=start, role=role, case=case, **case_fields)
    return services.approve_allocation(
        allocation=allocation, decided_by=decider_for(worker), on=start
    )


SEED_MIGRATIONS = [
    "academy.migrations.0002_seed_services",
    "cohorts.migrations.0002_seed_extension_policy",
    "caseloads.migrations.0002_seed_cap_table",
]


def reseed() -> None:
    """Put back the rows the data migrations seed (services, extension policy, cap table).

    A transactional test starts from whatever an earlier one left, and each of them ends by
    emptying every table, seeded rows included; the seeds are idempotent.
    """
    from django.apps import apps

    for path in SEED_MIGRATIONS:
        import_module(path).seed(apps, None)
