"""Passed, failed and withdrawn NQSWs stay reachable (issue 10 item 6).

The enrolment list (cohorts) and the portfolio list (assessment) share ProgressFilter:
status (default: current) and academic year (1 Sep to 31 Aug, default: any year). The
enrolment page links to the person's records in each feature, only those the viewer may open.
"""

from datetime import date

import pytest
from django.urls import reverse

from cohorts.filters import academic_year_choices
from cohorts.models import Cohort, Enrolment, academic_year
from cohorts.services import record_outcome
from tests import factories

pytestmark = pytest.mark.django_db

READERS = ["pm", "gm", "assessor", "chair", "admin"]
OUTSIDERS = ["other_nqsw", "other_pm", "other_gm", "other_assessor", "grade10"]


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def passed(people, enrolment):
    """Last year's NQSW in the same group as `enrolment`, passed at panel."""
    finished = factories.EnrolmentFactory(
        practice_group=enrolment.practice_group,
        assessor=enrolment.assessor,
        asye_start=date(2025, 9, 1),
        person=factories.PersonFactory(full_name="Priya Passed"),
    )
    return record_outcome(
        enrolment=finished, status=Enrolment.Status.PASSED, end_date=date(2026, 8, 31)
    )


def test_academic_year_runs_from_september_to_august():
    assert academic_year(date(2026, 9, 1)) == 2026
    assert academic_year(date(2027, 8, 31)) == 2026
    assert academic_year(date(2027, 1, 4)) == 2026


def test_an_enrolment_and_a_cohort_know_their_academic_year(passed):
    assert passed.academic_year == 2025
    assert passed.cohort.academic_year == 2025
    january = factories.EnrolmentFactory(asye_start=date(2027, 1, 4))
    assert january.academic_year == 2026
    assert list(Enrolment.objects.in_academic_year(2026)) == [january] or (
        january in Enrolment.objects.in_academic_year(2026)
        and passed not in Enrolment.objects.in_academic_year(2026)
    )


def test_the_years_offered_are_those_of_the_intakes(passed, enrolment):
    Cohort.for_start(date(2027, 1, 4))
    assert [y for y, _ in academic_year_choices()] == [2026, 2025]
    assert dict(academic_year_choices())[2025] == "2025/26"


def listed(client, user, url, **query):
    client.force_login(user)
    response = client.get(reverse(url), query, follow=True)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("url", ["cohorts:enrolment_list", "assessment:portfolio_list"])
@pytest.mark.parametrize("role", READERS)
def test_a_passed_nqsw_is_found_by_status_not_by_default(client, people, passed, url, role):
    user = people[role].user
    assert "Priya Passed" not in listed(client, user, url)
    assert "Priya Passed" in listed(client, user, url, status="passed")
    assert "Priya Passed" in listed(client, user, url, status="passed", year=2025)
    assert "Priya Passed" not in listed(client, user, url, status="passed", year=2026)
    assert "Priya Passed" in listed(client, user, url, status="all")
    # The current one still shows by default.
    assert people["nqsw"].full_name in listed(client, user, url)


@pytest.mark.parametrize("url", ["cohorts:enrolment_list", "assessment:portfolio_list"])
@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_never_find_the_passed_nqsw(client, people, passed, url, role):
    text = listed(client, people[role].user, url, status="all")
    assert "Priya Passed" not in text


@pytest.mark.parametrize("url", ["cohorts:enrolment_list", "assessment:portfolio_list"])
def test_a_superuser_finds_the_passed_nqsw(client, superuser, passed, url):
    assert "Priya Passed" in listed(client, superuser, url, status="passed", year=2025)


@pytest.mark.parametrize(
    "status", [Enrolment.Status.FAILED, Enrolment.Status.WITHDRAWN, Enrolment.Status.DEFERRED]
)
def test_each_status_can_be_chosen(client, people, enrolment, status):
    enrolment.status = status
    enrolment.end_date = None if status == Enrolment.Status.DEFERRED else date(2027, 3, 1)
    enrolment.save()
    name = people["nqsw"].full_name
    assert name in listed(client, people["pm"].user, "cohorts:enrolment_list", status=status)
    other = Enrolment.Status.PASSED
    assert name not in listed(client, people["pm"].user, "cohorts:enrolment_list", status=other)


def test_the_portfolio_list_keeps_the_filter_across_pages(client, people, enrolment, settings):
    import assessment.views

    group = enrolment.practice_group
    for _ in range(assessment.views.PAGE_SIZE + 1):
        factories.EnrolmentFactory(
            practice_group=group,
            asye_start=date(2025, 9, 1),
            status=Enrolment.Status.PASSED,
            end_date=date(2026, 8, 31),
        )
    text = listed(client, people["pm"].user, "assessment:portfolio_list", status="passed")
    assert "status=passed&amp;page=2" in text


def test_the_portfolio_list_query_count_does_not_grow(
    client, people, enrolment, django_assert_max_num_queries
):
    for _ in range(5):
        factories.EnrolmentFactory(
            practice_group=enrolment.practice_group,
            asye_start=date(2025, 9, 1),
            status=Enrolment.Status.PASSED,
            end_date=date(2026, 8, 31),
        )
    client.force_login(people["pm"].user)
    with django_assert_max_num_queries(40):
        client.get(reverse("assessment:portfolio_list"), {"status": "all", "year": 2025})


# --- The enrolment page links to the person's records ---------------------------------------

LINKS = {
    "Caseload": "caseloads:worker",
    "Supervision record": "supervision:record",
    "ASYE portfolio": "assessment:portfolio",
    "Moderation and panel decisions": "moderation:enrolment_moderation",
}


def detail(client, user, enrolment):
    client.force_login(user)
    return client.get(reverse("cohorts:enrolment_detail", args=[enrolment.pk]))


@pytest.mark.parametrize("role", ["nqsw", *READERS])
def test_the_enrolment_page_links_to_each_record_the_viewer_may_open(client, people, passed, role):
    viewer = people[role].user
    if role == "nqsw":
        passed = Enrolment.objects.get(person=people["nqsw"])
    text = detail(client, viewer, passed).text
    for label, url in LINKS.items():
        href = reverse(url, args=[passed.pk])
        assert f'href="{href}">{label}</a>' in text
        # ... and each link opens for this viewer.
        assert client.get(href).status_code == 200, (label, role)


def test_a_superuser_gets_the_links_and_they_open(client, superuser, passed):
    text = detail(client, superuser, passed).text
    for label, url in LINKS.items():
        href = reverse(url, args=[passed.pk])
        assert f'href="{href}">{label}</a>' in text
        assert client.get(href).status_code == 200, label


def test_a_trainee_has_no_portfolio_or_moderation_links(client, people, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    text = detail(client, people["pm"].user, trainee).text
    assert "Caseload</a>" in text and "Supervision record</a>" in text
    assert "ASYE portfolio</a>" not in text
    assert "Moderation and panel decisions</a>" not in text


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_for_the_enrolment_page(client, people, passed, role):
    assert detail(client, people[role].user, passed).status_code == 404
