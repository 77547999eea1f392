"""Named people around one ASWP round, built through aswp.services (issue 13)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from academy.models import Person
from aswp import services
from tests import factories

TEXT = {
    "experience": "Twelve years in child protection.",
    "practice_reflection": "What changed in my practice.",
    "advanced_evidence": "KSS 1-10 and PCF at the advanced level.",
}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def cast(db):
    group = factories.PracticeGroupFactory(name="Worthing CA&I")
    other_group = factories.PracticeGroupFactory(name="Crawley CLA")
    psw = factories.PersonFactory(role=Person.Role.PRINCIPAL_SOCIAL_WORKER)
    panel = factories.PersonFactory(role=Person.Role.GROUP_MANAGER)
    return {
        "psw": psw,
        "admin": factories.PersonFactory(role=Person.Role.ADMIN),
        "applicant": factories.PersonFactory(role=Person.Role.SOCIAL_WORKER, practice_group=group),
        "colleague": factories.PersonFactory(role=Person.Role.GRADE10, practice_group=group),
        "pm": group.practice_manager,
        "gm": group.group_manager,
        "other_pm": other_group.practice_manager,
        "panel": panel,
        "outsider": factories.PersonFactory(
            role=Person.Role.SOCIAL_WORKER, practice_group=other_group
        ),
        "nqsw": factories.EnrolmentFactory(practice_group=group).person,
        "aswp": factories.PersonFactory(role=Person.Role.ASWP),
    }


def open_round(cast, today, *, interview_first=False, name="Round 2026"):
    return services.open_round(
        name=name,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
        interview_first=interview_first,
        panel=[cast["panel"]],
        by=cast["psw"],
    )


@pytest.fixture
def round_(cast, today):
    return open_round(cast, today)


def submitted(round_, applicant, manager, today):
    application = services.save_application(
        round=round_, applicant=applicant, submit=True, today=today, **TEXT
    )
    return services.write_statement(
        application=application, statement="I support this application.", by=manager
    )


def in_assessment(round_, applicant, manager, today, *, starts_on=None, by=None):
    application = submitted(round_, applicant, manager, today)
    return services.start_assessment(
        application=application, starts_on=starts_on or today, by=by or manager
    )


STEPS = [
    ("observation", "A home visit"),
    ("applicant", "The applicant"),
    ("manager", "Their PM"),
    ("colleague", "A colleague"),
]


def complete_steps(application, by, day):
    for kind, seen in STEPS:
        services.record_step(
            application=application, kind=kind, held_on=day, seen=seen, notes="", by=by
        )
