"""Query-count guards: the pathway, course, cancellations, concerns and move-on pages read a
fixed number of queries however many rows there are."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from academy.models import Person
from learning import pathway_services as services
from learning.models import Attendance
from tests import factories

TODAY = date(2027, 7, 1)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def sdl(db):
    return factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD)


def fill(group, ld, sdl, n):
    """n NQSWs in the team, each cancelling three courses, with a concern and a decision."""
    enrolments = [factories.EnrolmentFactory(practice_group=group) for _ in range(n)]
    cohort = enrolments[0].cohort
    courses = [
        services.publish_course(
            kind="course",
            title=f"Course {i}",
            held_on=date(2027, 3, 1 + i),
            places=100,
            cohort=cohort,
            by=ld,
        )  # fmt: skip
        for i in range(3)
    ]
    for enrolment in enrolments:
        for course in courses:
            place = services.book_place(course=course, enrolment=enrolment, by=ld)
            place = services.record_attendance(
                attendance=place, status=Attendance.Status.CANCELLED, by=ld
            )
            services.decide_absence(
                attendance=place, as_role="gm", authorised=True, by=group.group_manager
            )
        concern = services.raise_concern(
            enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 5, 1),
            by=enrolment.assessor,
        )  # fmt: skip
        services.review_concern(concern=concern, support="z", by=sdl)
    return courses


@pytest.mark.parametrize("n", [2, 8])
def test_pages_read_a_fixed_number_of_queries(
    client, group, ld, sdl, clock, n, django_assert_max_num_queries
):
    courses = fill(group, ld, sdl, n)
    factories.PracticeGroupFactory(service=group.service)  # a destination
    pages = [
        (ld, reverse("learning:pathway"), 12),
        (group.practice_manager, reverse("learning:course", args=[courses[0].pk]), 16),
        (group.group_manager, reverse("learning:course", args=[courses[0].pk]), 16),
        (sdl, reverse("learning:cancellations"), 10),
        (sdl, reverse("learning:concerns"), 10),
        (group.group_manager, reverse("learning:concerns"), 10),
        (group.group_manager, reverse("learning:move_on"), 14),
    ]
    for who, url, most in pages:
        client.force_login(who.user)
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
