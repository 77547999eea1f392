"""Who may see and write what in a portfolio, for every assessment view and every role.

Reading follows the enrolment (academy/access.py): the NQSW their own, the assessor their
NQSWs, the PM their groups, the GM their service, the chair and Professional Practice all.
Outsiders get 404 (they may not learn a portfolio exists); people who may read but not write
a record get 403; anonymous users are sent to sign in.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from assessment.models import (
    AssessorFeedback,
    DevelopmentPlan,
    DirectObservation,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessment,
    SupportAgreement,
    WrittenWork,
)
from cohorts.models import Enrolment
from tests import factories
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db

ROLES = [
    "nqsw",
    "pm",
    "gm",
    "assessor",
    "chair",
    "admin",
    "other_nqsw",
    "other_pm",
    "other_gm",
    "other_assessor",
    "grade10",
]
READERS = {"nqsw", "pm", "gm", "assessor", "chair", "admin"}


def expect(*writers):
    """200 for the writers, 403 for other readers, 404 for outsiders."""
    return {role: 200 if role in writers else (403 if role in READERS else 404) for role in ROLES}


READ = {role: 200 if role in READERS else 404 for role in ROLES}
NQSW_WRITES = expect("nqsw")
ASSESSOR_WRITES = expect("assessor")


@pytest.fixture
def records(people, enrolment):
    """One of each record the URLs name, made through the services."""
    observation = af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 1))
    return {
        "observation": observation,
        "log": af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 2)),
        "feedback": af.FeedbackFactory(enrolment=enrolment, received_on=date(2026, 10, 3)),
        "written": af.WrittenWorkFactory(enrolment=enrolment, completed_on=date(2026, 10, 4)),
    }


def urls(enrolment, records):
    """Every assessment URL for the enrolment, with who may GET it."""
    pk = enrolment.pk
    obs, log, fb, work = (records[k].pk for k in ("observation", "log", "feedback", "written"))
    return [
        ("portfolio", [pk], READ),
        ("portfolio_pdf", [pk], READ),
        ("observation_new", [pk], expect("assessor", "pm")),
        ("observation_edit", [pk, obs], expect("assessor")),  # the observer only
        ("observation_reflection", [pk, obs], NQSW_WRITES),
        ("log_new", [pk], NQSW_WRITES),
        ("log_edit", [pk, log], NQSW_WRITES),
        ("log_feedback", [pk, log], ASSESSOR_WRITES),
        ("feedback_new", [pk, "child"], NQSW_WRITES),
        ("feedback_new", [pk, "professional"], NQSW_WRITES),
        ("feedback_edit", [pk, fb], NQSW_WRITES),
        ("written_work_new", [pk], NQSW_WRITES),
        ("written_work_edit", [pk, work], NQSW_WRITES),
        ("written_work_assess", [pk, work], ASSESSOR_WRITES),
        ("map_evidence", [pk, "observation", obs], expect("nqsw", "assessor")),
        ("map_evidence", [pk, "log", log], expect("nqsw", "assessor")),
        ("map_evidence", [pk, "feedback", fb], expect("nqsw", "assessor")),
        ("map_evidence", [pk, "written-work", work], expect("nqsw", "assessor")),
        ("self_assessment", [pk, "start"], NQSW_WRITES),
        ("development_plan", [pk, "months_0_3"], ASSESSOR_WRITES),
        ("agreement", [pk], ASSESSOR_WRITES),
        ("review", [pk, "three_months"], ASSESSOR_WRITES),
        ("recommendation", [pk], ASSESSOR_WRITES),
    ]


def login(client, person):
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("who", ROLES)
def test_every_view_for_every_role(client, people, enrolment, records, who):
    login(client, people[who])
    for name, args, statuses in urls(enrolment, records):
        response = client.get(reverse(f"assessment:{name}", args=args))
        assert response.status_code == statuses[who], f"{name} {args} as {who}"


def test_anonymous_is_sent_to_sign_in(client, enrolment, records):
    names = [(name, args) for name, args, _ in urls(enrolment, records)]
    names += [("portfolio_list", []), ("portfolio_pdf_download", [enrolment.pk])]
    for name, args in names:
        response = client.get(reverse(f"assessment:{name}", args=args))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("who, status", READ.items())
def test_portfolio_pdf_download(client, people, enrolment, who, status):
    login(client, people[who])
    url = reverse("assessment:portfolio_pdf_download", args=[enrolment.pk])
    # Not prepared yet: readers go to the status page, outsiders learn nothing.
    assert client.get(url).status_code == (302 if status == 200 else 404)


def test_portfolio_pdf_download_when_ready(client, people, enrolment):
    login(client, people["gm"]).post(reverse("assessment:portfolio_pdf", args=[enrolment.pk]))
    url = reverse("assessment:portfolio_pdf_download", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    assert login(client, people["other_gm"]).get(url).status_code == 404
    assert (
        login(client, people["other_nqsw"])
        .post(reverse("assessment:portfolio_pdf", args=[enrolment.pk]))
        .status_code
        == 404
    )


def test_an_nqsw_never_sees_another_nqsws_portfolio(client, people, enrolment):
    other = Enrolment.objects.get(person=people["other_nqsw"])
    login(client, people["nqsw"])
    assert client.get(reverse("assessment:portfolio", args=[other.pk])).status_code == 404
    assert client.get(reverse("assessment:portfolio", args=[enrolment.pk])).status_code == 200


def test_a_trainee_placement_has_no_portfolio(client, people, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    login(client, people["pm"])
    assert client.get(reverse("assessment:portfolio", args=[trainee.pk])).status_code == 404


def test_a_record_is_reached_only_through_its_own_portfolio(client, people, enrolment, records):
    other = Enrolment.objects.get(person=people["other_nqsw"])
    theirs = af.LogFactory(enrolment=other, written_on=date(2026, 10, 2))
    login(client, people["nqsw"])
    url = reverse("assessment:log_edit", args=[enrolment.pk, theirs.pk])
    assert client.get(url).status_code == 404


# --- The list of portfolios -----------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_portfolio_list_shows_only_visible_portfolios(client, people, enrolment, who):
    login(client, people[who])
    response = client.get(reverse("assessment:portfolio_list"))
    if who in ("nqsw", "other_nqsw"):
        # An NQSW goes straight to their own portfolio.
        own = Enrolment.objects.get(person=people[who])
        assert response.status_code == 302
        assert response.url == reverse("assessment:portfolio", args=[own.pk])
        return
    assert response.status_code == 200
    sees = who in READERS
    assert (enrolment.person.full_name in response.text) is sees
    assert (people["other_nqsw"].full_name in response.text) is (
        who in ("other_pm", "other_gm", "other_assessor", "chair", "admin")
    )


def test_the_assessor_list_shows_the_checks(client, people, enrolment):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 1))
    login(client, people["assessor"])
    text = client.get(reverse("assessment:portfolio_list")).text
    assert "The NQSWs you assess" in text
    assert "1 of 3" in text
    # The agreement was due by the end of the first month (30 Sep 2026).
    assert "NAT-AGREEMENT: no signed support and assessment agreement" in text


def test_the_assessor_list_queries_do_not_grow(client, people, django_assert_max_num_queries):
    assessor = people["assessor"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, assessor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("assessment:portfolio_list"))
    for _ in range(10):
        e = af.past_enrolment(assessor=assessor)
        af.ObservationFactory(enrolment=e)
        af.AgreementFactory(enrolment=e)
        af.LogFactory(enrolment=e)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("assessment:portfolio_list"))
    assert response.text.count("assessment/") >= 11


# --- Writing, through the pages -------------------------------------------------------------


def test_the_assessor_logs_an_observation(client, people, enrolment):
    login(client, people["assessor"])
    url = reverse("assessment:observation_new", args=[enrolment.pk])
    pcf1 = af.elements("PCF", 1)[0]
    response = client.post(
        url,
        {
            "observed_on": "2026-10-05",
            "setting": "Child protection conference",
            "case_reference": "CP/2026/0042",
            "what_observed": "Presented the assessment.",
            "feedback": "Clear and balanced.",
            "elements_pcf": [str(pcf1.pk)],
        },
    )
    observation = DirectObservation.objects.get(enrolment=enrolment)
    assert response.status_code == 302
    assert response.url.endswith(f"#observation-{observation.pk}")
    assert observation.observer == people["assessor"]
    assert list(observation.elements.all()) == [pcf1]


def test_a_bad_case_reference_is_explained(client, people, enrolment):
    login(client, people["pm"])
    response = client.post(
        reverse("assessment:observation_new", args=[enrolment.pk]),
        {
            "observed_on": "2026-10-05",
            "setting": "Home visit",
            "case_reference": "Jane Smith",
            "what_observed": "x",
            "feedback": "y",
        },
    )
    assert response.status_code == 200
    assert "Never a child&#x27;s name" in response.text
    assert not DirectObservation.objects.exists()


def test_the_pm_logs_the_third_observation(client, people, enrolment):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 9, 20))
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 20))
    login(client, people["pm"])
    client.post(
        reverse("assessment:observation_new", args=[enrolment.pk]),
        {
            "observed_on": "2026-11-02",
            "setting": "Home visit",
            "case_reference": "CIN-77",
            "what_observed": "A child and family assessment visit.",
            "feedback": "Good direct work with the children.",
        },
    )
    page = client.get(reverse("assessment:portfolio", args=[enrolment.pk])).text
    assert not re.search(r"OBS-THREE: \d+ of \d+ direct observations", page)
    assert "3 (2 by the assessor, 1 by someone else)" in page
    assert DirectObservation.objects.filter(observer=people["pm"]).count() == 1


def test_the_nqsw_writes_records_and_maps_evidence(client, people, enrolment, records):
    login(client, people["nqsw"])
    pk = enrolment.pk
    kss1 = af.elements("KSS", 1)[0]
    client.post(
        reverse("assessment:log_new", args=[pk]),
        {
            "period": "log",
            "title": "My first strategy meeting",
            "written_on": "2026-10-10",
            "reflection": "What I learned.",
            "elements_kss": [str(kss1.pk)],
        },
    )
    client.post(
        reverse("assessment:feedback_new", args=[pk, "professional"]),
        {"received_on": "2026-10-11", "given_by_role": "school nurse", "feedback": "Helpful."},
    )
    client.post(
        reverse("assessment:written_work_new", args=[pk]),
        {
            "kind": "court",
            "title": "Statement for an ICO hearing",
            "completed_on": "2026-10-12",
            "summary": "The threshold and the plan.",
        },
    )
    client.post(
        reverse("assessment:observation_reflection", args=[pk, records["observation"].pk]),
        {"nqsw_reflection": "I would slow down next time."},
    )
    client.post(
        reverse("assessment:map_evidence", args=[pk, "feedback", records["feedback"].pk]),
        {"elements_kss": [str(kss1.pk)]},
    )
    assert ReflectionLog.objects.get(title="My first strategy meeting").elements.get() == kss1
    assert PracticeFeedback.objects.filter(source="professional", enrolment=enrolment).count() == 1
    assert WrittenWork.objects.filter(kind="court").exists()
    records["observation"].refresh_from_db()
    assert records["observation"].nqsw_reflection == "I would slow down next time."
    assert list(records["feedback"].elements.all()) == [kss1]


def test_the_nqsw_completes_a_self_assessment(client, people, enrolment):
    login(client, people["nqsw"])
    data = {"completed_on": "2026-09-20", "reflection": "Starting out."}
    for element in af.elements("KSS", *range(1, 11)):
        data[f"rating_{element.pk}"] = "2"
    response = client.post(
        reverse("assessment:self_assessment", args=[enrolment.pk, "start"]), data
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get(enrolment=enrolment).ratings.count() == 10


def test_the_assessor_gives_feedback_and_assesses_written_work(client, people, enrolment, records):
    login(client, people["assessor"])
    pk = enrolment.pk
    client.post(
        reverse("assessment:log_feedback", args=[pk, records["log"].pk]),
        {"given_on": "2026-10-20", "feedback": "Link this to attachment theory."},
    )
    client.post(
        reverse("assessment:written_work_assess", args=[pk, records["written"].pk]),
        {"assessed_on": "2026-10-21", "assessor_comments": "Clear analysis."},
    )
    assert AssessorFeedback.objects.get().given_by == people["assessor"]
    records["written"].refresh_from_db()
    assert records["written"].is_assessed


def test_the_assessor_completes_agreement_plan_review_and_recommendation(client, people, enrolment):
    login(client, people["assessor"])
    pk = enrolment.pk
    response = client.post(
        reverse("assessment:agreement", args=[pk]),
        {
            "agreed_on": "2026-09-15",
            "three_month_review_on": "2026-11-30",
            "six_month_review_on": "2027-02-26",
            "final_review_on": "2027-08-13",
            "panel_on": "2027-09-20",
            "supervision_frequency": "Weekly, then fortnightly.",
            "workload_protection": "Within the caps.",
            "protected_time": "Friday afternoons.",
            "action": "sign_off",
        },
    )
    assert response.status_code == 302
    assert SupportAgreement.objects.get(enrolment=enrolment).is_signed_off
    client.post(
        reverse("assessment:development_plan", args=[pk, "months_0_3"]),
        {"agreed_on": "2026-09-15", "learning_needs": "Court skills.", "actions": "Shadowing."},
    )
    assert DevelopmentPlan.objects.filter(enrolment=enrolment).count() == 1
    client.post(
        reverse("assessment:review", args=[pk, "final"]),
        {"held_on": "2026-11-20", "progress": "Ready.", "action": "sign_off"},
    )
    client.post(
        reverse("assessment:recommendation", args=[pk]),
        {"outcome": "pass", "rationale": "Consistent practice.", "action": "draft"},
    )
    rec = Recommendation.objects.get(enrolment=enrolment)
    assert rec.outcome == "pass" and not rec.is_signed_off


def test_changing_a_signed_off_review_through_the_page_makes_a_new_version(
    client, people, enrolment
):
    af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    login(client, people["assessor"])
    url = reverse("assessment:review", args=[enrolment.pk, "three_months"])
    page = client.get(url).text
    assert "saving records version 2" in page
    data = {"held_on": "2026-11-20", "progress": "Amended.", "action": "sign_off"}
    response = client.post(url, data)
    assert response.status_code == 200 and "say why" in response.text
    response = client.post(url, {**data, "change_reason": "Typo in the progress."})
    assert response.status_code == 302
    versions = Review.objects.filter(enrolment=enrolment).order_by("version")
    assert [(v.version, v.progress) for v in versions] == [
        (1, "Progressing well against the PCF and the KSS."),
        (2, "Amended."),
    ]


def test_unknown_kinds_are_404(client, people, enrolment):
    login(client, people["assessor"])
    for name, args in [
        ("review", [enrolment.pk, "twelve_months"]),
        ("development_plan", [enrolment.pk, "months_9_12"]),
        ("feedback_new", [enrolment.pk, "parent"]),
        ("map_evidence", [enrolment.pk, "review", 1]),
        ("self_assessment", [enrolment.pk, "later"]),
    ]:
        assert client.get(reverse(f"assessment:{name}", args=args)).status_code == 404, name


def test_a_finished_asye_is_read_only(client, people, enrolment):
    enrolment.status = Enrolment.Status.PASSED
    enrolment.end_date = date(2026, 11, 1)
    enrolment.save()
    login(client, people["assessor"])
    assert client.get(reverse("assessment:portfolio", args=[enrolment.pk])).status_code == 200
    assert client.get(reverse("assessment:review", args=[enrolment.pk, "final"])).status_code == 403
    login(client, people["nqsw"])
    assert client.get(reverse("assessment:log_new", args=[enrolment.pk])).status_code == 403


def test_forbidden_posts_change_nothing(client, people, enrolment, records):
    login(client, people["pm"])
    response = client.post(
        reverse("assessment:log_feedback", args=[enrolment.pk, records["log"].pk]),
        {"given_on": "2026-10-20", "feedback": "Not mine to give."},
    )
    assert response.status_code == 403
    assert not AssessorFeedback.objects.exists()
    login(client, people["other_assessor"])
    response = client.post(
        reverse("assessment:agreement", args=[enrolment.pk]), {"action": "sign_off"}
    )
    assert response.status_code == 404
    assert not SupportAgreement.objects.exists()


def test_other_methods_are_refused(client, people, enrolment):
    login(client, people["assessor"])
    for name in ["observation_new", "agreement", "portfolio_pdf"]:
        assert client.put(reverse(f"assessment:{name}", args=[enrolment.pk])).status_code == 405
    assert (
        client.post(reverse("assessment:portfolio_pdf_download", args=[enrolment.pk])).status_code
        == 405
    )
