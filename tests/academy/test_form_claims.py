"""One-time form tokens claimed in the database (issue 15 item 4): two POSTs of one form
that arrive together each read the session before either saves it, so the session alone
let both through. Here the second request is given the session as it was before the first
was handled: exactly what a simultaneous request sees."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from academy.forms import ALREADY_SAVED, FORM_TOKEN
from academy.models import FormSubmission
from supervision.models import Session
from tests.double_submit import token_of
from tests.supervision.conftest import CONTENT

pytestmark = pytest.mark.django_db


def one_to_one(client, enrolment, **extra):
    url = reverse("supervision:record_session", args=[enrolment.pk])
    data = {"kind": "one_to_one", "held_on": "2026-09-08", "start_time": "10:00", **CONTENT}
    return url, {**data, FORM_TOKEN: token_of(client, url), **extra}


def session_as_it_was(client):
    return dict(client.session.items())


def restore(client, items):
    store = client.session
    store.clear()
    store.update(items)
    store.save()


@time_machine.travel("2026-12-01 12:00")
def test_a_post_holding_the_session_from_before_the_first_saves_nothing(client, people, enrolment):
    client.force_login(people["pm"].user)
    url, data = one_to_one(client, enrolment)
    before = session_as_it_was(client)
    first = client.post(url, data)
    assert first.status_code == 302

    restore(client, before)  # the token still looks unused in this session
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert ALREADY_SAVED in second.text
    assert Session.objects.count() == 1


@time_machine.travel("2026-12-01 12:00")
def test_a_post_while_the_first_is_being_handled_is_told_so(client, people, enrolment):
    client.force_login(people["pm"].user)
    url, data = one_to_one(client, enrolment)
    FormSubmission.objects.create(token=data[FORM_TOKEN])  # claimed, not yet redirected
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Already being saved" in response.text
    assert not Session.objects.exists()


@time_machine.travel("2026-12-01 12:00")
def test_a_form_with_errors_releases_its_claim_so_the_correction_saves(client, people, enrolment):
    client.force_login(people["pm"].user)
    url, data = one_to_one(client, enrolment)
    response = client.post(url, {**data, "reflection": ""})
    assert response.status_code == 200 and not FormSubmission.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Session.objects.count() == 1
    assert FormSubmission.objects.get().location == reverse(
        "supervision:record", args=[enrolment.pk]
    )


def test_claims_older_than_a_week_are_forgotten(client, people, enrolment):
    with time_machine.travel("2026-11-20 12:00"):
        FormSubmission.objects.create(token="0b7c2f4e-3b9a-4f7e-9d7c-2a1b3c4d5e6f")
    with time_machine.travel("2026-12-01 12:00"):
        client.force_login(people["pm"].user)
        url, data = one_to_one(client, enrolment)
        assert client.post(url, data).status_code == 302
        assert (
            FormSubmission.objects.filter(
                claimed_at__gte=timezone.now() - timedelta(days=7)
            ).count()
            == 1
        )
        assert FormSubmission.objects.count() == 1
