"""Supervision state built through the same services the pages use."""

from datetime import date, time

import pytest

from supervision import services

CONTENT = {
    "reflection": "Reflected on a first home visit and how the family heard the worries.",
    "training_to_practice": "Used the Signs of Safety mapping from last week's training.",
    "appreciative_inquiry": True,
}
# Later than every date the tests record, so no session is "in the future".
RECORDING_DAY = date(2027, 9, 30)


def one_to_one(enrolment, held_on, *, kind="one_to_one", recorded_by=None, **extra):
    return services.record_one_to_one(
        enrolment=enrolment,
        recorded_by=recorded_by or enrolment.practice_group.practice_manager,
        kind=kind,
        held_on=held_on,
        start_time=time(10, 0),
        today=max(held_on, RECORDING_DAY),
        **{**CONTENT, **extra},
    )


def group_session(group, held_on, attendance, **extra):
    return services.record_group_session(
        group=group,
        recorded_by=group.practice_manager,
        attendance=attendance,
        held_on=held_on,
        start_time=time(14, 0),
        today=max(held_on, RECORDING_DAY),
        **{**CONTENT, **extra},
    )


@pytest.fixture
def session(enrolment):
    """One 1:1 of the `enrolment` fixture's NQSW with their PM."""
    return one_to_one(enrolment, date(2026, 9, 8), case_references="CIN-20413")
