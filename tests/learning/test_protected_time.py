"""PROTECTED-TIME: the share of working time to date spent on learning and development,
against 10%, counted from workshops, study days, group supervision and time entered."""

from datetime import date, time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning import services
from learning.models import LearningTimeKind, ProtectedTimePolicy, Workshop, WorkshopTheme
from learning.protected import protected_time
from moderation.views import protected_time_answer
from supervision import services as supervision
from tests import factories

# 1 to 14 September 2026: ten weekdays, 74 working hours at 37 a week; 10% is 7.4 hours.
ON = date(2026, 9, 14)


def kind(code):
    return LearningTimeKind.objects.get(code=code)


def attend_workshop(enrolment):
    workshop = Workshop.objects.create(
        theme=WorkshopTheme.objects.get(number=1),
        cohort=enrolment.cohort,
        held_on=date(2026, 9, 10),
    )
    with time_machine.travel(date(2026, 9, 10)):
        services.record_workshop_attendance(
            enrolment=enrolment,
            workshop=workshop,
            attended=True,
            by=enrolment.practice_group.practice_manager,
        )


def test_the_policy_and_default_lengths_are_data(db):
    policy = ProtectedTimePolicy.in_force(ON)
    assert (policy.share_percent, policy.weekly_hours) == (10, 37)
    assert kind("workshop").default_hours == Decimal("7.4")
    assert kind("group_supervision").default_hours == 2


def test_nothing_recorded_is_zero_of_ten_percent(enrolment):
    found = protected_time(enrolment, ON)
    assert (found.hours, found.working_hours, found.share, found.met) == (
        0,
        Decimal("74.0"),
        0,
        False,
    )


def test_a_workshop_day_in_the_first_two_weeks_is_exactly_ten_percent(enrolment):
    attend_workshop(enrolment)
    found = protected_time(enrolment, ON)
    assert (found.hours, found.share, found.met) == (Decimal("7.4"), Decimal("10.0"), True)
    # A day later the same hours are less than 10%.
    assert protected_time(enrolment, date(2026, 9, 15)).met is False


def test_study_days_group_supervision_and_time_entered_count(enrolment):
    pm = enrolment.practice_group.practice_manager
    asked = services.request_study_days(
        enrolment=enrolment,
        first_day=date(2026, 9, 11),
        days=Decimal("0.5"),
        reason="Reading",
        by=enrolment.person,
    )
    services.decide_study_days(request=asked, agree=True, by=pm)
    supervision.record_group_session(
        group=enrolment.practice_group,
        recorded_by=pm,
        attendance=[(enrolment, True)],
        held_on=date(2026, 9, 8),
        start_time=time(10),
        reflection="Reflection on first visits",
        training_to_practice="Induction",
        today=ON,
    )
    with time_machine.travel(ON):
        services.record_learning_time(
            enrolment=enrolment,
            kind=kind("training"),
            on=date(2026, 9, 9),
            hours=Decimal("3"),
            what="Signs of Safety introduction",
            by=enrolment.person,
        )
    found = protected_time(enrolment, ON)
    assert found.hours == Decimal("3.7") + 2 + 3
    assert dict(found.by_kind) == {
        "Study day": Decimal("3.7"),
        "PM group supervision": 2,
        "Training course": 3,
    }


def test_the_default_length_when_no_hours_given(enrolment):
    with time_machine.travel(ON):
        entry = services.record_learning_time(
            enrolment=enrolment,
            kind=kind("training"),
            on=ON,
            hours=None,
            what="Court skills",
            by=enrolment.person,
        )
    assert entry.hours == Decimal("7.4")


def test_time_is_recorded_within_the_asye_and_not_ahead(enrolment):
    with time_machine.travel(ON):
        with pytest.raises(ValidationError, match="starts on"):
            services.record_learning_time(
                enrolment=enrolment,
                kind=kind("other"),
                on=date(2026, 8, 31),
                hours=None,
                what="x",
                by=enrolment.person,
            )
        with pytest.raises(ValidationError, match="once it is spent"):
            services.record_learning_time(
                enrolment=enrolment,
                kind=kind("other"),
                on=date(2026, 9, 15),
                hours=None,
                what="x",
                by=enrolment.person,
            )


def test_a_trainee_has_no_protected_time(db):
    assert protected_time(factories.TraineeEnrolmentFactory(), ON) is None


def test_the_moderation_checklist_answer_comes_from_the_share():
    assert protected_time_answer({"checklist": {"protected_time": {"met": True}}}) == "yes"
    assert protected_time_answer({"checklist": {"protected_time": {"met": False}}}) == "no"
    assert protected_time_answer({"checklist": {}}) == ""
    assert protected_time_answer({}) == ""


def test_the_record_and_portfolio_show_the_share(client, enrolment):
    attend_workshop(enrolment)
    with time_machine.travel(ON):
        client.force_login(enrolment.practice_group.practice_manager.user)
        record = client.get(reverse("learning:record", args=[enrolment.pk])).content.decode()
        portfolio = client.get(reverse("assessment:portfolio", args=[enrolment.pk]))
    assert "<strong>10.0%</strong> against 10%" in record
    assert "<strong>10.0%</strong> against 10%" in portfolio.content.decode()
    assert 'id="learning-title"' in portfolio.content.decode()
