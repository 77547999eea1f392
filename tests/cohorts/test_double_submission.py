"""The extension form sent twice records one extension and moves the ASYE end once."""

from datetime import date

from django.urls import reverse

from tests.double_submit import post_twice, token_of


def test_a_second_identical_extension_post_is_refused(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    data = {"reason": "sickness", "first_day": "2026-11-02", "last_day": "2027-01-01"}
    post_twice(client, url, data)
    assert enrolment.extensions.count() == 1
    enrolment.refresh_from_db()
    assert enrolment.planned_end() == date(2027, 10, 31)  # two months, not four


def test_the_same_absence_from_a_fresh_form_is_refused_with_ext1(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    data = {"reason": "sickness", "first_day": "2026-11-02", "last_day": "2027-01-01"}
    post_twice(client, url, data)
    again = client.post(url, {**data, "form_token": token_of(client, url)})
    assert again.status_code == 200
    assert "EXT-1" in again.text and "02/11/2026–01/01/2027" in again.text
    assert enrolment.extensions.count() == 1


def test_a_refused_post_keeps_the_form_usable(client, people, enrolment):
    client.force_login(people["pm"].user)
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    token = token_of(client, url)
    short = {"reason": "sickness", "first_day": "2026-11-02", "last_day": "2026-11-20"}
    assert client.post(url, {**short, "form_token": token}).status_code == 200
    fixed = {**short, "last_day": "2027-01-01", "form_token": token}
    assert client.post(url, fixed).status_code == 302
    assert enrolment.extensions.count() == 1
