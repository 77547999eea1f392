"""The NQSW's and the trainee's home page: the facts of `asye_status`, from the same function."""

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from home.progress import enrolment_for, nqsw_progress
from tests import factories
from tests.assessment import factories as af
from tests.caseloads.factories import allocate

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 5)


def home(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@time_machine.travel(DAY, tick=False)
def test_the_home_page_and_asye_status_agree(client, enrolment):
    allocate(enrolment.person, start=date(2026, 9, 14), children=9)
    af.ReviewFactory(enrolment=enrolment)
    response = home(client, enrolment.person)
    progress = response.context["progress"]
    out = StringIO()
    call_command("asye_status", enrolment.person.staff_id, stdout=out)
    assert json.loads(out.getvalue()) == progress.as_dict()
    assert progress == nqsw_progress(enrolment_for(enrolment.person), DAY)
    page = response.text
    assert "ASYE month 4" in page
    assert "9 children on 1 case" in page
    assert "0–10 children" in page and "Headroom" in page
    assert "0–10 from 1 January 2027" in page
    assert "Next due: 1 September 2026" in page and "overdue" in page
    assert "3-month review" in page and "done" in page
    assert "to do by 1 Mar 2027" in page  # the 6-month review
    for finding in progress.findings:
        assert finding.rule in page


@time_machine.travel(DAY, tick=False)
def test_a_trainee_sees_their_placement_progress(client, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    page = home(client, trainee.person).text
    assert "Not yet in the ASYE" in page
    assert "0–4 children" in page  # CAP-TRAINEE, Chichester first semester
    assert "No deadlines." in page


@pytest.mark.parametrize("role", ["pm", "assessor", "other_nqsw", "chair"])
def test_other_people_do_not_see_the_nqsws_progress(client, people, role):
    response = home(client, people[role])
    progress = response.context.get("progress")
    assert progress is None or progress.staff_id != people["nqsw"].staff_id


def test_a_superuser_sees_no_progress_panel(client, enrolment):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Am I on track?" not in response.text


@time_machine.travel(DAY, tick=False)
def test_the_nqsw_home_runs_a_fixed_number_of_queries(
    client, people, enrolment, django_assert_max_num_queries
):
    """Ten times the records, the same number of queries."""
    person = enrolment.person
    allocate(person, start=date(2026, 9, 14), children=1)
    client.force_login(person.user)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("home"))
    for _ in range(9):
        allocate(person, start=date(2026, 9, 14), children=1)
    for _ in range(3):
        af.LogFactory(enrolment=enrolment)
        af.FeedbackFactory(enrolment=enrolment)
    af.ReviewFactory(enrolment=enrolment)
    with django_assert_max_num_queries(15) as large:
        client.get(reverse("home"))
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The year: timeline and evidence coverage --------------------------------------------------


@time_machine.travel(DAY, tick=False)
def test_the_timeline_runs_from_start_to_the_extended_end(client, people, enrolment):
    from cohorts.services import record_extension

    record_extension(
        enrolment=enrolment,
        reason="maternity",
        first_day=date(2026, 12, 1),
        last_day=date(2027, 2, 28),
        approved_by=people["pm"],
    )
    response = home(client, enrolment.person)
    timeline = response.context["timeline"]
    assert (timeline.start, timeline.end) == (date(2026, 9, 1), date(2027, 11, 30))
    kinds = [p.kind for p in timeline.points]
    assert kinds[0] == "start" and kinds[-1] == "end" and "extension" in kinds
    days = [p.day for p in timeline.points]
    assert days == sorted(days)
    # Every deadline of "Am I on track?" is on it, at its place along the year.
    progress = response.context["progress"]
    assert len(timeline.points) == len(progress.deadlines) + 3
    assert all(0 <= p.x <= timeline.width for p in timeline.points)
    page = response.text
    assert "<svg" in page and 'aria-labelledby="year-svg-title year-svg-desc"' in page
    # The list says the same as the drawing.
    assert "1 Sep 2026: ASYE starts" in page
    assert "1 Dec 2026 to 28 Feb 2027: Extension of 3 months (maternity" in page
    assert "30 Nov 2027: ASYE ends" in page
    assert "<script" not in page.split('id="year"')[1].split("</section>")[0]


@time_machine.travel(DAY, tick=False)
def test_the_coverage_marks_what_the_evidence_covers(client, enrolment):
    af.ObservationFactory(enrolment=enrolment)  # PCF 1 and 7, KSS 2
    response = home(client, enrolment.person)
    rows = {row.code: row for row in response.context["progress"].coverage}
    assert set(rows) == {"PCF", "KSS"}
    covered = {code: [n for n, _t, c in row.cells if c] for code, row in rows.items()}
    assert covered == {"PCF": ["1", "7"], "KSS": ["2"]}
    assert response.context["progress"].as_dict().keys() >= {"deadlines", "findings"}
    assert "coverage" not in response.context["progress"].as_dict()
    page = response.text
    assert 'id="coverage-map"' in page and 'id="coverage-table"' in page
    assert "PCF (2 of 9)" in page


@time_machine.travel(DAY, tick=False)
def test_a_trainee_has_no_timeline_or_coverage(client, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    response = home(client, trainee.person)
    assert response.context["timeline"] is None
    assert 'id="coverage"' not in response.text


@time_machine.travel(DAY, tick=False)
def test_the_coverage_counts_only_a_reviews_current_version(client, enrolment):
    """assessment.portfolio._covered, one UNION query: a review's earlier version no longer
    covers what its current version dropped."""
    from assessment import services

    af.ReviewFactory(enrolment=enrolment, elements=af.elements("PCF", 1, 2))
    services.save_review(
        enrolment=enrolment,
        by=enrolment.assessor,
        kind="three_months",
        sign_off=True,
        change_reason="Corrected the evidence mapped.",
        elements=af.elements("PCF", 4),
        held_on=date(2026, 11, 28),
        progress="Progressing well.",
    )
    af.LogFactory(enrolment=enrolment)  # PCF 6
    rows = {row.code: row for row in home(client, enrolment.person).context["progress"].coverage}
    assert [n for n, _t, covered in rows["PCF"].cells if covered] == ["4", "6"]
