"""Issue 15 item 1: portfolio records and the assessor's feedback are dated from the ASYE
start and not in the future, with the field and the range in the message."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessment import services
from tests.assessment import factories as af

TODAY = date(2026, 12, 1)


@time_machine.travel(TODAY)
@pytest.mark.parametrize("day", [date(2026, 8, 31), date(2026, 12, 2), date(9999, 12, 31)])
def test_an_observation_outside_the_asye_is_refused_with_the_range(enrolment, day):
    with pytest.raises(ValidationError) as error:
        af.ObservationFactory(enrolment=enrolment, observed_on=day)
    assert error.value.message_dict["observed_on"][0].startswith(
        "The observed on date must be between 01/09/2026 and 01/12/2026"
    )


@time_machine.travel(TODAY)
@pytest.mark.parametrize("day", [date(2026, 8, 31), date(9999, 12, 31)])
def test_the_assessors_feedback_is_dated_within_the_asye(enrolment, day):
    log = af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 1))
    with pytest.raises(ValidationError) as error:
        services.give_log_feedback(
            log=log, assessor=enrolment.assessor, feedback="Good.", given_on=day
        )
    assert "between 01/09/2026 and 01/12/2026" in error.value.message_dict["given_on"][0]
    assert not log.assessor_feedback.exists()
    af.give_feedback(log)


@time_machine.travel(TODAY)
def test_an_observation_reports_the_observer_and_the_date_at_once(enrolment):
    """Issue 10 item 13: clean() used to stop at the first problem, so a second submit
    revealed the second."""
    with pytest.raises(ValidationError) as error:
        af.ObservationFactory(
            enrolment=enrolment, observer=enrolment.person, observed_on=date(2026, 12, 2)
        )
    assert set(error.value.message_dict) == {"observer", "observed_on"}
    assert "OBS-THREE" in error.value.message_dict["observer"][0]
