"""The PSW overview's query count does not grow with the rows (issue 13)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from academy.models import Person
from aswp import services
from tests import factories
from tests.aswp.conftest import complete_steps, in_assessment, open_round, submitted
from tests.caseloads import factories as f


def fill(cast, today, n):
    round_ = open_round(cast, today, name=f"Round {n}")
    for i in range(n):
        group = factories.PracticeGroupFactory()
        applicant = factories.PersonFactory(role=Person.Role.SOCIAL_WORKER, practice_group=group)
        if i % 2:
            submitted(round_, applicant, group.practice_manager, today)
        else:
            application = in_assessment(
                round_, applicant, group.practice_manager, today, starts_on=today
            )
            complete_steps(application, cast["panel"], today)
        aswp = factories.PersonFactory(role=Person.Role.ASWP, service=factories.service("CAI"))
        services.name_supervisor(aswp=aswp, supervisor=cast["gm"], from_date=today, by=cast["psw"])
        f.allocate(aswp, start=today - timedelta(days=1))
        services.record_consultation(
            aswp=aswp, held_on=today, colleague=cast["nqsw"], case_reference="CP-1"
        )


@pytest.mark.parametrize("rows", [1, 10])
def test_overview_queries_are_constant(client, cast, today, rows, django_assert_max_num_queries):
    services.set_places(places=30, effective_from=today - timedelta(days=30), by=cast["psw"])
    fill(cast, today, rows)
    client.force_login(cast["psw"].user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("aswp:overview"))
    assert response.status_code == 200
    assert response.content.decode().count(" of 13<") == rows + 1


@pytest.mark.parametrize("rows", [1, 10])
def test_round_and_mine_queries_are_constant(
    client, cast, today, rows, django_assert_max_num_queries
):
    round_ = open_round(cast, today, name="Listed")
    for _ in range(rows):
        applicant = factories.PersonFactory(
            role=Person.Role.SOCIAL_WORKER, practice_group=cast["applicant"].practice_group
        )
        submitted(round_, applicant, cast["pm"], today)
    client.force_login(cast["psw"].user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aswp:round", args=[round_.pk])).status_code == 200
    client.force_login(cast["pm"].user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("aswp:mine"))
    assert (
        response.content.decode().count("Waiting for")
        + response.content.decode().count("Ready for assessment")
        == rows
    )
