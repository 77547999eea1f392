"""The demo's January 2027 ECDP pilot (issue 14): a small 24-month cohort beside the ASYE,
assessed against the shipped sample framework, built idempotently."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from assessment import demo as assessment_demo
from assessment.models import Framework
from cohorts import demo
from cohorts.models import Enrolment, Programme

pytestmark = pytest.mark.django_db

TODAY = date(2027, 2, 15)  # the pilot's second month


def test_the_pilot_is_a_small_24_month_cohort_on_the_sample_framework():
    people = demo.build(TODAY)
    pilot = demo.ecdp_pilot(people)
    sample = assessment_demo.sample_framework()

    ecdp = Programme.objects.get(name="ECDP")
    assert (ecdp.length_months, ecdp.pcf_applies) == (24, False)
    assert len(pilot) == 2
    for enrolment in pilot.values():
        assert enrolment.cohort.programme == ecdp
        assert enrolment.cohort.name == "ECDP January 2027"
        assert enrolment.asye_start == date(2027, 1, 4)
        assert enrolment.asye_month(TODAY) == 2
        assert enrolment.planned_end() == date(2028, 12, 31)
        assert enrolment.assessor == people["assessor"]
    assert pilot["D0091"].practice_group.practice_manager == people["pm"]
    assert pilot["D0091"].person.user.username == "ecdp.demo"

    assert sample.code == "SAMPLE-ECS" and "SAMPLE" in sample.name
    assert list(sample.programmes.all()) == [ecdp]
    assert list(Framework.objects.in_force(TODAY, ecdp)) == [sample]

    # The ASYE demo is as it was: the pilot is a cohort of its own.
    asye = Enrolment.objects.filter(kind="asye").exclude(cohort__programme=ecdp)
    assert not asye.filter(person__staff_id__in=list(pilot)).exists()

    # Again: nothing changes.
    rows = Enrolment.history.count(), Framework.objects.count()
    demo.ecdp_pilot(people)
    assessment_demo.sample_framework()
    assert (Enrolment.history.count(), Framework.objects.count()) == rows


@time_machine.travel(date(2027, 2, 15), tick=False)
def test_the_pilot_nqsws_agreement_plans_the_12_and_18_month_reviews(client):
    """NAT-AGREEMENT (issue 14): ecdp.demo's portfolio, as their assessor sees it, shows the
    agreement's planned dates for the ECDP's own points."""
    people = demo.build(TODAY)
    pilot = demo.ecdp_pilot(people)
    assessment_demo.build(TODAY, people=people)
    nqsw = pilot["D0091"]
    agreement = nqsw.agreements.get()
    assert agreement.planned_dates() == {
        "month_13": date(2027, 12, 27),  # 5 days before month 13 begins
        "month_19": date(2028, 6, 26),
    }
    client.force_login(people["assessor"].user)
    page = client.get(reverse("assessment:portfolio", args=[nqsw.pk])).text
    assert "<h1>ECDP portfolio: Maya Lindqvist</h1>" in page
    assert "<dt>12-month review</dt><dd>27 December 2027</dd>" in page
    assert "<dt>18-month review</dt><dd>26 June 2028</dd>" in page
    assert "<td>27 Dec 2027</td>" in page and "<td>26 Jun 2028</td>" in page
