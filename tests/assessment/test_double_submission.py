"""Each portfolio create form sent twice records one row (issue 15 item 4)."""

from django.urls import reverse

from assessment.models import DirectObservation, PracticeFeedback, ReflectionLog, WrittenWork
from tests.double_submit import post_twice


def test_an_observation_is_recorded_once(client, people, enrolment):
    client.force_login(people["assessor"].user)
    url = reverse("assessment:observation_new", args=[enrolment.pk])
    data = {
        "observed_on": "2026-10-05",
        "setting": "Child protection conference",
        "case_reference": "CP/2026/0042",
        "what_observed": "Presented the assessment.",
        "feedback": "Clear and balanced.",
    }
    post_twice(client, url, data)
    assert DirectObservation.objects.filter(enrolment=enrolment).count() == 1


def test_a_reflection_log_is_written_once(client, people, enrolment):
    client.force_login(people["nqsw"].user)
    url = reverse("assessment:log_new", args=[enrolment.pk])
    data = {
        "period": "log",
        "title": "My first strategy meeting",
        "written_on": "2026-10-10",
        "reflection": "What I learned.",
    }
    post_twice(client, url, data)
    assert ReflectionLog.objects.filter(enrolment=enrolment).count() == 1


def test_practice_feedback_is_recorded_once(client, people, enrolment):
    client.force_login(people["nqsw"].user)
    url = reverse("assessment:feedback_new", args=[enrolment.pk, "child"])
    data = {"received_on": "2026-10-11", "given_by_role": "young person", "feedback": "Kind."}
    post_twice(client, url, data)
    assert PracticeFeedback.objects.filter(enrolment=enrolment).count() == 1


def test_written_work_is_added_once(client, people, enrolment):
    client.force_login(people["nqsw"].user)
    url = reverse("assessment:written_work_new", args=[enrolment.pk])
    data = {
        "kind": "court",
        "title": "Statement for an ICO hearing",
        "completed_on": "2026-10-12",
        "summary": "The threshold and the plan.",
    }
    post_twice(client, url, data)
    assert WrittenWork.objects.filter(enrolment=enrolment).count() == 1
