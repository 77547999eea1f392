"""Lists compute schedules from prefetched rows: the query count does not grow with data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.services import record_extension
from supervision import services
from supervision.services import send_reminders
from tests import factories
from tests.supervision.conftest import group_session, one_to_one

pytestmark = pytest.mark.django_db

START = date(2026, 9, 1)


def build_group(nqsws: int, one_to_ones_each: int):
    group = factories.PracticeGroupFactory()
    enrolments = [factories.EnrolmentFactory(practice_group=group) for _ in range(nqsws)]
    # One extension and one support record, so those prefetches are exercised too.
    record_extension(
        enrolment=enrolments[0],
        reason="maternity",
        first_day=date(2026, 12, 1),
        last_day=date(2027, 3, 31),
        approved_by=group.practice_manager,
    )
    services.record_support(
        enrolment=enrolments[1],
        recorded_by=group.practice_manager,
        reason="Needs more support.",
        from_date=date(2027, 5, 1),
    )
    group_session(group, START + timedelta(days=2), [(e, True) for e in enrolments])
    for enrolment in enrolments:
        for n in range(one_to_ones_each):
            one_to_one(enrolment, START + timedelta(days=7 + 13 * n))
    return group, enrolments


def count_queries(client, url, **params):
    """The steady state: the first view after the writes rebuilds the overview's stored rows
    they made stale (supervision.summaries), in a fixed number of queries of its own."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    ["supervision:overview", "supervision:overview_csv"],
)
def test_overdue_list_costs_the_same_with_ten_times_the_sessions(
    client, url_name, django_assert_max_num_queries
):
    group, _ = build_group(10, 2)
    client.force_login(group.practice_manager.user)
    url = reverse(url_name)
    few = count_queries(client, url)

    # Ten times the sessions, and more NQSWs in the same group.
    for enrolment in group.enrolments.all():
        for n in range(2, 20):
            one_to_one(enrolment, START + timedelta(days=7 + 13 * n))
    for _ in range(5):
        factories.EnrolmentFactory(practice_group=group)
    many = count_queries(client, url)
    assert many == few
    with django_assert_max_num_queries(20):
        client.get(url, {"status": "overdue", "practice_group": group.pk})


def test_feed_and_record_page_cost_the_same_with_ten_times_the_sessions(client):
    group, enrolments = build_group(5, 2)
    feed = services.regenerate_feed(person=group.practice_manager)
    feed_url = reverse("supervision:feed", args=[feed.token])
    client.force_login(group.practice_manager.user)
    record_url = reverse("supervision:record", args=[enrolments[0].pk])
    few = (count_queries(client, feed_url), count_queries(client, record_url))
    for enrolment in enrolments:
        for n in range(2, 20):
            one_to_one(enrolment, START + timedelta(days=7 + 13 * n))
    assert (count_queries(client, feed_url), count_queries(client, record_url)) == few


def test_reminders_read_everything_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    build_group(10, 1)
    with CaptureQueriesContext(connection) as few:
        send_reminders(today=date(2026, 9, 20))
    # Per recipient: a savepoint, the log row, its release. The reads stay fixed.
    reads = [q for q in few.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) <= 6
