"""An NQSW's published MASH days are in their private calendar feed (supervision/feeds.py)."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from learning import services as mash
from supervision import services

pytestmark = pytest.mark.django_db


def mash_events(client, person):
    feed = services.live_feed(person) or services.regenerate_feed(person=person)
    response = client.get(reverse("supervision:feed", args=[feed.token]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "MASH day"]


def test_published_mash_days_are_in_the_nqsws_feed_only(client, people, enrolment):
    pm = people["pm"]
    rota = mash.propose_rota(
        practice_group=enrolment.practice_group, starts_on=date(2027, 1, 4), weeks=3, by=pm
    )
    assert mash_events(client, people["nqsw"]) == []  # a draft
    mash.publish_rota(rota=rota, by=pm)
    found = mash_events(client, people["nqsw"])
    assert sorted(e.decoded("DTSTART") for e in found) == sorted(
        rota.days.values_list("date", flat=True)
    )
    assert len(found) == 3
    assert mash_events(client, people["other_nqsw"]) == []
    assert mash_events(client, pm) == []
