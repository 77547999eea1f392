"""STUDY-DAYS: entitlement per kind of learner as data, the NQSW asks, the PM agrees, and a
request one over the entitlement is refused with the numbers."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cohorts.models import Enrolment
from learning import services, studydays
from learning.models import StudyDayRequest
from tests import factories


def ask(enrolment, days, first_day=date(2026, 11, 2)):
    return services.request_study_days(
        enrolment=enrolment,
        first_day=first_day,
        days=Decimal(days),
        reason="Study",
        by=enrolment.person,
    )


def agree(request):
    pm = request.enrolment.practice_group.practice_manager
    return services.decide_study_days(request=request, agree=True, by=pm)


def test_an_nqsw_has_three_days_over_the_asye(enrolment):
    b = studydays.balance(enrolment, date(2026, 10, 1))
    assert (b.entitlement, b.taken, b.asked, b.remaining) == (3, 0, 0, 3)
    assert b.period == "the ASYE"


def test_asking_for_exactly_the_entitlement_is_accepted_one_over_refused(enrolment):
    agree(ask(enrolment, "2"))
    ask(enrolment, "0.5")
    with pytest.raises(ValidationError) as refused:
        ask(enrolment, "1")
    message = " ".join(refused.value.messages)
    assert message == (
        "STUDY-DAYS: 3 study day(s) for the ASYE (3 day(s)); 2 agreed and 0.5 awaiting "
        "agreement leave 0.5: 1 asked is 0.5 over."
    )
    ask(enrolment, "0.5")
    b = studydays.balance(enrolment, date(2027, 6, 1))
    assert (b.taken, b.asked, b.remaining) == (2, 1, 0)


def test_a_refused_request_gives_the_days_back(enrolment):
    asked = ask(enrolment, "3")
    pm = enrolment.practice_group.practice_manager
    services.decide_study_days(request=asked, agree=False, note="Not in court week", by=pm)
    assert studydays.balance(enrolment, date(2026, 12, 1)).remaining == 3
    with pytest.raises(ValidationError, match="already refused"):
        agree(asked)


def test_whole_or_half_days_only(enrolment):
    with pytest.raises(ValidationError, match="whole or half"):
        ask(enrolment, "0.3")


def test_an_ou_trainee_has_half_a_day_per_module_per_week(db):
    trainee = factories.TraineeEnrolmentFactory(programme=Enrolment.Programme.OU_BA)
    pm = trainee.practice_group.practice_manager
    assert studydays.balance(trainee, date(2026, 10, 1)).entitlement == 0
    services.record_study_allowance(
        enrolment=trainee, academic_year=2026, modules=2, study_weeks=3, by=pm
    )
    b = studydays.balance(trainee, date(2026, 10, 1))
    assert (b.entitlement, b.period) == (3, "2026/27")
    ask(trainee, "3", date(2026, 10, 5))
    with pytest.raises(ValidationError, match="0.5 asked is 0.5 over"):
        ask(trainee, "0.5", date(2027, 3, 1))
    # A new academic year, a new entitlement (no figures yet for 2027/28).
    assert studydays.balance(trainee, date(2027, 9, 6)).entitlement == 0


def test_a_chichester_trainee_has_the_study_weeks_plus_three_days_a_year(db):
    trainee = factories.TraineeEnrolmentFactory(programme=Enrolment.Programme.CHI_MA)
    pm = trainee.practice_group.practice_manager
    assert studydays.balance(trainee, date(2026, 10, 1)).entitlement == 3
    services.record_study_allowance(
        enrolment=trainee, academic_year=2026, modules=0, study_weeks=2, by=pm
    )
    assert studydays.balance(trainee, date(2026, 10, 1)).entitlement == 13


def test_agreeing_checks_the_entitlement_again(enrolment):
    first, second = ask(enrolment, "1.5"), ask(enrolment, "1.5")
    agree(first)
    agree(second)
    assert StudyDayRequest.objects.filter(status="agreed").count() == 2
