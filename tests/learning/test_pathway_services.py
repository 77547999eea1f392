"""The rules of the training pathway (TRAINING-MANDATORY), concerns and the PiP (CAPABILITY)
and move-on (MOVE-ON), each at its boundary, through the services users go through."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from academy.models import Person
from assessment import services as assessment_services
from assessment.models import Review
from cohorts.models import Cohort, Enrolment
from learning import pathway_services as services
from learning.models import AbsenceDecision, Attendance, CancellationPolicy, Concern
from tests import factories

PM, GM = AbsenceDecision.AsRole.PRACTICE_MANAGER, AbsenceDecision.AsRole.GROUP_MANAGER


@pytest.fixture
def sdl(db):
    return factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD)


def course_for(enrolment, ld, held_on=date(2026, 10, 5), places=10, title="Pathway course"):
    return services.publish_course(
        kind="course",
        title=title,
        held_on=held_on,
        places=places,
        cohort=enrolment.cohort,
        by=ld,
    )


def absent(enrolment, ld, status=Attendance.Status.CANCELLED, n=1):
    course = course_for(enrolment, ld, title=f"Course {n}")
    place = services.book_place(course=course, enrolment=enrolment, by=ld)
    return services.record_attendance(attendance=place, status=status, by=ld)


def test_the_cancellation_threshold_is_seeded_as_three(db):
    assert CancellationPolicy.flag_at_on(date(2026, 12, 1)) == 3


def test_both_the_pm_and_the_gm_must_authorise(people, enrolment, ld):
    place = absent(enrolment, ld)
    services.decide_absence(attendance=place, as_role=GM, authorised=True, by=people["gm"])
    place = Attendance.objects.for_listing().get(pk=place.pk)
    # GM-only is not enough (TRAINING-MANDATORY).
    assert place.authorisation == "awaiting" and place.is_unauthorised_absence
    services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["pm"])
    place = Attendance.objects.for_listing().get(pk=place.pk)
    assert place.authorisation == "authorised" and not place.is_unauthorised_absence


def test_either_manager_may_refuse(people, enrolment, ld):
    place = absent(enrolment, ld, status=Attendance.Status.DID_NOT_ATTEND)
    services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["pm"])
    services.decide_absence(
        attendance=place, as_role=GM, authorised=False, note="Not a good reason", by=people["gm"]
    )
    place = Attendance.objects.for_listing().get(pk=place.pk)
    assert place.authorisation == "refused"
    findings = services.attendance_findings(place, 3, 0)
    assert [f.rule for f in findings] == ["TRAINING-MANDATORY"] and findings[0].is_breach


def test_a_refusal_says_why(people, enrolment, ld):
    place = absent(enrolment, ld)
    with pytest.raises(ValidationError, match="Say why"):
        services.decide_absence(attendance=place, as_role=PM, authorised=False, by=people["pm"])


def test_each_manager_decides_once_and_only_in_their_own_role(people, enrolment, ld):
    place = absent(enrolment, ld)
    with pytest.raises(ValidationError, match="TRAINING-MANDATORY"):
        services.decide_absence(attendance=place, as_role=GM, authorised=True, by=people["pm"])
    with pytest.raises(ValidationError, match="TRAINING-MANDATORY"):
        services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["admin"])
    services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["pm"])
    with pytest.raises(ValidationError, match="already decided"):
        services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["pm"])


def test_attendance_needs_no_authorisation(people, enrolment, ld):
    place = absent(enrolment, ld, status=Attendance.Status.ATTENDED)
    with pytest.raises(ValidationError, match="Only a cancellation"):
        services.decide_absence(attendance=place, as_role=PM, authorised=True, by=people["pm"])


def test_the_third_cancellation_is_flagged_the_second_not(people, enrolment, ld):
    everyone = Enrolment.objects.all()
    absent(enrolment, ld, n=1)
    absent(enrolment, ld, n=2)
    # A non-attendance is not a cancellation.
    absent(enrolment, ld, status=Attendance.Status.DID_NOT_ATTEND, n=3)
    assert list(services.cancellation_counts(everyone)) == []
    absent(enrolment, ld, n=4)
    flagged = list(services.cancellation_counts(everyone))
    assert [(e.pk, e.cancellations) for e in flagged] == [(enrolment.pk, 3)]


def test_places_are_limited_and_for_the_cohort(people, enrolment, ld):
    course = course_for(enrolment, ld, places=1)
    services.book_place(course=course, enrolment=enrolment, by=ld)
    other = factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    with pytest.raises(ValidationError, match="All 1 places"):
        services.book_place(course=course, enrolment=other, by=ld)
    january = factories.EnrolmentFactory(asye_start=date(2027, 1, 4))
    assert january.cohort != enrolment.cohort
    with pytest.raises(ValidationError, match="is not in"):
        services.book_place(course=course_for(enrolment, ld), enrolment=january, by=ld)


def test_ou_trainees_join_the_september_cohorts_courses(people, enrolment, ld):
    ou = factories.TraineeEnrolmentFactory(
        programme=Enrolment.Programme.OU_BA,
        asye_start=date(2027, 1, 4),
        cohort=Cohort.for_start(date(2027, 1, 4)),
    )
    chichester = factories.TraineeEnrolmentFactory(cohort=Cohort.for_start(date(2027, 1, 4)))
    course = course_for(enrolment, ld)
    eligible = set(services.eligible_enrolments(course).values_list("pk", flat=True))
    assert ou.pk in eligible and chichester.pk not in eligible


# --- CAPABILITY --------------------------------------------------------------------------


@time_machine.travel(date(2027, 3, 1))
def test_the_assessor_or_the_pm_raises_a_concern(people, enrolment):
    for who in ("assessor", "pm"):
        services.raise_concern(
            enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 3, 1), by=people[who]
        )
    for who in ("gm", "admin", "nqsw"):
        with pytest.raises(ValidationError, match="CAPABILITY"):
            services.raise_concern(
                enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 3, 1),
                by=people[who],
            )  # fmt: skip
    with pytest.raises(ValidationError, match="future"):
        services.raise_concern(
            enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 3, 2),
            by=people["assessor"],
        )  # fmt: skip


@time_machine.travel(date(2027, 3, 1))
def test_a_pip_follows_added_support_and_needs_its_outcome(people, enrolment, sdl):
    concern = services.raise_concern(
        enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 2, 1), by=people["pm"]
    )
    with pytest.raises(ValidationError, match="added support first"):
        services.start_pip(
            concern=concern, gm_advised_on=date(2027, 2, 10), pip_started_on=date(2027, 2, 11),
            by=sdl,
        )  # fmt: skip
    services.review_concern(concern=concern, support="Weekly assessor sessions", by=sdl)
    with pytest.raises(ValidationError, match="once the GM"):
        services.start_pip(
            concern=concern, gm_advised_on=date(2027, 2, 10), pip_started_on=date(2027, 2, 9),
            by=sdl,
        )  # fmt: skip
    concern = services.start_pip(
        concern=concern, gm_advised_on=date(2027, 2, 10), pip_started_on=date(2027, 2, 10), by=sdl
    )
    assert concern.status == Concern.Status.PIP and concern.is_unsettled
    assert Concern.objects.unsettled().filter(pk=concern.pk).exists()
    concern = services.record_pip_outcome(
        concern=concern, outcome="met", ended_on=date(2027, 2, 28), notes="Met", by=people["gm"]
    )
    assert not concern.is_unsettled and not Concern.objects.unsettled().exists()


@time_machine.travel(date(2027, 8, 10))
def test_the_final_review_waits_for_the_concerns_outcome(people, enrolment, sdl):
    concern = services.raise_concern(
        enrolment=enrolment, what="x", evidence="y", raised_on=date(2027, 6, 1), by=people["pm"]
    )

    def sign_off():
        return assessment_services.save_review(
            enrolment=enrolment,
            by=people["assessor"],
            kind=Review.Kind.FINAL,
            sign_off=True,
            held_on=date(2027, 8, 10),
            progress="Progress",
        )

    with pytest.raises(ValidationError, match="CAPABILITY"):
        sign_off()
    services.resolve_concern(concern=concern, resolved_on=date(2027, 7, 1), by=sdl)
    assert sign_off().is_signed_off


# --- MOVE-ON -----------------------------------------------------------------------------


@pytest.fixture
def destination(enrolment):
    return factories.PracticeGroupFactory(
        name="Worthing CP", service=enrolment.practice_group.service
    )


def test_move_on_is_recorded_from_month_11(people, enrolment, destination):
    opens = services.move_on_opens(enrolment)
    assert opens == date(2027, 7, 1)
    with pytest.raises(ValidationError, match="from ASYE month 11"):
        services.record_move_on(
            enrolment=enrolment, destination=destination, by=people["gm"], today=date(2027, 6, 30)
        )
    services.record_move_on(
        enrolment=enrolment, destination=destination, by=people["gm"], today=opens
    )
    assert enrolment.move_on.destination == destination


def test_move_on_is_the_services_gm_and_a_group_of_that_service(people, enrolment, destination):
    july = date(2027, 7, 1)
    with pytest.raises(ValidationError, match="group manager"):
        services.record_move_on(
            enrolment=enrolment, destination=destination, by=people["other_gm"], today=july
        )
    elsewhere = factories.PracticeGroupFactory(service=factories.service("CLA"))
    with pytest.raises(ValidationError, match="practice group of"):
        services.record_move_on(
            enrolment=enrolment, destination=elsewhere, by=people["gm"], today=july
        )


def test_the_gm_home_lists_nqsws_without_a_destination(people, enrolment, destination):
    assert services.without_destination_for(people["gm"].user, date(2027, 6, 30)) == []
    july = date(2027, 7, 1)
    assert services.without_destination_for(people["gm"].user, july) == [enrolment]
    assert enrolment not in services.without_destination_for(people["other_gm"].user, july)
    services.record_move_on(
        enrolment=enrolment, destination=destination, by=people["gm"], today=july
    )
    assert services.without_destination_for(people["gm"].user, july) == []


def test_the_move_takes_effect_at_the_end_of_the_asye(people, enrolment, destination):
    services.record_move_on(
        enrolment=enrolment, destination=destination, by=people["gm"], today=date(2027, 7, 1)
    )
    end = enrolment.planned_end()
    assert services.apply_move_ons(today=end) == []
    # The day after the last day of the ASYE.
    moved = services.apply_move_ons(today=end + timedelta(days=1))
    assert [m.enrolment_id for m in moved] == [enrolment.pk]
    person = Person.objects.get(pk=enrolment.person_id)
    assert person.practice_group == destination
    last = person.history.first()
    assert last.practice_group_id == destination.pk and "MOVE-ON" in last.history_change_reason
    assert services.apply_move_ons(today=date(2027, 9, 2)) == []


def test_the_daily_command_applies_the_moves(people, enrolment, destination):
    from io import StringIO

    from django.core.management import call_command

    services.record_move_on(
        enrolment=enrolment, destination=destination, by=people["gm"], today=date(2027, 7, 1)
    )
    out = StringIO()
    with time_machine.travel(date(2027, 9, 1), tick=False):
        call_command("apply_move_on", stdout=out)
    assert "1 move(s) applied." in out.getvalue()
    assert Person.objects.get(pk=enrolment.person_id).practice_group == destination
