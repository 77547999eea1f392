"""Issue 15 item 1: supervision dates are not before the enrolment began and not in the
future; the message names the field and the allowed range, on the page too."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision import services
from supervision.models import Session
from tests.supervision.conftest import CONTENT, group_session, one_to_one
from tests.supervision.test_access import session_post


@pytest.mark.parametrize("held_on", [date(2026, 8, 31), date(1, 1, 1)])
def test_a_one_to_one_before_the_asye_start_is_refused(enrolment, held_on):
    with pytest.raises(ValidationError) as error:
        one_to_one(enrolment, held_on)
    (message,) = error.value.message_dict["held_on"]
    assert message.startswith("The supervision date must be on or after 01/09/2026")
    assert "enrolment began on 01/09/2026" in message
    assert not Session.objects.exists()


def test_a_group_session_before_one_attendee_began_is_refused(enrolment, people):
    with pytest.raises(ValidationError, match="on or after 01/09/2026"):
        group_session(enrolment.practice_group, date(2026, 8, 20), [(enrolment, True)])
    assert not Session.objects.exists()


def test_a_supervision_in_the_future_is_refused(enrolment):
    with pytest.raises(ValidationError) as error:
        services.record_one_to_one(
            enrolment=enrolment,
            recorded_by=enrolment.practice_group.practice_manager,
            held_on=date(9999, 12, 31),
            start_time=time(10),
            today=date(2026, 12, 1),
            **CONTENT,
        )
    assert "must be on or before 01/12/2026" in error.value.message_dict["held_on"][0]


@time_machine.travel(date(2026, 12, 1))
def test_the_record_page_shows_the_range(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_session", args=[enrolment.pk])
    response = client.post(url, session_post(held_on="2026-08-31"))
    assert response.status_code == 200
    assert "The supervision date must be on or after 01/09/2026" in response.text
    response = client.post(url, session_post(held_on="9999-12-31"))
    assert response.status_code == 200
    assert "must be on or before 01/12/2026" in response.text
    assert not Session.objects.exists()
