"""Who sees and records the training pathway (TRAINING-MANDATORY), concerns and the PiP
(CAPABILITY) and move-on (MOVE-ON).

- Pathway courses are a published timetable: every signed-in member of staff sees them.
  Places and attendance are seen by whoever sees the NQSW's enrolment. The L&D officer
  (or an administrator) publishes courses and records attendance.
- A cancellation or non-attendance is decided by the NQSW's PM and by their GM, each once;
  the manager in that role changes the decision, with a reason, until the ASYE is over.
  Nobody else decides, a superuser included: the rule names those two managers.
- The cancellation flags are for the Professional Practice team (the Service Development
  Lead – Professional Practice among them) and administrators.
- Concerns are confidential: only the NQSW, their assessor, PM, GM and the Professional
  Practice team see them (CAPABILITY). Not administrators, not a superuser: a capability
  record is not an administrative one. The assessor or the PM raises one; the Service
  Development Lead reviews it; the SDL or the NQSW's GM records the PiP's outcome.
- Move-on is recorded by a group manager of the NQSW's service (or an administrator).
"""

import rules
from django.db.models import Q
from django.http import Http404

from academy.access import NOTHING, allowed, is_administrator, person_of
from academy.models import Person
from academy.navigation import MenuItem
from cohorts.access import known_enrolment_filter, visible_enrolments
from cohorts.models import Enrolment
from learning.models import AbsenceDecision, Attendance, Concern, PathwayCourse


def _role_is(user, *roles) -> bool:
    person = person_of(user)
    return person is not None and person.role in roles


@rules.predicate
def is_ld_officer(user) -> bool:
    return _role_is(user, Person.Role.LD_OFFICER)


@rules.predicate
def is_sdl_professional_practice(user) -> bool:
    """The Service Development Lead – Professional Practice (CAPABILITY, TRAINING-MANDATORY)."""
    return _role_is(user, Person.Role.SERVICE_DEVELOPMENT_LEAD)


@rules.predicate
def is_professional_practice_team(user) -> bool:
    person = person_of(user)
    return person is not None and person.is_professional_practice


def manages_enrolment_as_gm(person: Person | None, enrolment: Enrolment) -> bool:
    """A group manager of the NQSW's team, or of its service."""
    if person is None or person.role != Person.Role.GROUP_MANAGER:
        return False
    group = enrolment.practice_group
    return group.group_manager_id == person.pk or (
        person.service_id is not None and person.service_id == group.service_id
    )


def gm_enrolment_filter(person: Person) -> Q:
    """`manages_enrolment_as_gm` as a query on enrolments: the GM of the NQSW's team, or a
    group manager of its service."""
    if person.role != Person.Role.GROUP_MANAGER:
        return NOTHING
    mine = Q(practice_group__group_manager=person)
    if person.service_id is not None:
        mine |= Q(practice_group__service_id=person.service_id)
    return mine


def absences_awaiting_gm(user):
    """TRAINING-MANDATORY: the cancellations and non-attendances of current NQSWs and
    trainees the user manages as their GM that have no GM decision yet, by course date.

    Current enrolments only: once an ASYE is over its record stands as it was
    (`pathway_services.decisions_frozen_because`), so nothing waits on the GM there. A PM's
    refusal does not take it off the list: each manager decides once, in their own role."""
    person = person_of(user)
    if person is None:
        return Attendance.objects.none()
    return (
        Attendance.objects.absences()
        .filter(enrolment__in=Enrolment.objects.current().filter(gm_enrolment_filter(person)))
        .exclude(decisions__as_role=AbsenceDecision.AsRole.GROUP_MANAGER)
        .order_by("course__held_on", "enrolment__person__full_name")
    )


def decides_absence_as(user, attendance: Attendance) -> list[str]:
    """The roles (PM, GM) in which the user decides this absence (TRAINING-MANDATORY)."""
    person = person_of(user)
    if person is None:
        return []
    enrolment = attendance.enrolment
    roles = []
    if enrolment.practice_group.practice_manager_id == person.pk:
        roles.append(AbsenceDecision.AsRole.PRACTICE_MANAGER)
    if manages_enrolment_as_gm(person, enrolment):
        roles.append(AbsenceDecision.AsRole.GROUP_MANAGER)
    return roles


@rules.predicate
def is_group_manager(user) -> bool:
    return _role_is(user, Person.Role.GROUP_MANAGER)


