"""Who may see and plan the MASH rota, role by role, a real superuser included.

learning:mash_overview, learning:mash_plan, learning:mash_rota, learning:mash_change_day,
learning:mash_publish and learning:my_mash.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from learning import services
from learning.models import MashDay, MashRota
from tests import factories

SEASON = date(2027, 1, 4)
SEE = ["pm", "gm", "chair", "admin", "grade10"]
HIDDEN = ["nqsw", "assessor", "other_pm", "other_gm", "other_nqsw", "other_assessor"]
SEE_NOT_PLAN = ["gm", "chair", "grade10"]


@pytest.fixture
def rota(people, enrolment):
    # A second NQSW in the team, so the rota has two days a week.
    factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    return services.propose_rota(
        practice_group=enrolment.practice_group, starts_on=SEASON, weeks=2, by=people["pm"]
    )


def login(client, person):
    client.force_login(person.user)


def a_free_day(rota):
    taken = set(rota.days.values_list("date", flat=True))
    return next(
        SEASON + timedelta(days=n) for n in range(5) if SEASON + timedelta(days=n) not in taken
    )


def test_anonymous_is_sent_to_sign_in(client, rota):
    for url in (
        reverse("learning:mash_overview"),
        reverse("learning:my_mash"),
        reverse("learning:mash_plan", args=[rota.practice_group_id]),
        reverse("learning:mash_rota", args=[rota.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", SEE + ["assessor", "other_pm"])
def test_overview_for_staff(client, people, rota, who):
    login(client, people[who])
    response = client.get(reverse("learning:mash_overview"))
    assert response.status_code == 200
    shown = escape(rota.practice_group.name) in response.content.decode()
    assert shown == (who in SEE)


def test_overview_sends_an_nqsw_to_their_days(client, people):
    login(client, people["nqsw"])
    assert client.get(reverse("learning:mash_overview")).url == reverse("learning:my_mash")


@pytest.mark.parametrize("who", SEE + HIDDEN)
def test_plan_and_rota_pages_are_seen_by_whoever_sees_the_team(client, people, rota, who):
    login(client, people[who])
    expected = 200 if who in SEE else 404
    plan = reverse("learning:mash_plan", args=[rota.practice_group_id])
    assert client.get(plan).status_code == expected
    assert client.get(reverse("learning:mash_rota", args=[rota.pk])).status_code == expected


def test_the_pm_saves_a_proposal_as_a_draft(client, people, rota):
    login(client, people["pm"])
    url = reverse("learning:mash_plan", args=[rota.practice_group_id])
    response = client.get(url, {"starts_on": "2027-01-18", "weeks": "3"})
    assert response.status_code == 200 and people["nqsw"].full_name in response.content.decode()
    response = client.post(url, {"starts_on": "2027-01-18", "weeks": "3"})
    created = MashRota.objects.get(starts_on=date(2027, 1, 18))
    assert response.url == reverse("learning:mash_rota", args=[created.pk])
    assert created.days.count() == 2 * 3 and created.published_at is None
    # An overlapping period is refused with the rule.
    response = client.post(url, {"starts_on": "2027-01-25", "weeks": "1"})
    assert response.status_code == 200 and "MASH-ROTA" in response.content.decode()


@pytest.mark.parametrize("who", SEE_NOT_PLAN)
def test_others_who_see_the_team_may_not_plan(client, people, rota, who):
    login(client, people[who])
    url = reverse("learning:mash_plan", args=[rota.practice_group_id])
    assert client.post(url, {"starts_on": "2027-01-18", "weeks": "3"}).status_code == 403
    day = rota.days.first()
    change = reverse("learning:mash_change_day", args=[rota.pk, day.pk])
    assert client.get(change).status_code == 403
    assert client.post(change, {"date": "2027-01-05"}).status_code == 403
    assert client.post(reverse("learning:mash_publish", args=[rota.pk])).status_code == 403
    assert MashRota.objects.get().published_at is None


@pytest.mark.parametrize("who", HIDDEN)
def test_outsiders_get_404_on_writes(client, people, rota, who):
    login(client, people[who])
    day = rota.days.first()
    assert (
        client.post(
            reverse("learning:mash_change_day", args=[rota.pk, day.pk]), {"date": "2027-01-05"}
        ).status_code
        == 404
    )
    assert client.post(reverse("learning:mash_publish", args=[rota.pk])).status_code == 404
    url = reverse("learning:mash_plan", args=[rota.practice_group_id])
    assert client.post(url, {"starts_on": "2027-01-18", "weeks": "3"}).status_code == 404


def test_the_pm_changes_a_day_within_the_rules(client, people, rota):
    login(client, people["pm"])
    day = rota.days.order_by("date").first()
    url = reverse("learning:mash_change_day", args=[rota.pk, day.pk])
    assert client.get(url).status_code == 200
    # A Saturday, a day outside the rota and a day another NQSW of the team has are refused.
    for refused in ("2027-01-09", "2027-02-01"):
        response = client.post(url, {"date": refused})
        assert response.status_code == 200, refused
    other = rota.days.exclude(enrolment=day.enrolment).filter(date__lt=SEASON + timedelta(days=7))
    response = client.post(url, {"date": other.get().date.isoformat()})
    assert "MASH-ROTA" in response.content.decode()
    free = a_free_day(rota)
    response = client.post(url, {"date": free.isoformat()})
    assert response.url == reverse("learning:mash_rota", args=[rota.pk])
    assert MashDay.objects.get(pk=day.pk).date == free


def test_the_pm_publishes_and_the_nqsw_sees_their_days(client, people, rota):
    login(client, people["nqsw"])
    assert "No MASH days" in client.get(reverse("learning:my_mash")).content.decode()
    login(client, people["pm"])
    publish = reverse("learning:mash_publish", args=[rota.pk])
    assert client.get(publish).status_code == 405
    assert client.post(publish).url == reverse("learning:mash_rota", args=[rota.pk])
    rota.refresh_from_db()
    assert rota.published_by == people["pm"]
    login(client, people["nqsw"])
    page = client.get(reverse("learning:my_mash")).content.decode()
    mine = rota.days.filter(enrolment__person=people["nqsw"])
    assert mine.count() == 2
    for day in mine:
        assert f"{day.date:%A} {day.date.day} {day.date:%B %Y}" in page
    # Another NQSW does not see them.
    login(client, people["other_nqsw"])
    assert "No MASH days" in client.get(reverse("learning:my_mash")).content.decode()


def test_a_superuser_sees_everything_and_writes_only_with_a_staff_profile(
    client, superuser, people, rota
):
    client.force_login(superuser)
    for url in (
        reverse("learning:mash_overview"),
        reverse("learning:my_mash"),
        reverse("learning:mash_plan", args=[rota.practice_group_id]),
        reverse("learning:mash_rota", args=[rota.pk]),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("learning:mash_publish", args=[rota.pk]))
    rota.refresh_from_db()
    if hasattr(superuser, "person"):
        assert response.status_code == 302 and rota.published_by == superuser.person
    else:
        # Every record names a member of staff (academy.access.staff_member).
        assert response.status_code == 403 and rota.published_at is None


def test_the_menu_offers_mash_days_to_nqsws_but_not_to_trainees(people, enrolment):
    from learning.access import menu
    from tests import factories as base

    assert [item.label for item in menu(people["nqsw"].user)] == ["My learning", "My MASH days"]
    trainee = base.TraineeEnrolmentFactory(practice_group=enrolment.practice_group).person
    assert [item.label for item in menu(trainee.user)] == ["My learning"]
