"""The MASH rota's writes keep MASH-ROTA: whole weeks from a Monday, no overlap, a change
within the rules and the capacity in force (data, seeded at 1 per team)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning import services
from learning.models import MashRota, MashSlotSetting
from tests.learning.conftest import team_of

pytestmark = pytest.mark.django_db

SEASON = date(2027, 1, 4)


def test_the_capacity_is_seeded_as_one_per_team():
    assert MashSlotSetting.capacity_on(SEASON) == 1
    assert MashSlotSetting.objects.get().capacity_per_team == 1


def test_a_rota_starts_on_a_monday():
    group = team_of(1)[0].practice_group
    with pytest.raises(ValidationError, match="Monday"):
        services.propose_rota(
            practice_group=group, starts_on=date(2027, 1, 5), weeks=2, by=group.practice_manager
        )
    assert not MashRota.objects.exists()


def test_a_larger_capacity_lets_the_pm_put_two_on_one_day():
    members = team_of(2)
    group = members[0].practice_group
    pm = group.practice_manager
    rota = services.propose_rota(practice_group=group, starts_on=SEASON, weeks=1, by=pm)
    first, second = rota.days.order_by("date")
    with pytest.raises(ValidationError, match="MASH-ROTA"):
        services.move_day(day=second, to=first.date, by=pm)
    MashSlotSetting.objects.create(effective_from=date(2027, 1, 1), capacity_per_team=2)
    services.move_day(day=second, to=first.date, by=pm)
    assert rota.days.filter(date=first.date).count() == 2
    assert second.history.count() == 2  # created, then moved


def test_the_plan_form_refuses_a_period_not_from_a_monday(client):
    group = team_of(1)[0].practice_group
    client.force_login(group.practice_manager.user)
    url = reverse("learning:mash_plan", args=[group.pk])
    response = client.post(url, {"starts_on": "2027-01-06", "weeks": "2"})
    assert response.status_code == 200 and "Monday" in response.content.decode()
    response = client.post(url, {"starts_on": "2027-01-04", "weeks": "53"})
    assert response.status_code == 200 and not MashRota.objects.exists()


def test_the_menu_offers_each_role_its_entry(client, people):
    client.force_login(people["nqsw"].user)
    assert reverse("learning:my_mash") in client.get(reverse("home")).content.decode()
    client.force_login(people["pm"].user)
    assert reverse("learning:mash_overview") in client.get(reverse("home")).content.decode()
    client.force_login(people["assessor"].user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("learning:mash_overview") not in page


def test_the_nqsws_home_page_lists_their_next_published_mash_days(client, people, enrolment):
    import time_machine

    pm = people["pm"]
    rota = services.propose_rota(
        practice_group=enrolment.practice_group, starts_on=SEASON, weeks=2, by=pm
    )
    services.publish_rota(rota=rota, by=pm)
    with time_machine.travel(date(2027, 1, 1)):
        client.force_login(people["nqsw"].user)
        page = client.get(reverse("home")).content.decode()
    assert "Your next MASH days" in page
    for day in rota.days.all():
        assert f"{day.date:%A} {day.date.day} {day.date:%B %Y}" in page
