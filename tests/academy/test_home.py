"""The per-role home pages: real people and dates, in a fixed number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from academy.models import Person
from cohorts.services import record_extension
from tests import factories

pytestmark = pytest.mark.django_db

# Fixed, but above the 15: the portfolio facts alone take 14 queries, the session 5.
NQSW_HOME_QUERIES = 35


def home(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def test_pm_sees_the_enrolments_in_their_groups_with_month_and_start(client, people, enrolment):
    page = home(client, people["pm"])
    assert enrolment.person.full_name in page
    assert people["other_nqsw"].full_name not in page
    assert "1 Sep 2026" in page
    assert "Month " in page or "Not started" in page or "Completed" in page


def test_gm_sees_their_service(client, people, enrolment):
    page = home(client, people["gm"])
    assert enrolment.person.full_name in page
    assert people["other_nqsw"].full_name not in page


def test_assessor_sees_their_nqsws(client, people, enrolment):
    page = home(client, people["assessor"])
    assert "The NQSWs you assess" in page
    assert enrolment.person.full_name in page
    assert people["other_nqsw"].full_name not in page


def test_nqsw_sees_their_own_enrolment_and_key_dates(client, people, enrolment):
    page = home(client, people["nqsw"])
    assert "Key dates" in page
    assert "Monday 1 March 2027" in page  # the 6-month review is due as month 7 begins
    assert "Tuesday 31 August 2027" in page
    assert people["other_nqsw"].full_name not in page


def test_nqsw_home_shows_the_extension(client, people, enrolment):
    record_extension(
        enrolment=enrolment,
        reason="maternity",
        first_day=date(2026, 12, 1),
        last_day=date(2027, 2, 28),
        approved_by=people["pm"],
    )
    page = home(client, people["nqsw"])
    assert "Extended (EXT-1) by 3 months" in page
    assert "Tuesday 30 November 2027" in page


def test_trainee_sees_their_placement(client, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    page = home(client, trainee.person)
    assert "MA Social Work, University of Chichester" in page
    assert "Placement began" in page


def test_chair_sees_all_cohorts(client, people, enrolment):
    january = factories.EnrolmentFactory(asye_start=date(2027, 1, 4))
    page = home(client, people["chair"])
    assert "All cohorts" in page
    assert "September 2026" in page and january.cohort.name in page


def test_grade10_with_nobody_to_follow(client, people):
    page = home(client, people["grade10"])
    assert "no NQSWs or trainees for you to follow" in page


# The PM's home: the enrolment list plus "Who needs you today?" (home/team_today.py), which
# loads its teams' caseloads and schedules once (constant with size; 22 today).
# Each also reads the portfolios' facts for its waiting lists (home/waiting.py): 19 queries
# of assessment.portfolio.facts_for (14 since its coverage is one UNION query), the bulk of
# every budget here.
PM_HOME_QUERIES = 36
ASSESSOR_HOME_QUERIES = 27
GM_HOME_QUERIES = 36
CHAIR_HOME_QUERIES = 26


def populate(group, assessor, n):
    for _ in range(n):
        enrolment = factories.EnrolmentFactory(practice_group=group, assessor=assessor)
        record_extension(
            enrolment=enrolment,
            reason="maternity",
            first_day=date(2027, 1, 4),
            last_day=date(2027, 3, 31),
            approved_by=group.practice_manager,
        )


@pytest.mark.parametrize("role", ["pm", "gm", "assessor", "chair", "nqsw"])
def test_home_query_count_does_not_grow_with_rows(
    client, people, enrolment, role, django_assert_max_num_queries
):
    """Ten times the rows, the same number of queries: no N+1 on any home page."""
    group, assessor = enrolment.practice_group, enrolment.assessor
    client.force_login(people[role].user)
    populate(group, assessor, 3)
    # The NQSW's home reads their progress (issue 11): caseload, schedule, portfolio facts;
    # the PM's reads their teams' caseloads and schedules ("Who needs you today?").
    limit = {
        "nqsw": NQSW_HOME_QUERIES,
        "pm": PM_HOME_QUERIES,
        "assessor": ASSESSOR_HOME_QUERIES,
        "gm": GM_HOME_QUERIES,
        "chair": CHAIR_HOME_QUERIES,
    }.get(role, 12)
    # The steady state: the first view after writes rebuilds the summary rows they made
    # stale (issue 17), a one-off per change in a fixed number of queries of its own.
    client.get(reverse("home"))
    with django_assert_max_num_queries(limit) as small:
        client.get(reverse("home"))
    populate(group, assessor, 30)
    client.get(reverse("home"))
    with django_assert_max_num_queries(limit) as large:
        client.get(reverse("home"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_enrolment_list_query_count_does_not_grow(
    client, people, enrolment, django_assert_max_num_queries
):
    client.force_login(people["chair"].user)
    populate(enrolment.practice_group, enrolment.assessor, 3)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("cohorts:enrolment_list"), {"status": "active"})
    populate(enrolment.practice_group, enrolment.assessor, 30)
    with django_assert_max_num_queries(15) as large:
        client.get(reverse("cohorts:enrolment_list"), {"status": "active"})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_admin_pages_load_for_an_administrator(admin_client, enrolment):
    for model in [
        "academy/person",
        "academy/practicegroup",
        "cohorts/enrolment",
        "cohorts/extension",
        "cohorts/cohort",
        "cohorts/extensionpolicy",
        "academy/office",
        "academy/service",
    ]:
        assert admin_client.get(f"/admin/{model}/").status_code == 200, model
    assert admin_client.get(f"/admin/cohorts/enrolment/{enrolment.pk}/change/").status_code == 200


def test_the_admin_is_closed_to_staff_roles(client, people):
    client.force_login(people["pm"].user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response.url
    assert Person.objects.filter(role="practice_manager").exists()


def test_enrolment_list_pages_through_long_lists(client, people, enrolment):
    populate(enrolment.practice_group, enrolment.assessor, 55)
    client.force_login(people["pm"].user)
    url = reverse("cohorts:enrolment_list")
    first = client.get(url, {"status": "active"})
    assert "Page 1 of 2 (56 in all)" in first.text
    assert "status=active&amp;page=2" in first.text
    second = client.get(url, {"status": "active", "page": 2})
    assert "Page 2 of 2" in second.text


def test_a_home_page_lists_the_first_25_and_links_to_the_rest(client, people, enrolment):
    for _ in range(30):
        factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    client.force_login(people["pm"].user)
    response = client.get(reverse("home"))
    assert len(response.context["enrolments"]) == 25 and response.context["more"]
    assert "Showing the first 25." in response.text
    assert reverse("cohorts:enrolment_list") in response.text
