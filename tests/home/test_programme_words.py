"""Issue 14: an ECDP NQSW's home page and portfolio name their programme where the words
apply to any programme; the ASYE's pages keep their words (the seeded ASYE is "ASYE")."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Cohort, Programme, ProgrammePoint

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 5)


@pytest.fixture
def ecdp_enrolment(people, enrolment):
    programme = Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)
    ProgrammePoint.objects.create(programme=programme, month=13, label="12-month review")
    enrolment.cohort = Cohort.for_start(enrolment.asye_start, programme)
    enrolment.save()
    return enrolment


@time_machine.travel(DAY, tick=False)
def test_the_ecdp_nqsws_pages_name_the_ecdp(client, people, ecdp_enrolment):
    client.force_login(people["nqsw"].user)
    home = client.get(reverse("home")).text
    assert "the ECDP, on 5 December 2026" in home
    assert "Every deadline of the ECDP" in home and "Timeline of your ECDP" in home
    assert "the ASYE, on" not in home
    # The stage, the timeline and the enrolment's heading name it too (seen walking the
    # demo as ecdp.demo: "Not yet in the ASYE", "ASYE starts", "ASYE · Not started").
    assert "ECDP month " in home and "ASYE month" not in home
    assert "ECDP starts" in home and "ECDP ends" in home and "ASYE starts" not in home
    assert "ECDP\n      · Month " in home
    # Coverage is judged against the programme's own frameworks (none linked here), not
    # the ASYE's PCF and KSS, which the demo showed as all covered with no evidence.
    assert 'id="coverage-map"' not in home and "PCF (" not in home
    page = client.get(reverse("assessment:portfolio", args=[ecdp_enrolment.pk])).text
    assert "<h1>ECDP portfolio: " in page and "ECDP from " in page
    assert "Due dates follow the ECDP start" in page and "over the ECDP;" in page


@time_machine.travel(DAY, tick=False)
def test_the_asye_nqsws_pages_keep_their_words(client, people, enrolment):
    client.force_login(people["nqsw"].user)
    home = client.get(reverse("home")).text
    assert "the ASYE, on 5 December 2026" in home and "Timeline of your ASYE" in home
    page = client.get(reverse("assessment:portfolio", args=[enrolment.pk])).text
    assert "<h1>ASYE portfolio: " in page and "over the ASYE;" in page


@pytest.mark.parametrize("who", ["pm", "assessor", "other_nqsw"])
def test_others_see_the_ecdp_portfolio_only_as_before(client, people, ecdp_enrolment, who):
    client.force_login(people[who].user)
    response = client.get(reverse("assessment:portfolio", args=[ecdp_enrolment.pk]))
    assert response.status_code == (404 if who == "other_nqsw" else 200)
    if response.status_code == 200:
        assert "<h1>ECDP portfolio: " in response.text
