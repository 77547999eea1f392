"""Issue 10 item 13: a supervision form reports every independent problem in one response,
not one per submit."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision.models import Session
from tests.supervision.conftest import group_session
from tests.supervision.test_access import session_post


@time_machine.travel("2026-12-01 12:00")
def test_the_group_form_shows_the_date_and_the_empty_register_at_once(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_group_session", args=[enrolment.practice_group.pk])
    # Before the worker's enrolment began, and nobody ticked as attending.
    response = client.post(url, session_post(held_on="2026-08-20"))
    assert response.status_code == 200
    assert "Nobody attended: there is no supervision to record." in response.text
    assert "on or after 01/09/2026" in response.text
    assert not Session.objects.exists()


def test_the_service_reports_strangers_with_the_other_problems(enrolment, people):
    stranger = people["other_nqsw"].enrolments.get()
    with pytest.raises(ValidationError) as error:
        group_session(enrolment.practice_group, date(2026, 9, 8), [(stranger, False)])
    messages = " ".join(error.value.messages)
    assert "is not in" in messages
    assert "Nobody attended" in messages
    assert not Session.objects.exists()


@time_machine.travel("2026-12-01 12:00")
@pytest.mark.parametrize(
    "held_on, says", [("2026-08-20", "on or after 01/09/2026"), ("2026-12-02", "not in the future")]
)
def test_the_one_to_one_form_shows_a_bad_date_with_the_field_errors(
    client, people, enrolment, held_on, says
):
    """The date used to be checked by the service only, so it was reported once every field
    was right: a second submit for one more error."""
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_session", args=[enrolment.pk])
    response = client.post(url, session_post(held_on=held_on, reflection=""))
    assert response.status_code == 200
    assert says in response.text
    assert "This field is required." in response.text
    assert not Session.objects.exists()
