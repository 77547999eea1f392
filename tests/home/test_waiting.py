"""What waits on the PM and the assessor (issue 11): each home-page count links to the list it
counts, read from the apps' rule functions, for the right people only, in fixed queries."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from home import waiting
from tests import factories
from tests.assessment import factories as af
from tests.caseloads import factories as f

pytestmark = pytest.mark.django_db

# The 3-month review of an ASYE begun on 1 September 2026 is due on 1 December (REVIEWS):
# within 14 days of 20 November.
TODAY = date(2026, 11, 20)


def get(client, person, url):
    client.force_login(person.user)
    return client.get(url)


def counts_on_home(response) -> dict[str, int]:
    return {key: count for key, _title, count in response.context["waiting"]}


@pytest.fixture
def team(people, enrolment):
    """The NQSW with a CP case and no visit sign-off (VISIT-SIGNOFF) and two logs waiting,
    and a second NQSW in the team whose 3-month review is already signed off."""
    # An experienced co-worker on the CP case (SOLE-CP-CLA), no sign-off yet.
    case = f.CaseFactory(case_type="CP", children=1)
    f.allocate(f.staff(), start=date(2026, 10, 1), case=case)
    f.allocate(people["nqsw"], start=date(2026, 10, 1), role="coworker", case=case)
    af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 1))
    af.LogFactory(enrolment=enrolment, written_on=date(2026, 9, 21))
    second = factories.EnrolmentFactory(
        practice_group=enrolment.practice_group, assessor=enrolment.assessor
    )
    af.ReviewFactory(enrolment=second)
    return enrolment, second


@time_machine.travel(TODAY, tick=False)
def test_the_pm_counts_and_their_lists_agree(client, people, team):
    nqsw, second = team
    response = get(client, people["pm"], reverse("home"))
    counts = counts_on_home(response)
    assert counts == {
        waiting.REVIEWS_DUE: 1,  # the second NQSW's review is signed off
        waiting.OBSERVATIONS_DUE: 0,  # OBS-THREE is due by the final review
        waiting.VISIT_SIGNOFF: 1,
    }
    for key, count in counts.items():
        url = reverse("waiting", args=[key])
        assert f'href="{url}"' in response.text
        listed = get(client, people["pm"], url)
        assert listed.status_code == 200
        assert len(listed.context["items"]) == count
    reviews = get(client, people["pm"], reverse("waiting", args=[waiting.REVIEWS_DUE]))
    assert [i.enrolment for i in reviews.context["items"]] == [nqsw]
    assert "3-month review" in reviews.text and "to do by 1 Dec 2026" in reviews.text
    visits = get(client, people["pm"], reverse("waiting", args=[waiting.VISIT_SIGNOFF]))
    assert reverse("caseloads:worker", args=[nqsw.pk]) in visits.text


@time_machine.travel(TODAY, tick=False)
def test_the_assessor_sees_logs_oldest_first_and_what_is_due(client, people, team):
    nqsw, second = team
    response = get(client, people["assessor"], reverse("home"))
    counts = counts_on_home(response)
    assert counts[waiting.LOGS_AWAITING] == 2
    assert counts[waiting.OBSERVATIONS_NEEDED] == 2  # neither has three observations
    assert counts[waiting.REVIEWS_TO_DO] == 1
    assert counts[waiting.PANEL_SUBMISSIONS] == 0  # no panel set up
    logs = get(client, people["assessor"], reverse("waiting", args=[waiting.LOGS_AWAITING]))
    assert [i.days_waiting for i in logs.context["items"]] == [60, 50]
    assert "60 days" in logs.text and "LOGS" in logs.text
    observations = get(
        client, people["assessor"], reverse("waiting", args=[waiting.OBSERVATIONS_NEEDED])
    )
    assert {i.rule for i in observations.context["items"]} == {"OBS-THREE"}
    for key, count in counts.items():
        listed = get(client, people["assessor"], reverse("waiting", args=[key]))
        assert len(listed.context["items"]) == count


@time_machine.travel(TODAY, tick=False)
def test_another_assessor_and_pm_see_only_their_own_nqsw(client, people, team):
    nqsw, _second = team
    assert counts_on_home(get(client, people["other_assessor"], reverse("home"))) == {
        waiting.LOGS_AWAITING: 0,
        waiting.OBSERVATIONS_NEEDED: 1,
        waiting.REVIEWS_TO_DO: 1,
        waiting.PANEL_SUBMISSIONS: 0,
    }
    url = reverse("waiting", args=[waiting.REVIEWS_TO_DO])
    items = get(client, people["other_assessor"], url).context["items"]
    assert nqsw not in [item.enrolment for item in items]
    counts = counts_on_home(get(client, people["other_pm"], reverse("home")))
    assert counts[waiting.REVIEWS_DUE] == 1  # their own NQSW only
    assert counts[waiting.VISIT_SIGNOFF] == 0


@pytest.mark.parametrize("role", ["nqsw", "chair", "grade10", "admin"])
@time_machine.travel(TODAY, tick=False)
def test_people_with_no_such_list_get_404(client, people, team, role):
    for key in waiting.TITLES:
        assert get(client, people[role], reverse("waiting", args=[key])).status_code == 404
    assert "waiting" not in get(client, people[role], reverse("home")).context


@time_machine.travel(TODAY, tick=False)
def test_an_assessor_does_not_open_a_pms_list(client, people, team):
    url = reverse("waiting", args=[waiting.VISIT_SIGNOFF])
    assert get(client, people["assessor"], url).status_code == 404
    assert get(client, people["pm"], reverse("waiting", args=["no-such-list"])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_a_superuser_has_no_waiting_lists(client, superuser, team):
    client.force_login(superuser)
    assert "waiting" not in client.get(reverse("home")).context
    url = reverse("waiting", args=[waiting.REVIEWS_DUE])
    assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("waiting", args=[waiting.REVIEWS_DUE]))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["pm", "assessor"])
def test_the_home_page_queries_do_not_grow_with_the_rows(
    client, people, team, role, django_assert_max_num_queries
):
    """Ten times the NQSWs, logs and allocations, the same number of queries. Each count is
    of the steady state: the first view after writes rebuilds the summary rows they made
    stale (issue 17). On the real clock: the fixtures' dates need it, and a summary row
    tells a change from a later refresh by the time, which a travel back would confuse."""
    nqsw, _second = team
    client.force_login(people[role].user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("home"))
    for _ in range(10):
        extra = factories.EnrolmentFactory(
            practice_group=nqsw.practice_group, assessor=nqsw.assessor
        )
        f.allocate(extra.person, start=date(2026, 10, 1), children=1)
        af.LogFactory(enrolment=extra)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15) as large:
        client.get(reverse("home"))
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The navigation badge ---------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_badge_counts_the_assessors_logs_and_the_pms_requests(client, people, team):
    nqsw, _second = team
    f.request(people["nqsw"], start=TODAY, children=1)
    response = get(client, people["assessor"], reverse("home"))
    assert response.context["waiting_count"] == counts_on_home(response)[waiting.LOGS_AWAITING]
    assert 'id="waiting-badge">2<span class="visually-hidden"> waiting on you' in response.text
    response = get(client, people["pm"], reverse("home"))
    assert response.context["waiting_count"] == response.context["team_today"].waiting_requests
    assert response.context["waiting_count"] == 1
    # The badge follows the person to every page.
    page = get(client, people["pm"], reverse("caseloads:requests"))
    assert 'id="waiting-badge">1<' in page.text


@pytest.mark.parametrize("role", ["nqsw", "gm", "other_assessor", "chair"])
@time_machine.travel(TODAY, tick=False)
def test_no_badge_for_people_nothing_waits_on(client, people, team, role):
    response = get(client, people[role], reverse("home"))
    assert response.context["waiting_count"] == 0
    assert "waiting-badge" not in response.text


def test_no_badge_for_a_superuser(client, superuser, team):
    client.force_login(superuser)
    assert "waiting-badge" not in client.get(reverse("home")).text
