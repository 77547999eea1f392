"""The move-on list (MOVE-ON) at scale (issue 17): it filters in SQL to the NQSWs the user
records move-on for, shows them 50 a page, and counts the missing destinations over all of
them without reading every row."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from academy.access import allowed
from cohorts import services as cohort_services
from cohorts.models import Enrolment, Extension
from learning import pathway_services as services
from tests import factories

TODAY = date(2027, 7, 1)  # month 11 of a September 2026 start: move-on is open
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def shown(response, enrolments):
    page = response.content.decode()
    return {e for e in enrolments if escape(e.person.full_name) in page}


def missing_alert(count):
    return f"{count} NQSW(s) in month 11 or later have no destination yet."


@pytest.mark.parametrize("who", ["gm", "other_gm", "admin", "superuser"])
def test_the_list_is_whom_the_user_records_move_on_for(client, people, enrolment, who, superuser):
    group = enrolment.practice_group
    # A team of the same service with another GM: the service's GMs record move-on for it.
    sibling = factories.PracticeGroupFactory(service=group.service)
    everyone = [
        enrolment,
        factories.EnrolmentFactory(practice_group=group),
        factories.EnrolmentFactory(practice_group=sibling),
        factories.EnrolmentFactory(practice_group=factories.PracticeGroupFactory()),
        factories.EnrolmentFactory(
            practice_group=group, status=Enrolment.Status.PASSED, end_date=date(2027, 6, 30)
        ),
        factories.TraineeEnrolmentFactory(practice_group=group),
        *Enrolment.objects.exclude(pk=enrolment.pk),
    ]
    user = superuser if who == "superuser" else people[who].user
    client.force_login(user)
    response = client.get(reverse("learning:move_on"))
    assert response.status_code == 200
    expected = {
        e
        for e in everyone
        if e.status in Enrolment.CURRENT_STATUSES
        and e.kind == Enrolment.Kind.ASYE
        and allowed(user, "learning.record_move_on", e)
    }
    assert expected  # each of them records move-on for someone here
    assert shown(response, everyone) == expected


def test_the_list_shows_fifty_a_page_and_counts_all_missing_destinations(client, people, enrolment):
    group = enrolment.practice_group
    enrolments = [enrolment, *factories.EnrolmentFactory.create_batch(55, practice_group=group)]
    client.force_login(people["gm"].user)

    first = client.get(reverse("learning:move_on"))
    second = client.get(reverse("learning:move_on"), {"page": 2})
    on_first, on_second = shown(first, enrolments), shown(second, enrolments)
    assert len(on_first) == 50 and len(on_second) == 6
    assert on_first | on_second == set(enrolments)
    # In name order across the pages.
    names = sorted(e.person.full_name for e in enrolments)
    assert {e.person.full_name for e in on_second} == set(names[50:])
    for number, response in enumerate((first, second), start=1):
        assert missing_alert(56) in response.content.decode()
        assert f"Page {number} of 2 (56 in all)" in response.content.decode()

    destination = factories.PracticeGroupFactory(service=group.service)
    services.record_move_on(enrolment=enrolment, destination=destination, by=people["gm"])
    assert missing_alert(55) in client.get(reverse("learning:move_on")).content.decode()


def test_the_other_gm_sees_no_missing_destinations_of_another_service(client, people, enrolment):
    client.force_login(people["other_gm"].user)
    page = client.get(reverse("learning:move_on")).content.decode()
    assert missing_alert(1) in page  # their own service's NQSW only
    assert escape(enrolment.person.full_name) not in page


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_queries_do_not_grow(
    client, people, enrolment, rows, django_assert_max_num_queries
):
    group = enrolment.practice_group
    destination = factories.PracticeGroupFactory(service=group.service)
    made = factories.EnrolmentFactory.create_batch(rows, practice_group=group)
    for i, e in enumerate(made):
        if i % 3 == 0:
            services.record_move_on(enrolment=e, destination=destination, by=people["gm"])
        elif i % 3 == 1:
            cohort_services.record_extension(
                enrolment=e,
                reason=Extension.Reason.SICKNESS,
                first_day=date(2026, 11, 2),
                last_day=date(2027, 1, 15),
                approved_by=people["pm"],
            )
    client.force_login(people["gm"].user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("learning:move_on"))
    assert response.status_code == 200


def test_the_count_is_the_list_of_missing_destinations(people, group):
    """Starts over two years, some extended, some with a destination: counted in SQL, the
    missing destinations are those whose month 11 (moved by extensions) has begun."""
    destination = factories.PracticeGroupFactory(service=group.service)
    for i in range(40):
        start = date(2025, 6, 2) + timedelta(days=17 * i)
        e = factories.EnrolmentFactory(practice_group=group, asye_start=start)
        if i % 4 == 1:
            first = start + timedelta(days=60)
            cohort_services.record_extension(
                enrolment=e,
                reason=Extension.Reason.MATERNITY,
                first_day=first,
                last_day=first + timedelta(days=40 + 9 * i),
                approved_by=people["pm"],
            )
        if i % 7 == 3 and services.move_on_opens(e) <= TODAY:
            services.record_move_on(enrolment=e, destination=destination, by=people["gm"])
    every = Enrolment.objects.all()
    for today in [TODAY - timedelta(days=400 - 31 * k) for k in range(20)]:
        # The rule itself, row by row, without the SQL narrowing.
        expected = [
            e
            for e in every.current().filter(kind=Enrolment.Kind.ASYE, move_on__isnull=True)
            if services.move_on_opens(e) <= today
        ]
        assert services.count_without_destination(every, today) == len(expected)
        assert set(services.without_destination(every, today)) == set(expected)


def test_the_home_link_opens_the_page_showing_the_nqsw(client, people, enrolment):
    group = enrolment.practice_group
    enrolments = [enrolment, *factories.EnrolmentFactory.create_batch(55, practice_group=group)]
    last = max(enrolments, key=lambda e: (e.person.full_name, e.pk))
    client.force_login(people["gm"].user)
    response = client.get(reverse("home"))
    # The home page names the first ten by name (issue 17), each linked to their row.
    shown = response.context["without_destination"][-1]
    link = f"{reverse('learning:move_on')}?nqsw={shown.pk}#dest-{shown.pk}"
    assert f'href="{link}"' in response.text
    # A link to the last by name (the move-on list's own "?nqsw=") opens its page.
    page = client.get(reverse("learning:move_on"), {"nqsw": last.pk}).content.decode()
    assert "Page 2 of 2" in page and f'id="dest-{last.pk}"' in page
    # An NQSW the user does not record move-on for, or nonsense: the first page.
    for other in [people["other_nqsw"].enrolments.get().pk, "x"]:
        page = client.get(reverse("learning:move_on"), {"nqsw": other}).content.decode()
        assert "Page 1 of 2" in page
