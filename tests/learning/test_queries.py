"""The MASH pages' query counts do not grow with the number of NQSWs or days."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Person
from cohorts.services import record_extension
from learning import services, views
from tests import factories

SEASON = date(2027, 1, 4)


def build_team(nqsws):
    group = factories.PracticeGroupFactory()
    enrolments = [factories.EnrolmentFactory(practice_group=group) for _ in range(nqsws)]
    record_extension(
        enrolment=enrolments[0],
        reason="maternity",
        first_day=date(2027, 1, 11),
        last_day=date(2027, 7, 9),
        approved_by=group.practice_manager,
    )
    rota = services.propose_rota(
        practice_group=group, starts_on=SEASON, weeks=8, by=group.practice_manager
    )
    services.publish_rota(rota=rota, by=group.practice_manager)
    return group, rota, enrolments


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_plan_rota_overview_and_my_days_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    small_group, small_rota, small = build_team(2)
    large_group, large_rota, large = build_team(6)
    admin = factories.PersonFactory(role="admin")

    def counts(group, rota, enrolments):
        client.force_login(group.practice_manager.user)
        plan = queries(
            client,
            reverse("learning:mash_plan", args=[group.pk]),
            starts_on="2027-01-04",
            weeks="12",
        )
        shown = queries(client, reverse("learning:mash_rota", args=[rota.pk]))
        client.force_login(enrolments[-1].person.user)
        mine = queries(client, reverse("learning:my_mash"))
        return plan, shown, mine

    assert counts(small_group, small_rota, small) == counts(large_group, large_rota, large)
    client.force_login(admin.user)
    with django_assert_max_num_queries(15):
        client.get(reverse("learning:mash_overview"))
    client.force_login(large_group.practice_manager.user)
    with django_assert_max_num_queries(20):
        client.get(
            reverse("learning:mash_plan", args=[large_group.pk]),
            {"starts_on": "2027-01-04", "weeks": "12"},
        )


def test_the_mash_overview_shows_the_teams_a_page_at_a_time(db, client, monkeypatch):
    """The chair sees every team (issue 17): a page of them, with links to the rest."""
    monkeypatch.setattr(views, "MASH_TEAMS_PER_PAGE", 2)
    names = [factories.PracticeGroupFactory(name=f"Team {n}").name for n in "ABC"]
    chair = factories.PersonFactory(role=Person.Role.PRINCIPAL_SOCIAL_WORKER)
    client.force_login(chair.user)
    first = client.get(reverse("learning:mash_overview"))
    shown = [group.name for group, _ in first.context["rows"]]
    assert shown == names[:2]
    assert "Page 1 of 2 (3 in all)" in first.text
    second = client.get(reverse("learning:mash_overview"), {"page": 2})
    assert [group.name for group, _ in second.context["rows"]] == names[2:]
