"""The request form's worker list (ALLOC-APPROVE): who it offers, that it accepts exactly
those, and that it costs the same for a team of 3 or a service of 30 (issue 17)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Person
from caseloads.models import Allocation
from cohorts.models import Cohort, Programme
from cohorts.services import record_extension
from tests import factories as base
from tests.caseloads import factories as f
from tests.clock import pin_today

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)
LAST_YEAR = date(2025, 9, 1)  # an ASYE of 12 months from here ended in August 2026
URL = "caseloads:request_allocation"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


def offered(client) -> dict[int, str]:
    """The worker choices on the page: enrolment pk to label."""
    page = client.get(reverse(URL)).content.decode()
    select = page[page.index('<select name="worker"') : page.index("</select>")]
    return {
        int(pk): label for pk, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)', select)
    }


def post(client, enrolment):
    return client.post(
        reverse(URL),
        {
            "worker": enrolment.pk,
            "role": "allocated",
            "case_reference": "CIN-77001",
            "case_type": "CIN",
            "children": 2,
            "service": enrolment.practice_group.service.pk,
            "start_date": TODAY.isoformat(),
            "reason": "Duty referral.",
        },
    )


@pytest.fixture
def team():
    """One academy team: NQSWs in and past their ASYE, an extended one, an ECDP, a trainee."""
    group = f.group("CAI")
    ecdp = Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)
    extended = f.nqsw(practice_group=group, start=LAST_YEAR)
    record_extension(
        enrolment=extended,
        reason="maternity",
        first_day=date(2026, 1, 5),
        last_day=date(2026, 6, 30),
        approved_by=group.practice_manager,
    )
    return {
        "group": group,
        "in_asye": f.nqsw(practice_group=group),
        "completed": f.nqsw(practice_group=group, start=LAST_YEAR),
        "extended": extended,
        "ecdp": f.nqsw(
            practice_group=group, start=LAST_YEAR, cohort=Cohort.for_start(LAST_YEAR, ecdp)
        ),
        "trainee": f.trainee(practice_group=group),
    }


@pytest.mark.parametrize("who", ["practice_manager", "group_manager"])
def test_the_form_offers_the_workers_before_or_in_their_programme(client, team, who):
    client.force_login(getattr(team["group"], who).user)
    choices = offered(client)
    expected = ["in_asye", "extended", "ecdp", "trainee"]
    assert set(choices) == {team[name].pk for name in expected}
    group = team["group"].name
    assert choices[team["trainee"].pk] == f"{team['trainee'].person.full_name} (trainee, {group})"
    assert choices[team["ecdp"].pk] == f"{team['ecdp'].person.full_name} (NQSW, {group})"
    # In name order, as before.
    by_name = sorted((team[name] for name in expected), key=lambda e: (e.person.full_name, e.pk))
    assert list(choices) == [enrolment.pk for enrolment in by_name]


def test_a_completed_asye_is_refused_as_it_is_not_offered(client, team):
    """A completed ASYE is an experienced worker's: asked for as that, not as an NQSW."""
    client.force_login(team["group"].practice_manager.user)
    response = post(client, team["completed"])
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Allocation.objects.exists()
    # One still in their programme (held back by an extension) goes through.
    assert post(client, team["extended"]).status_code == 302
    assert Allocation.objects.get().worker == team["extended"].person


def test_a_pm_with_nobody_to_ask_for_is_told_so(client):
    empty = f.group("CAI")
    client.force_login(empty.practice_manager.user)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    assert offered(client) == {}
    assert "You can see no current NQSW or trainee" in response.content.decode()


def test_other_teams_workers_are_neither_offered_nor_accepted(client, team):
    other = f.nqsw("CLA")
    client.force_login(team["group"].group_manager.user)
    assert other.pk not in offered(client)
    assert "Select a valid choice" in post(client, other).content.decode()
    assert not Allocation.objects.exists()


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(URL)).status_code == 200
    return len(captured)


def test_the_form_costs_the_same_for_ten_times_the_workers(client, django_assert_max_num_queries):
    """A GM's list is every worker of their groups (issue 17): read as plain values."""
    group = f.group("CAI")
    gm = group.group_manager

    def add(count):
        for n in range(count):
            enrolment = f.nqsw(practice_group=group, start=LAST_YEAR if n % 3 else TODAY)
            if n % 4 == 0:
                record_extension(
                    enrolment=enrolment,
                    reason="maternity",
                    first_day=date(2026, 1, 5) if n % 3 else date(2026, 12, 7),
                    last_day=date(2026, 6, 30) if n % 3 else date(2027, 5, 28),
                    approved_by=group.practice_manager,
                )
            f.trainee(practice_group=group)

    add(3)
    base.PersonFactory(role=Person.Role.SOCIAL_WORKER, practice_group=group)
    client.force_login(gm.user)
    few = count_queries(client)
    add(27)
    with django_assert_max_num_queries(15):
        client.get(reverse(URL))
    assert count_queries(client) == few
    assert len(offered(client)) > 30


@pytest.fixture
def long_list(monkeypatch):
    """A service with more workers than the drop-down shows: three is "long" here."""
    monkeypatch.setattr("caseloads.forms.LONG_WORKER_LIST", 3)


def test_a_long_list_finds_the_worker_by_name_or_staff_id_first(client, team, long_list):
    other = f.nqsw("CLA")
    client.force_login(team["group"].group_manager.user)
    response = client.get(reverse(URL))
    page = response.content.decode()
    assert response.templates[0].name == "caseloads/request_find.html"
    assert '<select name="worker"' not in page

    def found(query):
        response = client.get(reverse(URL), {"q": query})
        return [int(pk) for pk in re.findall(r'href="\?worker=(\d+)"', response.content.decode())]

    # Those the form offers and nobody else: not a completed ASYE, not another service's.
    surname = team["in_asye"].person.full_name.split()[-1]
    assert found(surname) == [team["in_asye"].pk]
    assert found(team["trainee"].person.staff_id) == [team["trainee"].pk]
    assert found(team["completed"].person.full_name) == []
    assert found(other.person.full_name) == []
    assert (
        "No current NQSW or trainee you can see matches"
        in client.get(reverse(URL), {"q": "nobody at all"}).content.decode()
    )


def test_a_long_list_shows_the_chosen_worker_and_accepts_only_its_own(client, team, long_list):
    client.force_login(team["group"].group_manager.user)
    response = client.get(reverse(URL), {"worker": team["extended"].pk})
    assert response.templates[0].name == "caseloads/request_form.html"
    page = response.content.decode()
    select = page[page.index('<select name="worker"') : page.index("</select>")]
    assert re.findall(r'<option value="(\d+)"', select) == [str(team["extended"].pk)]
    assert "Choose another worker" in page
    # Another service's worker given by hand is neither listed nor accepted.
    other = f.nqsw("CLA")
    listed = client.get(reverse(URL), {"worker": other.pk}).content.decode()
    assert f'<option value="{other.pk}"' not in listed
    assert "Select a valid choice" in post(client, other).content.decode()
    assert post(client, team["completed"]).status_code == 200
    assert not Allocation.objects.exists()
    # The chosen one is requested as on a short list.
    assert post(client, team["extended"]).status_code == 302
    assert Allocation.objects.get().worker == team["extended"].person


def test_a_short_list_is_still_one_drop_down(client, team):
    client.force_login(team["group"].practice_manager.user)
    response = client.get(reverse(URL), {"worker": team["in_asye"].pk})
    assert "Choose another worker" not in response.content.decode()
    assert len(offered(client)) == 4
