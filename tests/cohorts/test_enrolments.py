"""Enrolment rules: ASSESSOR-INDEPENDENT, the database constraints, EXT-1 and MONTH-2."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academy.models import Person
from cohorts.models import Cohort, Enrolment, ExtensionPolicy
from cohorts.services import record_extension
from tests import factories

pytestmark = pytest.mark.django_db


def test_assessor_who_is_the_groups_pm_is_refused(enrolment):
    enrolment.assessor = enrolment.practice_group.practice_manager
    with pytest.raises(ValidationError) as e:
        enrolment.full_clean()
    assert "ASSESSOR-INDEPENDENT" in str(e.value)
    assert enrolment.practice_group.practice_manager.full_name in str(e.value)


def test_assessor_independence_holds_when_the_group_gets_a_new_pm(enrolment):
    group = enrolment.practice_group
    group.practice_manager = enrolment.assessor
    with pytest.raises(ValidationError) as e:
        group.full_clean()
    assert "ASSESSOR-INDEPENDENT" in str(e.value)


def test_an_nqsw_cannot_assess(enrolment):
    enrolment.assessor = factories.PersonFactory(role=Person.Role.NQSW)
    with pytest.raises(ValidationError, match="cannot be an assessor"):
        enrolment.full_clean()


def test_nobody_assesses_themselves_even_past_validation(enrolment):
    enrolment.assessor = enrolment.person
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()


def test_one_current_enrolment_per_person(enrolment):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnrolmentFactory(person=enrolment.person)
    # A finished enrolment does not block a new one.
    enrolment.status = Enrolment.Status.PASSED
    enrolment.end_date = date(2027, 8, 31)
    enrolment.save()
    factories.EnrolmentFactory(person=enrolment.person)


def test_trainee_needs_a_programme_and_asye_has_none(group):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TraineeEnrolmentFactory(practice_group=group, programme="")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnrolmentFactory(practice_group=group, programme="OU_BA")


def test_asye_needs_a_start_date(group):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnrolmentFactory(
            practice_group=group, asye_start=None, cohort=Cohort.for_start(date(2026, 9, 1))
        )


def test_finished_enrolment_needs_an_end_date(enrolment):
    enrolment.status = Enrolment.Status.WITHDRAWN
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()


def test_cohort_for_start_groups_september_and_january_intakes(db):
    assert Cohort.for_start(date(2026, 9, 7)).intake == "september"
    assert Cohort.for_start(date(2026, 10, 1)) == Cohort.for_start(date(2026, 9, 7))
    january = Cohort.for_start(date(2027, 1, 4))
    assert (january.intake, january.start_date, january.name) == (
        "january",
        date(2027, 1, 1),
        "January 2027",
    )


def extend(enrolment, reason, first, last):
    return record_extension(
        enrolment=enrolment,
        reason=reason,
        first_day=first,
        last_day=last,
        approved_by=enrolment.practice_group.practice_manager,
    )


def test_sickness_of_exactly_six_weeks_is_refused(enrolment):
    # EXT-1: "sickness or absence lasting longer than 6 weeks" - 42 days is not longer.
    with pytest.raises(ValidationError) as e:
        extend(enrolment, "sickness", date(2026, 11, 1), date(2026, 12, 12))
    assert "EXT-1" in str(e.value) and "42 days" in str(e.value)
    assert not enrolment.extensions.exists()


def test_sickness_over_six_weeks_extends_and_moves_every_later_date(enrolment):
    before = dict(enrolment.key_dates())
    extension = extend(enrolment, "sickness", date(2026, 11, 1), date(2026, 12, 13))
    assert extension.absence_days == 43 and extension.months == 1
    enrolment.refresh_from_db()
    after = dict(enrolment.key_dates())
    assert after["End of ASYE"] == date(2027, 9, 30)
    assert before["6-month review due"] == date(2027, 3, 1)
    assert after["6-month review due"] == date(2027, 4, 1)
    assert after["ASYE start"] == before["ASYE start"]
    assert enrolment.asye_month(date(2027, 9, 15)) == 12


def test_maternity_leave_of_any_length_extends(enrolment):
    extension = extend(enrolment, "maternity", date(2027, 1, 4), date(2027, 1, 20))
    assert extension.months == 1


@pytest.mark.parametrize("reason", ["workload", "holiday", "performance"])
def test_any_other_reason_is_refused_with_ext_1(enrolment, reason):
    with pytest.raises(ValidationError) as e:
        extend(enrolment, reason, date(2026, 11, 1), date(2027, 2, 1))
    assert "EXT-1" in str(e.value)


def test_rounding_follows_the_policy_in_force(enrolment):
    ExtensionPolicy.objects.create(effective_from=date(2026, 10, 1), rounding="up")
    assert extend(enrolment, "absence", date(2026, 11, 1), date(2026, 12, 13)).months == 2


def test_minimum_absence_is_policy_data(enrolment):
    ExtensionPolicy.objects.create(effective_from=date(2026, 10, 1), minimum_absence_days=28)
    assert extend(enrolment, "sickness", date(2026, 11, 1), date(2026, 11, 30)).months == 1


def test_enrolment_month_uses_its_extensions(enrolment):
    extend(enrolment, "sickness", date(2026, 11, 10), date(2027, 1, 9))
    fresh = Enrolment.objects.for_listing().get(pk=enrolment.pk)
    assert fresh.asye_month(date(2027, 1, 15)) == 3
    assert fresh.phase(date(2026, 8, 1)) == "before"
    assert fresh.phase(date(2027, 10, 1)) == "during"
    assert fresh.phase(date(2027, 11, 1)) == "after"


def test_a_trainee_without_an_asye_start_is_not_in_the_asye(group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    assert trainee.asye_month(date(2026, 11, 1)) is None
    assert trainee.key_dates() == [("Placement began", trainee.cohort.start_date)]


def test_changes_are_kept_in_history(enrolment):
    enrolment.status = Enrolment.Status.DEFERRED
    enrolment.save()
    assert [h.status for h in enrolment.history.all()] == ["deferred", "active"]
    assert enrolment.person.history.exists()


def test_an_overlapping_extension_is_refused_naming_both_absences(enrolment):
    # Issue 15 item 4: the same absence recorded twice moved the end of the ASYE twice.
    extend(enrolment, "sickness", date(2026, 11, 2), date(2027, 1, 1))
    with pytest.raises(ValidationError) as e:
        extend(enrolment, "sickness", date(2026, 12, 1), date(2027, 2, 1))
    message = str(e.value)
    assert "EXT-1" in message
    assert "02/11/2026–01/01/2027" in message and "01/12/2026–01/02/2027" in message
    assert enrolment.extensions.count() == 1
    enrolment.refresh_from_db()
    assert enrolment.planned_end() == date(2027, 10, 31)


def test_an_identical_extension_is_refused(enrolment):
    extend(enrolment, "maternity", date(2027, 1, 4), date(2027, 6, 30))
    with pytest.raises(ValidationError, match="EXT-1"):
        extend(enrolment, "maternity", date(2027, 1, 4), date(2027, 6, 30))
    assert enrolment.extensions.count() == 1


def test_a_second_absence_straight_after_the_first_is_extended_for(enrolment):
    extend(enrolment, "sickness", date(2026, 11, 2), date(2027, 1, 1))
    extend(enrolment, "sickness", date(2027, 1, 2), date(2027, 3, 1))
    assert enrolment.extensions.count() == 2
