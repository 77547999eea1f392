"""The academy PM's home, "Who needs you today?" (issue 11): each count agrees with the
list it links to, in a fixed number of queries."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from caseloads.models import CapRule
from tests import factories
from tests.caseloads import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)
OCTOBER = date(2026, 10, 1)


def home(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def lowered_cap():
    """CAI NQSWs in months 1-4 may hold 2 children from 1 November (CAP-MAX)."""
    CapRule.objects.create(
        applies_to="nqsw",
        service=factories.service("CAI"),
        month_from=1,
        month_to=4,
        minimum=0,
        maximum=2,
        unit="children",
        source="Lowered for a test.",
        effective_from=date(2026, 11, 1),
    )


@pytest.fixture
def team(people, enrolment):
    """In the PM's teams: the NQSW over the cap with a request waiting, a second at the
    cap, a CLA NQSW under the minimum, and one whose ASYE starts in three days."""
    group = enrolment.practice_group
    pm = people["pm"]
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    f.request(people["nqsw"], start=TODAY, children=1)
    at_cap = factories.EnrolmentFactory(practice_group=group)
    f.allocate(at_cap.person, start=OCTOBER, children=2)
    cla = factories.PracticeGroupFactory(service=factories.service("CLA"), practice_manager=pm)
    factories.EnrolmentFactory(practice_group=cla, person__service=cla.service)
    factories.EnrolmentFactory(practice_group=group, asye_start=TODAY + timedelta(days=3))
    lowered_cap()
    return group


@time_machine.travel(TODAY, tick=False)
def test_the_pm_sees_each_count_and_its_list_agrees(client, people, team):
    response = home(client, people["pm"])
    counts = response.context["team_today"]
    assert counts.waiting_requests == 1
    assert (counts.over_cap, counts.at_cap, counts.under_minimum) == (1, 1, 1)
    assert counts.with_warnings >= 1
    assert counts.supervision_overdue == 3  # no supervision since 1 September
    assert counts.supervision_due_soon == 1  # the first is due on the start, in 3 days
    page = response.text
    assert "Who needs you today?" in page
    assert "1 worker over the cap" in page and "1 worker at the cap" in page
    assert "3 NQSWs overdue for supervision" in page
    # Each count is the length of the list it links to.
    board = reverse("caseloads:board")
    overview = reverse("supervision:overview")
    for url, count in [
        (f"{board}?attention=over_cap", counts.over_cap),
        (f"{board}?attention=at_cap", counts.at_cap),
        (f"{board}?attention=under_minimum", counts.under_minimum),
        (f"{board}?attention=warnings", counts.with_warnings),
    ]:
        assert f'href="{url}"' in page.replace("&amp;", "&")
        rows = client.get(url).context["rows"]
        assert len(rows) == count, url
    for status, count in [
        ("overdue", counts.supervision_overdue),
        ("due_soon", counts.supervision_due_soon),
    ]:
        url = f"{overview}?status={status}"
        assert f'href="{url}"' in page
        assert len(client.get(url).context["rows"]) == count, url
    assert reverse("caseloads:requests") in page


@time_machine.travel(TODAY, tick=False)
def test_the_panel_counts_only_the_pms_own_teams(client, people, team):
    counts = home(client, people["other_pm"]).context["team_today"]
    assert counts.waiting_requests == 0
    assert (counts.over_cap, counts.at_cap) == (0, 0)
    assert counts.supervision_overdue == 1  # the other NQSW only


@pytest.mark.parametrize("role", ["assessor", "gm", "nqsw", "chair", "grade10"])
@time_machine.travel(TODAY, tick=False)
def test_people_who_lead_no_group_see_no_panel(client, people, team, role):
    response = home(client, people[role])
    assert "team_today" not in response.context
    assert "Who needs you today?" not in response.text


@time_machine.travel(TODAY, tick=False)
def test_a_superuser_sees_the_cohorts_not_the_panel(client, team):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Who needs you today?" not in response.text


def test_the_panel_runs_a_fixed_number_of_queries(
    ticking_clock, client, people, team, django_assert_max_num_queries
):
    """Ten times the NQSWs and allocations, the same number of queries."""
    client.force_login(people["pm"].user)
    # Each count is of the steady state: the first view after writes rebuilds the summary
    # rows they made stale (issue 17: a one-off per change).
    client.get(reverse("home"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("home"))
    for _ in range(10):
        extra = factories.EnrolmentFactory(practice_group=team)
        f.allocate(extra.person, start=OCTOBER, children=1)
        f.request(extra.person, start=TODAY, children=1)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15) as large:
        response = client.get(reverse("home"))
    assert response.context["team_today"].supervision_overdue == 13
    assert len(large.captured_queries) == len(small.captured_queries)
