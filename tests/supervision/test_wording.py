"""Supervision numbers that cannot read as contradictions (issue 10 item 13)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.supervision.conftest import one_to_one

pytestmark = pytest.mark.django_db

# The NQSW started on 1 September 2026; the first 1:1 came late, on 28 October.
TODAY = date(2026, 11, 2)


def page_text(client, person, url, today=TODAY):
    client.force_login(person.user)
    with time_machine.travel(today, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.fixture
def late_start(enrolment):
    with time_machine.travel(date(2026, 10, 28), tick=False):
        one_to_one(enrolment, date(2026, 10, 28))
    return enrolment


def test_overview_says_held_of_scheduled_and_missed_beside_on_track(client, people, late_start):
    text = page_text(client, people["pm"], reverse("supervision:overview"))
    assert "Held / required" not in text
    assert "Held of scheduled dates to date" in text
    assert "1 held of 7 scheduled (6 missed)" in text
    assert "On track" in text
    assert "a worker can be on track with dates missed" in text


def test_record_explains_the_status_looks_at_the_next_date(client, people, late_start):
    url = reverse("supervision:record", args=[late_start.pk])
    text = page_text(client, people["nqsw"], url)
    assert "1 held of 7 scheduled (6 missed). The status looks only at the next due date" in text


def test_no_missed_note_when_every_date_was_held(client, people, enrolment):
    with time_machine.travel(date(2026, 9, 1), tick=False):
        one_to_one(enrolment, date(2026, 9, 1))
    url = reverse("supervision:record", args=[enrolment.pk])
    text = page_text(client, people["pm"], url, today=date(2026, 9, 3))
    assert "1 held of 1 scheduled" in text
    assert "missed" not in text
