"""Reviews at the programme's own points (issue 14, REVIEWS): a 24-month ECDP's 12- and
18-month reviews are reviews with a form, due at the start of months 13 and 19, and the final
at the end of month 24; the ASYE keeps its 3-, 6-, optional 9-month and final reviews."""

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import checks, portfolio, services
from assessment.checks import Due, PortfolioFacts
from assessment.models import Review, review_kind
from cohorts.models import Cohort, Enrolment, Programme, ProgrammePoint
from cohorts.months import asye_last_day, first_day_of_month
from tests import factories
from tests.assessment import factories as af
from tests.assessment.test_access import ASSESSOR_WRITES, ROLES, login

pytestmark = pytest.mark.django_db

START = date(2026, 9, 1)
# (month, label, optional): the demo pilot's points (cohorts/demo.py ECDP_POINTS).
ECDP_POINTS = [
    (4, "3-month review", False),
    (7, "6-month review", False),
    (13, "12-month review", False),
    (19, "18-month review", False),
]


def ecdp_due(start=START):
    return Due.derive(
        lambda m: first_day_of_month(start, m), asye_last_day(start, length=24), ECDP_POINTS
    )


@pytest.fixture
def ecdp(db):
    programme = Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)
    for month, label, optional in ECDP_POINTS:
        ProgrammePoint.objects.create(
            programme=programme, month=month, label=label, optional=optional
        )
    return programme


@pytest.fixture
def ecdp_enrolment(people, enrolment, ecdp):
    """The `people` fixture's NQSW, on the ECDP: the same assessor, PM and GM."""
    enrolment.cohort = Cohort.for_start(enrolment.asye_start, ecdp)
    enrolment.save()
    return enrolment


# --- As data ----------------------------------------------------------------------------------


def test_a_24_month_programmes_review_points_are_its_own():
    due = ecdp_due()
    assert [(p.kind, p.label, p.due) for p in due.reviews] == [
        ("three_months", "3-month review", date(2026, 12, 1)),
        ("six_months", "6-month review", date(2027, 3, 1)),
        ("month_13", "12-month review", date(2027, 9, 1)),  # the start of month 13
        ("month_19", "18-month review", date(2028, 3, 1)),  # the start of month 19
        ("final", "Final review", date(2028, 8, 31)),  # the end of month 24
    ]
    assert due.review("month_13") == date(2027, 9, 1)
    assert due.review_point("nine_months") is None  # the ECDP has no month-10 point


def test_the_asye_points_keep_their_kinds():
    asye = Due.derive(lambda m: first_day_of_month(START, m), asye_last_day(START))
    assert [(p.kind, p.due, p.optional) for p in asye.reviews] == [
        ("three_months", date(2026, 12, 1), False),
        ("six_months", date(2027, 3, 1), False),
        ("nine_months", date(2027, 6, 1), True),
        ("final", date(2027, 8, 31), False),
    ]
    assert [review_kind(m) for m in (4, 7, 10, 13, 19)] == [
        "three_months",
        "six_months",
        "nine_months",
        "month_13",
        "month_19",
    ]


def test_the_checks_and_deadlines_follow_the_programmes_points():
    due = ecdp_due()
    facts = PortfolioFacts(due=due, reviews_signed_off=frozenset({"three_months", "six_months"}))
    reviews = [d for d in checks.deadlines(facts) if d.rule == "REVIEWS"]
    assert [(d.what, d.due, d.met) for d in reviews] == [
        ("3-month review", date(2026, 12, 1), True),
        ("6-month review", date(2027, 3, 1), True),
        ("12-month review", date(2027, 9, 1), False),
        ("18-month review", date(2028, 3, 1), False),
        ("Final review", date(2028, 8, 31), False),
    ]
    found = checks.reviews(
        facts.reviews_signed_off, due=due, nine_month_planned=True, today=date(2027, 9, 2)
    )
    [finding] = [f for f in found if f.is_breach]
    assert [f.message for f in found if not f.is_breach] == [
        "REVIEWS: the 18-month review is not signed off; due by 1 Mar 2028.",
        "REVIEWS: the final review is not signed off; due by 31 Aug 2028.",
    ]
    assert (
        finding.message
        == "REVIEWS: the 12-month review is not signed off; it was due by 1 Sep 2027."
    )
    required = portfolio.requirements(facts)
    [row] = [r for r in required if r.rules == "REVIEWS"]
    assert row.what == "Reviews signed off (3-month, 6-month, 12-month, 18-month, final)"
    assert (row.required, row.recorded) == ("5", "2")


def test_the_asye_requirement_reads_as_before():
    facts = PortfolioFacts(
        due=Due.derive(lambda m: first_day_of_month(START, m), asye_last_day(START))
    )
    [row] = [r for r in portfolio.requirements(facts) if r.rules == "REVIEWS"]
    assert row.what == "Reviews signed off (3-month, 6-month, planned 9-month, final)"
    assert row.required == "3"


