"""SUP-CONTENT's training-to-practice link: a supervision names the pathway course it
discusses, through the PM's form, and the session page shows it."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from academy.models import Person
from learning import pathway_services as services
from supervision.models import Session
from tests import factories
from tests.supervision.conftest import CONTENT


@pytest.fixture
def course(enrolment):
    return services.publish_course(
        kind="course",
        title="Signs of Safety",
        held_on=date(2026, 10, 5),
        places=10,
        cohort=enrolment.cohort,
        by=factories.PersonFactory(role=Person.Role.LD_OFFICER),
    )


@time_machine.travel(date(2026, 10, 12), tick=False)
def test_the_pm_links_the_course_a_supervision_discusses(client, people, enrolment, course):
    client.force_login(people["pm"].user)
    url = reverse("supervision:record_session", args=[enrolment.pk])
    assert "Signs of Safety" in client.get(url).text
    response = client.post(
        url,
        {
            **CONTENT,
            "appreciative_inquiry": "on",
            "kind": "one_to_one",
            "held_on": "2026-10-12",
            "start_time": "10:00",
            "course": course.pk,
        },
    )
    assert response.status_code == 302, response.content
    session = Session.objects.get()
    assert session.course == course
    client.force_login(people["pm"].user)
    detail = client.get(reverse("supervision:session_detail", args=[session.pk]))
    assert "Pathway course discussed" in detail.text and "Signs of Safety" in detail.text
