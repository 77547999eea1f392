"""The navigation badge (issue 11) of a group manager and of the people nothing waits on:
the number is the length of the list on the page it links to, and costs one query at most
on any other page. The chair's, Professional Practice's and the NQSW's are in
tests/moderation/test_waiting_badge.py."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.access import person_of
from academy.models import Person
from cohorts.models import Enrolment
from home.waiting import waiting_count
from learning import pathway_services as learning
from learning.models import Attendance
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def get(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("home"))
    assert response.status_code == 200
    return response


def badge(response) -> int:
    """The number the navigation shows on Home (0 when there is no badge), with its
    accessible name."""
    found = re.search(
        r'id="waiting-badge">(\d+)<span class="visually-hidden"> waiting on you', response.text
    )
    return int(found[1]) if found else 0


@pytest.fixture
def absent(people, enrolment):
    """TRAINING-MANDATORY: the NQSW cancelled a pathway course and missed another; nobody has
    decided yet. A third NQSW in another service cancelled too."""
    ld = factories.PersonFactory(role=Person.Role.LD_OFFICER)
    places = []
    for day, status in ((3, Attendance.Status.CANCELLED), (10, Attendance.Status.DID_NOT_ATTEND)):
        course = learning.publish_course(
            kind="course",
            title=f"Course on the {day}th",
            held_on=date(2026, 11, day),
            places=10,
            cohort=enrolment.cohort,
            by=ld,
        )
        place = learning.book_place(course=course, enrolment=enrolment, by=ld)
        places.append(learning.record_attendance(attendance=place, status=status, by=ld))
    other = Enrolment.objects.get(person=people["other_nqsw"])
    place = learning.book_place(course=places[0].course, enrolment=other, by=ld)
    learning.record_attendance(attendance=place, status=Attendance.Status.CANCELLED, by=ld)
    return places


@time_machine.travel(TODAY, tick=False)
def test_the_gms_badge_is_the_absences_waiting_for_their_decision(client, people, absent):
    gm = people["gm"]
    home = get(client, gm.user)
    assert home.context["absences_waiting"] == home.context["waiting_count"] == badge(home) == 2
    assert f'href="{reverse("learning:pathway")}#absences-waiting"' in home.text
    # The page it links to lists the same two, and the badge there says so too (one query).
    pathway = get(client, gm.user, reverse("learning:pathway"))
    assert [place.pk for place in pathway.context["awaiting"]] == [p.pk for p in absent]
    assert badge(pathway) == 2
    # The PM's decision (even a refusal) leaves the GM's own to make...
    learning.decide_absence(
        attendance=absent[0],
        as_role="pm",
        authorised=False,
        note="No reason given",
        by=people["pm"],
    )
    assert badge(get(client, gm.user)) == 2
    # ...which takes it off the GM's list.
    learning.decide_absence(attendance=absent[0], as_role="gm", authorised=True, by=gm)
    pathway = get(client, gm.user, reverse("learning:pathway"))
    assert len(pathway.context["awaiting"]) == badge(pathway) == 1
    # The other service's GM decides only on their own NQSW.
    other = get(client, people["other_gm"].user, reverse("learning:pathway"))
    assert len(other.context["awaiting"]) == badge(other) == 1


@time_machine.travel(TODAY, tick=False)
def test_a_finished_asye_waits_on_nobody(client, people, enrolment, absent):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.PASSED, end_date=TODAY)
    pathway = get(client, people["gm"].user, reverse("learning:pathway"))
    assert pathway.context["awaiting"] == [] and badge(pathway) == 0
    assert "Nothing waits for your decision." in pathway.text


@pytest.mark.parametrize("role", ["nqsw", "grade10", "admin"])
@time_machine.travel(TODAY, tick=False)
def test_no_badge_for_people_nothing_waits_on(client, people, absent, role):
    for url in (reverse("home"), reverse("learning:pathway")):
        response = get(client, people[role].user, url)
        assert response.context["waiting_count"] == 0
        assert "waiting-badge" not in response.text
        assert "awaiting" not in response.context or response.context["awaiting"] is None


@time_machine.travel(TODAY, tick=False)
def test_no_badge_for_a_superuser(client, superuser, absent):
    for url in (reverse("home"), reverse("learning:pathway")):
        assert "waiting-badge" not in get(client, superuser, url).text


@pytest.mark.parametrize("role", ["gm", "pm", "assessor", "nqsw", "chair", "admin"])
@time_machine.travel(TODAY, tick=False)
def test_the_badge_costs_one_query_at_most(people, absent, role, django_assert_max_num_queries):
    user = people[role].user
    person = person_of(user)
    with django_assert_max_num_queries(1):
        waiting_count(user, person)


@time_machine.travel(TODAY, tick=False)
def test_the_gms_list_reads_a_fixed_number_of_queries(client, people, enrolment, absent):
    client.force_login(people["gm"].user)
    url = reverse("learning:pathway")
    client.get(url)  # the session's first request
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    ld = absent[0].course.published_by
    for _ in range(5):
        extra = factories.EnrolmentFactory(practice_group=enrolment.practice_group)
        place = learning.book_place(course=absent[0].course, enrolment=extra, by=ld)
        learning.record_attendance(attendance=place, status=Attendance.Status.CANCELLED, by=ld)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["awaiting"]) == badge(response) == 7
    assert len(large.captured_queries) == len(small.captured_queries)
