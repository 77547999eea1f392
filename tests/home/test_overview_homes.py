"""The group manager's home (the PM's view by team) and the chair's and Professional
Practice's home (the next panel, cohorts at a glance), issue 11."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from home import waiting
from moderation import services as moderation
from tests import factories
from tests.caseloads import factories as f
from tests.moderation.conftest import finished_start, make_panel

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def home(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.fixture
def second_team(people, group):
    """Another CA&I team in the GM's service, with its own PM and an NQSW over the cap."""
    team = factories.PracticeGroupFactory(
        name="Bognor CA&I", service=group.service, group_manager=people["gm"]
    )
    nqsw = factories.EnrolmentFactory(practice_group=team)
    f.allocate(nqsw.person, start=date(2026, 10, 1), children=10)
    f.request(nqsw.person, start=TODAY, children=1)
    return team


@time_machine.travel(TODAY, tick=False)
def test_the_group_manager_sees_each_team_of_the_service(client, people, group, second_team):
    response = home(client, people["gm"])
    rows = {team.name: (counts, lists) for team, counts, lists in response.context["by_team"]}
    assert set(rows) == {"Bognor CA&I", "Worthing CA&I"}
    bognor, _ = rows["Bognor CA&I"]
    assert (bognor.waiting_requests, bognor.at_cap) == (1, 1)
    worthing, worthing_lists = rows["Worthing CA&I"]
    assert worthing.at_cap == 0
    # The 3-month review due on 1 December (REVIEWS) waits in both teams.
    reviews = list(waiting.PM_LISTS).index(waiting.REVIEWS_DUE)
    assert worthing_lists[reviews] == 1 and rows["Bognor CA&I"][1][reviews] == 1
    assert "Your service, team by team" in response.text
    listed = client.get(reverse("waiting", args=[waiting.REVIEWS_DUE]))
    assert len(listed.context["items"]) == 2


@time_machine.travel(TODAY, tick=False)
def test_another_services_group_manager_sees_none_of_it(client, people, second_team):
    rows = home(client, people["other_gm"]).context["by_team"]
    assert [team.name for team, _counts, _lists in rows] == ["Crawley CLA"]


@pytest.mark.parametrize("role", ["pm", "assessor", "nqsw"])
@time_machine.travel(TODAY, tick=False)
def test_only_a_group_manager_sees_the_teams(client, people, second_team, role):
    response = home(client, people[role])
    assert "by_team" not in response.context
    assert "Your service, team by team" not in response.text


def test_the_chair_sees_the_next_panel(client, people):
    chair = people["chair"]
    panel = make_panel({**people, **extra_seats()})
    due = factories.EnrolmentFactory(asye_start=finished_start())
    moderation.enter_for_panel(panel=panel, enrolments=[due], by=chair)
    summary = home(client, chair).context["panel"]
    assert summary.panel == panel
    assert (summary.submitted, summary.late, summary.not_yet_in) == (0, 0, 1)
    assert (summary.forms_complete, summary.concerns) == (0, 0)
    with time_machine.travel(panel.submissions_due_on + timedelta(days=1), tick=False):
        summary = home(client, chair).context["panel"]
    assert (summary.submitted, summary.late, summary.not_yet_in) == (0, 1, 0)
    assert "Next moderation panel" in home(client, chair).text


def extra_seats():
    from academy.models import Person

    return {
        "deputy": factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD),
        "ld": factories.PersonFactory(role=Person.Role.LD_OFFICER),
        "sdl_adults": factories.PersonFactory(role=Person.Role.ADULT_SERVICES_LEAD),
    }


def test_no_panel_planned(client, people):
    response = home(client, people["chair"])
    assert response.context["panel"] is None
    assert "No panel is planned." in response.text


def test_cohorts_at_a_glance_on_track_then_at_risk(client, people, enrolment):
    with time_machine.travel(date(2026, 9, 2), tick=False):
        glance = home(client, people["chair"]).context["glance"]
    assert [(g.cohort, g.on_track, g.at_risk) for g in glance] == [(enrolment.cohort, 2, 0)]
    with time_machine.travel(date(2027, 1, 15), tick=False):
        glance = home(client, people["chair"]).context["glance"]
    assert [(g.on_track, g.at_risk) for g in glance] == [(0, 2)]  # 3-month reviews overdue