# --- The review page --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_the_12_month_review_page_for_every_role(client, people, ecdp_enrolment, who):
    login(client, people[who])
    url = reverse("assessment:review", args=[ecdp_enrolment.pk, "month_13"])
    response = client.get(url)
    assert response.status_code == ASSESSOR_WRITES[who], who
    if response.status_code == 200:
        assert "12-month review" in response.text
        assert "due by 01/09/2027" in response.text


def test_a_superuser_does_not_record_an_ecdp_review(client, superuser, ecdp_enrolment):
    client.force_login(superuser)
    url = reverse("assessment:review", args=[ecdp_enrolment.pk, "month_13"])
    assert client.post(url, {"held_on": "2027-09-01", "progress": "x"}).status_code in (403, 404)
    assert not Review.objects.exists()


def test_only_the_programmes_points_have_a_page(client, people, enrolment, ecdp_enrolment):
    login(client, people["assessor"])
    for kind in ("nine_months", "month_14", "month_"):
        url = reverse("assessment:review", args=[ecdp_enrolment.pk, kind])
        assert client.get(url).status_code == 404, kind
    # An ASYE NQSW has no 12-month review.
    asye = factories.EnrolmentFactory(assessor=people["assessor"])
    url = reverse("assessment:review", args=[asye.pk, "month_13"])
    assert client.get(url).status_code == 404
    url = reverse("assessment:review", args=[asye.pk, "nine_months"])
    assert client.get(url).status_code == 200


@time_machine.travel(date(2027, 9, 2), tick=False)
def test_the_assessor_records_the_12_month_review_and_the_portfolio_shows_it(
    client, people, ecdp_enrolment
):
    login(client, people["assessor"])
    pk = ecdp_enrolment.pk
    response = client.post(
        reverse("assessment:review", args=[pk, "month_13"]),
        {"held_on": "2027-09-01", "progress": "On track.", "action": "sign_off"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response.url.endswith("#review-month_13")
    review = Review.objects.get(enrolment=ecdp_enrolment)
    assert (review.kind, review.is_signed_off, str(review)) == (
        "month_13",
        True,
        "12-month review, version 1",
    )

    page = client.get(reverse("assessment:portfolio", args=[pk])).text
    for label in ("3-month review", "6-month review", "12-month review", "18-month review"):
        assert f'<th scope="row">{label}</th>' in page, label
    assert "9-month review" not in page
    assert 'id="review-month_13"' in page and "On track." in page

    facts = portfolio.facts_for([Enrolment.objects.for_listing().get(pk=pk)])[pk]
    assert "month_13" in facts.reviews_signed_off
    deadlines = {d.what: d.met for d in checks.deadlines(facts) if d.rule == "REVIEWS"}
    assert deadlines == {
        "3-month review": False,
        "6-month review": False,
        "12-month review": True,
        "18-month review": False,
        "Final review": False,
    }


def test_the_service_refuses_a_review_the_programme_does_not_have(ecdp_enrolment):
    with pytest.raises(ValidationError, match="the ECDP has no review of this kind"):
        services.save_review(
            enrolment=ecdp_enrolment,
            by=ecdp_enrolment.assessor,
            kind="nine_months",
            held_on=date(2027, 6, 1),
            progress="x",
        )
    assert not Review.objects.exists()


def test_the_database_refuses_an_unknown_kind(ecdp_enrolment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            enrolment=ecdp_enrolment,
            kind="twelve",
            held_on=date(2027, 9, 1),
            progress="x",
            recorded_by=ecdp_enrolment.assessor,
        )


def test_the_review_trigger_survives_the_migration(ecdp_enrolment):
    """0009 rebuilds assessment_review on SQLite; the signed-off trigger is made again."""
    review = af.ReviewFactory(
        enrolment=ecdp_enrolment, kind="month_13", held_on=date(2026, 11, 20), elements=()
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessment_review SET progress = 'changed' WHERE id = %s", [review.pk]
        )


# --- Home and asye_status ---------------------------------------------------------------------


def test_asye_status_lists_the_ecdps_reviews(ecdp_enrolment):
    out = StringIO()
    call_command("asye_status", ecdp_enrolment.person.staff_id, "--as-of", "2027-09-02", stdout=out)
    deadlines = [d for d in json.loads(out.getvalue())["deadlines"] if d["rule"] == "REVIEWS"]
    assert [(d["what"], d["due"], d["state"]) for d in deadlines] == [
        ("3-month review", "2026-12-01", "overdue"),
        ("6-month review", "2027-03-01", "overdue"),
        ("12-month review", "2027-09-01", "overdue"),
        ("18-month review", "2028-03-01", "to_do"),
        ("Final review", "2028-08-31", "to_do"),
    ]


def test_the_points_cost_one_query_whatever_the_number_of_enrolments(ecdp_enrolment):
    def count(n):
        for _ in range(n):
            factories.EnrolmentFactory(cohort=ecdp_enrolment.cohort)
            factories.EnrolmentFactory()
        listed = list(Enrolment.objects.for_listing())
        with CaptureQueriesContext(connection) as queries:
            facts = portfolio.facts_for(listed)
        assert {len(f.due.reviews) for f in facts.values()} == {4, 5}  # ASYE, ECDP
        return len(queries)

    assert count(1) == count(10)
