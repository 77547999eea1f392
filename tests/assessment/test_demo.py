"""The demo portfolios (assessment/demo.py), built on top of the academy's demo."""

from datetime import date

import pytest

from assessment import checks, portfolio
from assessment import demo as assessment_demo
from assessment.models import DirectObservation, ReflectionLog, Review, SupportAgreement
from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from tests.database import shared_rows

pytestmark = pytest.mark.django_db


def history_rows():
    return sum(
        m.history.count() for m in (DirectObservation, ReflectionLog, Review, SupportAgreement)
    )


# A fixed day in the September cohort's third month, so the demo's stage is the same on
# whatever day the tests run (it is never after the real today, which the services require).
DEMO_DAY = date(2026, 11, 22)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """Built once for the class that reads it (tests/database.py)."""
    today = DEMO_DAY
    with shared_rows(django_db_blocker):
        people = academy_demo.build(today)
        yield today, people, assessment_demo.build(today, people=people)


@pytest.mark.django_db
class TestDemo:
    """The demo portfolios, built once."""

    def test_every_current_demo_nqsw_has_a_portfolio_at_their_stage(self, demo):
        today, people, built = demo
        assert built  # the September cohort at least
        for staff_id, enrolment in built.items():
            month = enrolment.asye_month(today)
            if month is None:
                continue
            # Everything is dated within the ASYE and never in the future.
            assert not enrolment.observations.filter(observed_on__gt=today).exists()
            assert not enrolment.reflection_logs.filter(
                written_on__lt=enrolment.asye_start
            ).exists()
            if staff_id != assessment_demo.NQSW_DEMO and month >= 2:
                # Past the first month, the agreement is made (NAT-AGREEMENT).
                assert enrolment.agreements.filter(signed_off_at__isnull=False).exists(), staff_id

    def test_nqsw_demo_has_gaps_for_the_checks_to_find(self, demo):
        today, people, built = demo
        enrolment = Enrolment.objects.for_listing().get(person=people["nqsw"])
        assert enrolment.asye_month(today) == 3
        facts = portfolio.facts_for([enrolment])[enrolment.pk]
        found = checks.evaluate(facts, today)
        rules = {f.rule for f in found}
        assert "NAT-SELF" in rules  # no self-assessment at the start
        assert any(f.rule == "NAT-SELF" and f.is_breach for f in found)
        assert "start" not in facts.self_assessments
        assert facts.agreement_agreed_on is not None

    def test_the_demo_is_idempotent(self, demo):
        today, people, built = demo
        before = history_rows()
        again = assessment_demo.build(today, people=people)
        assert again.keys() == built.keys()
        assert history_rows() == before

    def test_the_demo_portfolio_pages_render(self, client, demo):
        today, people, built = demo
        enrolment = Enrolment.objects.get(person=people["nqsw"])
        client.force_login(people["nqsw"].user)
        response = client.get(f"/assessment/{enrolment.pk}/")
        assert response.status_code == 200
        client.force_login(people["assessor"].user)
        assert "The NQSWs you assess" in client.get("/assessment/").text
