"""The portfolio summaries (issue 17): the chair's cohorts at a glance counts these rows, so
each must always say what `assessment.checks` says of the portfolio on its day."""

from datetime import date

import time_machine

from assessment import checks, services, summaries
from assessment import portfolio as portfolios
from assessment.models import PortfolioSummary
from cohorts.models import Enrolment
from cohorts.services import record_extension

AUTUMN, WINTER = date(2026, 9, 2), date(2027, 1, 15)  # the 3-month review due in between
SPRING = date(2027, 4, 1)


def evaluated(enrolment, on):
    facts = portfolios.facts_for([enrolment])[enrolment.pk]
    return [f.rule for f in checks.evaluate(facts, on) if f.is_breach]


def assert_summary_is_a_fresh_evaluation(enrolment, on):
    summaries.fresh(Enrolment.objects.filter(pk=enrolment.pk), on=on)
    row = PortfolioSummary.objects.get(enrolment=enrolment)
    breaches = evaluated(Enrolment.objects.for_listing().get(pk=enrolment.pk), on)
    assert (row.as_of, row.at_risk, row.breaches) == (
        on,
        bool(breaches),
        " ".join(dict.fromkeys(breaches)),
    )
    return row


def test_a_record_written_through_the_services_drops_the_row_and_it_is_rebuilt(people, enrolment):
    with time_machine.travel(WINTER, tick=False):
        row = assert_summary_is_a_fresh_evaluation(enrolment, WINTER)
        assert row.at_risk and "REVIEWS" in row.breaches.split()
        services.record_observation(
            enrolment=enrolment,
            observer=people["assessor"],
            observed_on=date(2027, 1, 10),
            setting="Home visit",
            case_reference="CASE-1",
            what_observed="A visit",
            feedback="Good",
        )
        assert not PortfolioSummary.objects.filter(enrolment=enrolment).exists()
        assert_summary_is_a_fresh_evaluation(enrolment, WINTER)


def test_a_row_from_an_earlier_day_is_stale_and_the_nightly_run_rebuilds_it(people, enrolment):
    # Days after the fixtures were made: a summary older than the enrolment's own history
    # row would be stale whatever the day.
    with time_machine.travel(WINTER, tick=False):
        assert summaries.refresh_stale(on=WINTER) == 2  # the two NQSWs of `people`
        assert summaries.refresh_stale(on=WINTER) == 0
        assert PortfolioSummary.objects.get(enrolment=enrolment).at_risk
    with time_machine.travel(SPRING, tick=False):
        assert summaries.refresh_stale(on=SPRING) == 2
        assert_summary_is_a_fresh_evaluation(enrolment, SPRING)


def test_a_finished_enrolment_loses_its_row(people, enrolment):
    summaries.refresh_stale(on=AUTUMN)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN, end_date=date(2026, 9, 2)
    )
    summaries.refresh_stale(on=AUTUMN)
    assert not PortfolioSummary.objects.filter(enrolment=enrolment).exists()
    assert PortfolioSummary.objects.count() == 1


def test_a_change_the_services_here_cannot_see_makes_the_row_stale(people, enrolment):
    """An extension is recorded in cohorts, which imports no feature app: its history row,
    dated after the summary, makes the summary stale."""
    with time_machine.travel(WINTER, tick=True):
        summaries.fresh(Enrolment.objects.all(), on=WINTER)
        assert not summaries.stale(Enrolment.objects.all(), on=WINTER)
        record_extension(
            enrolment=enrolment,
            reason="maternity",
            first_day=date(2027, 2, 1),
            last_day=date(2027, 7, 30),
            approved_by=people["pm"],
        )
        assert list(summaries.stale(Enrolment.objects.all(), on=WINTER)) == [enrolment.pk]
        assert_summary_is_a_fresh_evaluation(enrolment, WINTER)
        assert not summaries.stale(Enrolment.objects.all(), on=WINTER)
