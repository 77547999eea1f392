"""Issue 15 item 1: every date a user enters has a sane range, checked in the model's
clean() (so the forms and the import refuse it too), with a message naming the field and
the allowed range."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from academy.validators import validate_date_between, years_after
from cohorts.models import Enrolment, Extension
from cohorts.services import record_extension
from tests import factories
from tests.cohorts.test_import_people import STAFF, csv_text, run_command

TODAY = date(2026, 12, 1)
pytestmark = pytest.mark.django_db


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_years_after_clamps_and_handles_29_february():
    assert years_after(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert years_after(date(9998, 6, 1), 3) == date.max
    assert years_after(date(2, 6, 1), -3) == date.min


def test_the_shared_validator_names_the_field_and_the_range():
    with pytest.raises(ValidationError) as error:
        validate_date_between(
            date(9999, 12, 31),
            field="held_on",
            label="meeting date",
            earliest=date(2025, 9, 1),
            latest=date(2028, 8, 31),
        )
    assert error.value.message_dict == {
        "held_on": [
            "The meeting date must be between 01/09/2025 and 31/08/2028; "
            "31/12/9999 is outside that range."
        ]
    }
    validate_date_between(date(2026, 1, 1), field="x", label="x", earliest=date(2026, 1, 1))


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("start", "ok"),
    [
        (date(2023, 12, 1), True),
        (date(2029, 12, 1), True),
        (date(2023, 11, 30), False),
        (date(2029, 12, 2), False),
        (date(9999, 12, 31), False),
        (date(1, 1, 1), False),
    ],
)
def test_an_asye_start_is_within_3_years_of_today(start, ok):
    enrolment = factories.EnrolmentFactory.build(
        asye_start=start, practice_group=factories.PracticeGroupFactory()
    )
    enrolment.person = factories.PersonFactory()
    enrolment.cohort = factories.EnrolmentFactory().cohort
    if ok:
        enrolment.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    text = messages(error, "asye_start")
    assert "ASYE start date must be between 01/12/2023 and 01/12/2029" in text


@time_machine.travel(TODAY)
def test_an_old_enrolment_whose_start_is_unchanged_can_still_be_saved(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(asye_start=date(2020, 9, 1))
    enrolment.refresh_from_db()
    enrolment.full_clean()
    enrolment.asye_start = date(2020, 9, 2)
    with pytest.raises(ValidationError):
        enrolment.full_clean()


@time_machine.travel(TODAY)
def test_the_import_refuses_a_far_future_asye_start(tmp_path):
    row = "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,9999-12-31,,AS1"
    code, out, err = run_command(tmp_path, csv_text(*STAFF, row))
    assert code == 2
    assert "ASYE start date must be between 01/12/2023 and 01/12/2029" in err
    assert not Enrolment.objects.filter(person__staff_id="NQ1").exists()


def extend(people, enrolment, first_day, last_day):
    return record_extension(
        enrolment=enrolment,
        reason=Extension.Reason.MATERNITY,
        first_day=first_day,
        last_day=last_day,
        approved_by=people["pm"],
    )


@time_machine.travel(TODAY)
def test_an_extension_to_9999_is_refused_with_the_range(people, enrolment):
    with pytest.raises(ValidationError) as error:
        extend(people, enrolment, date(2026, 10, 1), date(9999, 12, 31))
    assert (
        "last day of absence must be between 01/10/2026 and 30/09/2029 "
        "(an absence of at most 3 years)" in messages(error, "last_day")
    )
    assert not enrolment.extensions.exists()
    extend(people, enrolment, date(2026, 10, 1), date(2029, 9, 30))


@time_machine.travel(TODAY)
@pytest.mark.parametrize("first_day", [date(2026, 8, 31), date(2027, 9, 1), date(9999, 1, 1)])
def test_an_absence_begins_within_the_asye(people, enrolment, first_day):
    # The ASYE runs from 01/09/2026 to 31/08/2027.
    with pytest.raises(ValidationError) as error:
        extend(people, enrolment, first_day, first_day + timedelta(days=100))
    assert "first day of absence must be between 01/09/2026 and 31/08/2027" in messages(
        error, "first_day"
    )


@time_machine.travel(TODAY)
def test_an_absence_on_the_asye_start_and_after_an_earlier_extension_is_fine(people, enrolment):
    extend(people, enrolment, date(2026, 9, 1), date(2027, 2, 28))
    # The first extension moved the planned end on by six months, to 29/02/2028.
    extend(people, enrolment, date(2027, 12, 1), date(2028, 5, 31))