@rules.predicate
def raises_concern_about(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and (
        enrolment.assessor_id == person.pk
        or enrolment.practice_group.practice_manager_id == person.pk
    )


@rules.predicate
def records_pip_outcome(user, concern) -> bool:
    return is_sdl_professional_practice(user) or manages_enrolment_as_gm(
        person_of(user), concern.enrolment
    )


@rules.predicate
def records_move_on(user, enrolment) -> bool:
    return manages_enrolment_as_gm(person_of(user), enrolment)


def move_on_enrolments(user):
    """The current NQSWs in their ASYE whose move-on `user` records: `learning.record_move_on`
    as a query, so the move-on list filters in SQL instead of asking the rule row by row."""
    enrolments = visible_enrolments(user).current().filter(kind=Enrolment.Kind.ASYE)
    if is_administrator(user):
        return enrolments
    person = person_of(user)
    if person is None:
        return enrolments.none()
    return enrolments.filter(gm_enrolment_filter(person))


can_run_pathway = is_administrator | is_ld_officer
sees_cancellation_flags = is_administrator | is_professional_practice_team


def register():
    rules.add_perm("learning.publish_course", can_run_pathway)
    rules.add_perm("learning.record_attendance", can_run_pathway)
    rules.add_perm("learning.view_cancellation_flags", sees_cancellation_flags)
    rules.add_perm("learning.raise_concern", raises_concern_about)
    rules.add_perm("learning.review_concern", is_sdl_professional_practice)
    rules.add_perm("learning.record_pip_outcome", records_pip_outcome)
    rules.add_perm("learning.record_move_on", is_administrator | records_move_on)
    rules.add_perm("learning.view_move_on", is_administrator | is_group_manager)


# --- Visibility ------------------------------------------------------------------------------


def sees_courses(user) -> bool:
    return is_administrator(user) or person_of(user) is not None


def attendance_filter(user) -> Q:
    return Q(enrolment__in=visible_enrolments(user).values("pk"))


def concern_filter(user) -> Q:
    """CAPABILITY: the NQSW, their assessor, PM, GM and the Professional Practice team."""
    person = person_of(user)
    if person is None:
        return NOTHING
    if person.is_professional_practice:
        return Q()
    return Q(enrolment__in=Enrolment.objects.filter(known_enrolment_filter(person)).values("pk"))


def get_course_for_user(user, pk) -> PathwayCourse:
    course = None
    if sees_courses(user):
        course = PathwayCourse.objects.select_related("cohort", "published_by").filter(pk=pk)
        course = course.first()
    if course is None:
        raise Http404("No such course.")
    return course


def get_attendance_for_user(user, pk) -> Attendance:
    attendance = (
        Attendance.objects.filter(attendance_filter(user))
        .select_related(
            "course",
            "enrolment__person",
            "enrolment__practice_group__practice_manager",
            "enrolment__practice_group__group_manager",
        )
        .prefetch_related("decisions__decided_by")
        .filter(pk=pk)
        .first()
    )
    if attendance is None:
        raise Http404("No such place on a course.")
    return attendance


def get_absence_decision_for_user(user, pk) -> AbsenceDecision:
    """A PM's or GM's decision on a place the user sees, or 404."""
    decision = (
        AbsenceDecision.objects.filter(
            attendance__in=Attendance.objects.filter(attendance_filter(user))
        )
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404("No such decision.")
    return decision


def get_concern_for_user(user, pk) -> Concern:
    concern = (
        Concern.objects.visible_to(user)
        .select_related(
            "enrolment__person",
            "enrolment__assessor",
            "enrolment__practice_group__practice_manager",
            "enrolment__practice_group__group_manager",
            "raised_by",
            "reviewed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404("No such concern.")
    return concern


def concern_enrolments(user):
    """Current enrolments the user may raise a concern about (assessor or PM)."""
    person = person_of(user)
    if person is None:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.current()
        .filter(Q(assessor=person) | Q(practice_group__practice_manager=person))
        .select_related("person")
        .order_by("person__full_name")
    )


def menu(user) -> list[MenuItem]:
    if not sees_courses(user):
        return []
    items = [MenuItem("Training pathway", "learning:pathway")]
    if allowed(user, "learning.view_cancellation_flags"):
        items.append(MenuItem("Training cancellations", "learning:cancellations"))
    person = person_of(user)
    if person is not None and (
        person.is_professional_practice
        or person.is_early_career
        or person.role
        in (Person.Role.ASSESSOR, Person.Role.PRACTICE_MANAGER, Person.Role.GROUP_MANAGER)
    ):
        items.append(MenuItem("Concerns", "learning:concerns"))
    if allowed(user, "learning.view_move_on"):
        items.append(MenuItem("Move-on", "learning:move_on"))
    return items
