"""The learning record page's query count does not grow with the number of records."""

from datetime import date, time
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from learning.models import LearningOpportunity, LearningTimeKind, Workshop, WorkshopTheme
from supervision import services as supervision
from tests import factories

TODAY = date(2027, 3, 1)


def build(records: int):
    enrolment = factories.EnrolmentFactory()
    pm = enrolment.practice_group.practice_manager
    for theme in WorkshopTheme.objects.all()[: min(records, 3)]:
        workshop, _ = Workshop.objects.get_or_create(
            theme=theme, cohort=enrolment.cohort, defaults={"held_on": date(2026, 10, 7)}
        )
        services.record_workshop_attendance(
            enrolment=enrolment, workshop=workshop, attended=True, by=pm
        )
    for opportunity in LearningOpportunity.objects.all()[:records]:
        services.record_opportunity_done(
            enrolment=enrolment,
            opportunity=opportunity,
            on=date(2026, 10, 1),
            evidence="note",
            note="Done",
            by=enrolment.person,
        )
    for n in range(records):
        asked = services.request_study_days(
            enrolment=enrolment,
            first_day=date(2026, 10, 5 + n),
            days=Decimal("0.5"),
            reason="Study",
            by=enrolment.person,
        )
        services.decide_study_days(request=asked, agree=True, by=pm)
        services.record_learning_time(
            enrolment=enrolment,
            kind=LearningTimeKind.objects.get(code="training"),
            on=date(2026, 10, 5 + n),
            hours=None,
            what="Course",
            by=enrolment.person,
        )
        supervision.record_group_session(
            group=enrolment.practice_group,
            recorded_by=pm,
            attendance=[(enrolment, True)],
            held_on=date(2026, 9, 7 + n),
            start_time=time(10),
            reflection="R",
            training_to_practice="T",
            today=TODAY,
        )
    return enrolment


def count(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_record_page_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with time_machine.travel(TODAY):
        small, large = build(1), build(6)
        pm_small = small.practice_group.practice_manager.user
        pm_large = large.practice_group.practice_manager.user
        url = lambda e: reverse("learning:record", args=[e.pk])  # noqa: E731
        assert count(client, pm_small, url(small)) == count(client, pm_large, url(large))
        client.force_login(large.person.user)
        with django_assert_max_num_queries(30):
            client.get(url(large))