@pytest.mark.parametrize("role", ["pm", "gm", "assessor", "nqsw"])
def test_others_do_not_see_the_panel_or_the_glance(client, people, role):
    response = home(client, people[role])
    assert "glance" not in response.context
    assert "Next moderation panel" not in response.text


def test_a_superuser_sees_the_cohorts_at_a_glance(client, superuser, enrolment):
    client.force_login(superuser)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Cohorts at a glance" in response.text


def assert_counts_are_the_lists(client, gm) -> dict:
    """The GM's counts (read from the stored rows, issue 17) against the lists their links
    open (evaluated worker by worker): team by team, and across the service."""
    from home.team_today import team_enrolments

    response = home(client, gm)
    team = team_enrolments(gm.user)
    lists = waiting.waiting_lists(team, TODAY, waiting.PM_LISTS)
    by_name = {}
    for group, counts, found in response.context["by_team"]:
        expected = [
            sum(1 for item in lists[key] if item.enrolment.practice_group_id == group.pk)
            for key in waiting.PM_LISTS
        ]
        assert found == expected, group.name
        by_name[group.name] = (counts, dict(zip(waiting.PM_LISTS, found, strict=True)))
    totals = {key: count for key, _title, count in response.context["waiting"]}
    assert totals == {key: len(items) for key, items in lists.items()}
    for key, count in totals.items():
        page = client.get(reverse("waiting", args=[key]))
        assert len(page.context["items"]) == count, key
    return by_name


@time_machine.travel(TODAY, tick=True)
def test_the_group_managers_counts_follow_the_changes_and_match_their_lists(
    client, people, group, enrolment, second_team
):
    from supervision import services as supervision
    from tests.assessment import factories as af
    from tests.supervision.conftest import CONTENT

    # VISIT-SIGNOFF: a CP case with a co-worker and no sign-off, in Worthing.
    case = f.CaseFactory(case_type="CP", children=1)
    f.allocate(f.staff(), start=date(2026, 10, 1), case=case)
    f.allocate(enrolment.person, start=date(2026, 10, 1), role="coworker", case=case)
    before = assert_counts_are_the_lists(client, people["gm"])
    worthing, worthing_lists = before["Worthing CA&I"]
    assert worthing_lists[waiting.VISIT_SIGNOFF] == 1
    assert worthing_lists[waiting.REVIEWS_DUE] == 1
    assert worthing.supervision_overdue == 1

    # The 3-month review is signed off and a 1:1 is held: both counts go down at once.
    af.ReviewFactory(enrolment=enrolment, held_on=TODAY)
    supervision.record_one_to_one(
        enrolment=enrolment,
        recorded_by=group.practice_manager,
        held_on=TODAY,
        start_time=time(10, 0),
        today=TODAY,
        **CONTENT,
    )
    after = assert_counts_are_the_lists(client, people["gm"])
    worthing, worthing_lists = after["Worthing CA&I"]
    assert worthing_lists[waiting.REVIEWS_DUE] == 0
    assert worthing.supervision_overdue == 0
    assert after["Bognor CA&I"] == before["Bognor CA&I"]


@time_machine.travel(TODAY, tick=False)
def test_the_busiest_teams_come_first_and_the_table_stops_at_ten(client, people, group):
    """A national service has hundreds of teams: the home page shows the ten with the most
    waiting (issue 17) and says how many more there are and where they are."""
    quiet = [
        factories.PracticeGroupFactory(
            name=f"Quiet team {i:02}", service=group.service, group_manager=people["gm"]
        )
        for i in range(11)
    ]
    for team in quiet:
        factories.EnrolmentFactory(practice_group=team)
    busy = factories.PracticeGroupFactory(
        name="Zennor CA&I", service=group.service, group_manager=people["gm"]
    )
    nqsw = factories.EnrolmentFactory(practice_group=busy)
    f.allocate(nqsw.person, start=date(2026, 10, 1), children=10)
    f.request(nqsw.person, start=TODAY, children=1)
    response = home(client, people["gm"])
    rows = response.context["by_team"]
    assert len(rows) == 10 and rows[0][0] == busy  # last by name, first by what waits
    assert response.context["teams"] == 13  # the fixture's team, the busy one, eleven quiet
    assert "3 more teams" in response.text
    assert "the 10 teams with the most waiting, of 13" in response.text
