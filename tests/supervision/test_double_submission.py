"""Each supervision create form sent twice records one session (issue 15 item 4)."""

from django.urls import reverse

from supervision.models import Session
from tests.double_submit import post_twice
from tests.supervision.conftest import CONTENT


def test_a_one_to_one_is_recorded_once(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_session", args=[enrolment.pk])
    data = {"kind": "one_to_one", "held_on": "2026-09-08", "start_time": "10:00", **CONTENT}
    post_twice(client, url, data)
    assert Session.objects.count() == 1


def test_a_group_session_is_recorded_once(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_group_session", args=[enrolment.practice_group.pk])
    data = {
        "held_on": "2026-09-15",
        "start_time": "14:00",
        **CONTENT,
        f"attended_{enrolment.pk}": "on",
    }
    first, _ = post_twice(client, url, data)
    session = Session.objects.get()
    assert first["Location"] == reverse("supervision:session_detail", args=[session.pk])


def test_an_assessor_session_is_recorded_once(client, people, enrolment):
    client.force_login(people["assessor"].user)
    url = reverse("supervision:record_assessor_session")
    data = {
        "held_on": "2026-10-01",
        "start_time": "13:00",
        **CONTENT,
        f"attended_{enrolment.pk}": "on",
    }
    post_twice(client, url, data)
    assert Session.objects.count() == 1
