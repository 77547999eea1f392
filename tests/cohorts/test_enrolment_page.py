"""The enrolment page shows each recorded absence (EXT-1) and the changes to them, to every
role that may see the enrolment, a real superuser included; outsiders get 404."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Extension
from cohorts.services import record_extension
from tests import factories
from tests.academy.test_access import SEES_ENROLMENT


@pytest.fixture
def absence(people, enrolment):
    return record_extension(
        enrolment=enrolment,
        reason=Extension.Reason.MATERNITY,
        first_day=date(2026, 11, 16),
        last_day=date(2027, 5, 16),
        approved_by=people["pm"],
        notes="Maternity leave agreed with HR.",
    )


def page(client, user, enrolment):
    client.force_login(user)
    return client.get(reverse("cohorts:enrolment_detail", args=[enrolment.pk]))


@pytest.mark.parametrize(("who", "sees"), SEES_ENROLMENT.items())
def test_the_absence_dates_for_each_role(client, people, enrolment, absence, who, sees):
    response = page(client, people[who].user, enrolment)
    assert response.status_code == (200 if sees else 404)
    if sees:
        text = response.text
        assert "Absences and extensions (EXT-1)" in text
        assert "Maternity leave" in text
        assert "16 Nov 2026" in text and "16 May 2027" in text
        assert f"{absence.months} months ({absence.absence_days} days)" in text
        assert "Maternity leave agreed with HR." in text
        assert "Changes to absences and extensions" in text
        assert "Created by" in text


def test_a_real_superuser_sees_the_absence(client, enrolment, absence):
    root = factories.UserFactory(username="root", is_superuser=True)
    response = page(client, root, enrolment)
    assert response.status_code == 200
    assert "16 Nov 2026" in response.text


def test_no_absence_recorded(client, people, enrolment):
    response = page(client, people["pm"].user, enrolment)
    assert "No absence recorded." in response.text
    assert "Changes to absences and extensions" not in response.text


def test_on_leave_today_is_said_plainly(client, people, enrolment, absence):
    with time_machine.travel(date(2027, 1, 10)):
        response = page(client, people["pm"].user, enrolment)
    assert "is on recorded leave (maternity leave) until Sunday 16 May 2027" in response.text
    with time_machine.travel(date(2027, 5, 17)):
        response = page(client, people["pm"].user, enrolment)
    assert "is on recorded leave" not in response.text


def test_a_change_to_an_absence_is_in_its_history(client, people, enrolment, absence):
    absence.last_day = date(2027, 6, 30)
    absence.save()
    text = page(client, people["pm"].user, enrolment).text
    assert "Changed by" in text
    assert "to 30 Jun 2027" in text and "to 16 May 2027" in text
