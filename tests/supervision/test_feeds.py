"""Private iCalendar feeds: valid RFC 5545, the right people's dates, dead once revoked."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from supervision import services
from supervision.models import CalendarFeed
from tests import factories
from tests.supervision.conftest import one_to_one

pytestmark = pytest.mark.django_db


def fetch(client, person):
    feed = services.live_feed(person) or services.regenerate_feed(person=person)
    response = client.get(reverse("supervision:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return [c for c in calendar.walk("VEVENT")]


def test_an_nqsw_feed_is_valid_and_lists_their_planned_dates(client, people, enrolment):
    one_to_one(enrolment, date(2026, 9, 8))
    calendar = fetch(client, people["nqsw"])
    assert calendar["VERSION"] == "2.0"
    assert "ASYE Academy" in str(calendar["PRODID"])
    found = events(calendar)
    starts = [e.decoded("DTSTART") for e in found]
    assert starts[0] == date(2026, 9, 1)
    assert date(2026, 9, 15) in starts
    assert starts[-1] == date(2027, 8, 17)
    assert all(str(e["SUMMARY"]) == "Supervision due" for e in found)
    # Each event has what RFC 5545 requires, and a UID stable across fetches.
    for event in found:
        assert event["UID"] and event["DTSTAMP"]
    again = [str(e["UID"]) for e in events(fetch(client, people["nqsw"]))]
    assert again == [str(e["UID"]) for e in found]


def test_a_pm_feed_lists_their_nqsws_by_name(client, people, enrolment):
    colleague = factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    summaries = {str(e["SUMMARY"]) for e in events(fetch(client, people["pm"]))}
    assert summaries == {
        f"Supervision due: {enrolment.person.full_name}",
        f"Supervision due: {colleague.person.full_name}",
    }
    assert people["other_nqsw"].full_name not in str(summaries)


@pytest.mark.parametrize("who", ["gm", "assessor", "chair", "other_nqsw"])
def test_others_get_a_valid_calendar_without_this_nqsw(client, people, enrolment, who):
    calendar = fetch(client, people[who])
    assert enrolment.person.full_name not in calendar.to_ical().decode()


def test_a_revoked_or_replaced_token_gets_404(client, people):
    old = services.regenerate_feed(person=people["nqsw"])
    new = services.regenerate_feed(person=people["nqsw"])
    assert old.token != new.token
    assert client.get(reverse("supervision:feed", args=[old.token])).status_code == 404
    assert client.get(reverse("supervision:feed", args=[new.token])).status_code == 200
    services.revoke_feed(person=people["nqsw"])
    assert client.get(reverse("supervision:feed", args=[new.token])).status_code == 404
    assert CalendarFeed.objects.filter(person=people["nqsw"]).count() == 2


def test_one_live_feed_per_person(people):
    from django.db import IntegrityError, transaction

    services.regenerate_feed(person=people["pm"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(person=people["pm"])


def feed_status(client, feed):
    return client.get(reverse("supervision:feed", args=[feed.token])).status_code


def test_a_feed_stops_when_its_owner_is_deactivated(client, people):
    # Issue 15 item 8: a leaver's feed went on serving names.
    feed = services.regenerate_feed(person=people["pm"])
    assert feed_status(client, feed) == 200
    user = people["pm"].user
    user.is_active = False
    user.save()
    assert feed_status(client, feed) == 404
    user.is_active = True
    user.save()
    assert feed_status(client, feed) == 200


def test_a_password_change_revokes_the_owners_feeds(client, people):
    person = people["nqsw"]
    feed = services.regenerate_feed(person=person)
    assert feed_status(client, feed) == 200
    person.user.set_password("a-new-horse-battery-staple")
    person.user.save()
    assert feed_status(client, feed) == 404
    # The settings page no longer shows the dead URL; a new one works.
    assert services.live_feed(person) is None
    client.force_login(person.user)
    assert feed.token not in client.get(reverse("supervision:feed_settings")).text
    client.post(reverse("supervision:feed_settings"), {"action": "regenerate"})
    new = services.live_feed(person)
    assert new is not None and new.token != feed.token
    assert feed_status(client, new) == 200
    assert feed_status(client, feed) == 404


def test_a_feed_made_without_its_owners_fingerprint_serves_nothing(client, people):
    feed = CalendarFeed.objects.create(person=people["pm"])
    assert feed_status(client, feed) == 404


# --- Cost (issue 17) -------------------------------------------------------------------------


def feed_queries(client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feed = services.live_feed(person) or services.regenerate_feed(person=person)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("supervision:feed", args=[feed.token])).status_code == 200
    return len(captured)


def test_a_pm_feed_costs_the_same_with_ten_times_the_academy(client, people, enrolment):
    """The PM leads one group: NQSWs elsewhere, and more of them, change nothing."""
    pm = people["pm"]
    few = feed_queries(client, pm)
    for _ in range(10):
        factories.EnrolmentFactory()
    assert feed_queries(client, pm) == few
    # More NQSWs in the PM's own group: their dates, not more queries.
    for _ in range(3):
        factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    assert feed_queries(client, pm) == few


def test_an_nqsw_feed_costs_the_same_with_more_mash_days(client, people, enrolment):
    from learning import services as mash

    pm = people["pm"]
    short = mash.propose_rota(
        practice_group=enrolment.practice_group, starts_on=date(2027, 1, 4), weeks=2, by=pm
    )
    mash.publish_rota(rota=short, by=pm)
    few = feed_queries(client, people["nqsw"])
    longer = mash.propose_rota(
        practice_group=enrolment.practice_group, starts_on=date(2027, 2, 1), weeks=6, by=pm
    )
    mash.publish_rota(rota=longer, by=pm)
    assert enrolment.mash_days.count() > 2 * short.days.count()
    assert feed_queries(client, people["nqsw"]) == few


def test_a_pm_feed_reads_the_pms_groups_through_indexes(people, enrolment):
    """The OR of "own ASYE" and "in a group led" was across the join to the group, which
    made the database scan every enrolment of the academy for a PM's handful (issue 17)."""
    from django.db import connection

    from supervision.feeds import enrolments_in_feed

    found = enrolments_in_feed(people["pm"])
    assert list(found) == [enrolment]
    if connection.vendor == "sqlite":
        plan = found.explain()
        assert "SCAN cohorts_enrolment" not in plan, plan
