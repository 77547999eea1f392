"""Who may see and change what: the one place every view, list and template asks.

The default policy (architecture note, "Who sees what"):

| role                                   | sees                                           |
|----------------------------------------|------------------------------------------------|
| NQSW / trainee                         | their own enrolment                            |
| practice manager                       | everyone in the practice groups they lead      |
| group manager                          | everyone in their service                      |
| assessor                               | the NQSWs assigned to them                     |
| panel chair, Professional Practice team| every cohort                                   |
| administrator                          | everything                                     |

Each `*_filter(user)` returns a Q for the matching model; the models' `visible_to(user)`
queryset methods apply it, and the `get_*_for_user` helpers turn "not visible" into 404 so
that outsiders cannot learn a record exists.
"""

import rules
from django.db.models import Q
from django.http import Http404

from academy.models import Person

NOTHING = Q(pk__in=[])


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


@rules.predicate
def is_administrator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.ADMIN


@rules.predicate
def sees_every_cohort(user) -> bool:
    """Administrators, the panel chair and the Professional Practice team."""
    if is_administrator(user):
        return True
    person = person_of(user)
    return person is not None and person.is_professional_practice


def enrolment_filter(user) -> Q:
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    q = Q(person=person) | Q(assessor=person) | Q(practice_group__practice_manager=person)
    if person.role == Person.Role.GROUP_MANAGER:
        q |= Q(practice_group__group_manager=person)
        if person.service_id:
            q |= Q(practice_group__service_id=person.service_id)
    return q


def person_filter(user) -> Q:
    """People behind the enrolments the user sees, and the user themself."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from cohorts.models import Enrolment

    visible = Enrolment.objects.filter(enrolment_filter(user)).values("person_id")
    return Q(pk=person.pk) | Q(pk__in=visible)


def practice_group_filter(user) -> Q:
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    q = Q(practice_manager=person) | Q(group_manager=person) | Q(pk=person.practice_group_id)
    if person.role == Person.Role.GROUP_MANAGER and person.service_id:
        q |= Q(service_id=person.service_id)
    return q


@rules.predicate
def can_view_enrolment(user, enrolment) -> bool:
    from cohorts.models import Enrolment

    return Enrolment.objects.visible_to(user).filter(pk=enrolment.pk).exists()


@rules.predicate
def leads_enrolment_group(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.practice_group.practice_manager_id == person.pk


# Recording an extension is a management decision: the worker's own PM, or an admin.
can_record_extension = is_administrator | leads_enrolment_group

rules.add_perm("cohorts.view_enrolment", can_view_enrolment)
rules.add_perm("cohorts.add_extension", can_record_extension)
rules.add_perm("academy.import_people", is_administrator)


def get_enrolment_for_user(user, pk):
    from cohorts.models import Enrolment

    enrolment = Enrolment.objects.visible_to(user).for_listing().filter(pk=pk).first()
    if enrolment is None:
        raise Http404("No such enrolment.")
    return enrolment


# --- Supervision ------------------------------------------------------------------------
# A worker's supervision record is seen by whoever sees their enrolment (the rules above).
# Recording is narrower: 1:1s, joint supervisions and "more frequent support" are the
# worker's own PM's (or an admin's); a PM group session is the group's PM's; an assessor
# group session is for the NQSWs the assessor assesses (SUP-GROUP).


def session_filter(user) -> Q:
    """Supervision sessions the user led, or held for a worker whose enrolment they see."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from cohorts.models import Enrolment

    visible = Enrolment.objects.filter(enrolment_filter(user)).values("pk")
    return Q(supervisor=person) | Q(attendances__enrolment__in=visible)


@rules.predicate
def leads_practice_group(user, group) -> bool:
    person = person_of(user)
    return person is not None and group.practice_manager_id == person.pk


@rules.predicate
def assesses_current_nqsws(user) -> bool:
    from cohorts.models import Enrolment

    person = person_of(user)
    return person is not None and Enrolment.objects.current().filter(assessor=person).exists()


can_record_supervision = is_administrator | leads_enrolment_group
can_record_group_supervision = is_administrator | leads_practice_group

rules.add_perm("supervision.add_session", can_record_supervision)
rules.add_perm("supervision.add_supportrecord", can_record_supervision)
rules.add_perm("supervision.add_group_session", can_record_group_supervision)
rules.add_perm("supervision.add_assessor_session", assesses_current_nqsws)


def get_practice_group_for_user(user, pk):
    from academy.models import PracticeGroup

    group = (
        PracticeGroup.objects.visible_to(user)
        .select_related("service", "office", "practice_manager")
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404("No such practice group.")
    return group


def get_session_for_user(user, pk):
    from supervision.models import Session

    session = (
        Session.objects.filter(session_filter(user))
        .filter(pk=pk)
        .select_related("supervisor", "recorded_by")
        .distinct()
        .first()
    )
    if session is None:
        raise Http404("No such supervision session.")
    return session


# --- Caseloads --------------------------------------------------------------------------
# A worker's caseload (their allocations, requests and findings) is seen by whoever sees
# their enrolment, and by the worker. Asking for an allocation is for practice managers and
# group managers (a service PM or GM asks the academy PM), and administrators: the form
# then offers only the workers they see. Deciding a request, ending an allocation and
# signing off visits are ALLOC-APPROVE / VISIT-SIGNOFF decisions: the academy PM of the
# worker's team, or an administrator (caseloads.services.can_decide is the one rule). The
# caseload audit reads a report the PM, GM or Professional Practice team exported.


def allocation_filter(user) -> Q:
    """Allocations of the workers whose enrolments `user` sees, and the user's own."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from cohorts.models import Enrolment

    workers = Enrolment.objects.filter(enrolment_filter(user)).values("person_id")
    return Q(worker=person) | Q(worker_id__in=workers)


@rules.predicate
def manages_practice(user) -> bool:
    """A practice manager or group manager (of an academy team or not)."""
    person = person_of(user)
    return person is not None and person.role in (
        Person.Role.PRACTICE_MANAGER,
        Person.Role.GROUP_MANAGER,
    )


@rules.predicate
def decides_allocation(user, allocation) -> bool:
    from caseloads.services import can_decide

    return allocation is not None and can_decide(user, allocation)


@rules.predicate
def is_professional_practice(user) -> bool:
    person = person_of(user)
    return person is not None and person.is_professional_practice


rules.add_perm("caseloads.request_allocation", is_administrator | manages_practice)
rules.add_perm("caseloads.decide_allocation", decides_allocation)
rules.add_perm("caseloads.end_allocation", decides_allocation)
rules.add_perm("caseloads.sign_off_visits", is_administrator | leads_enrolment_group)
rules.add_perm(
    "caseloads.audit_caseloads", is_administrator | manages_practice | is_professional_practice
)


def get_allocation_for_user(user, pk):
    from caseloads.models import Allocation

    allocation = (
        Allocation.objects.visible_to(user)
        .select_related("case__service", "worker", "requested_by", "decided_by", "ended_by")
        .filter(pk=pk)
        .first()
    )
    if allocation is None:
        raise Http404("No such allocation.")
    return allocation


# --- Assessment -------------------------------------------------------------------------
# An NQSW's ASYE portfolio is read by whoever sees their enrolment (the rules above). Who
# writes each kind of record: the NQSW their own logs, feedback, written work and
# self-assessments; the assessor feedback on logs, assessed written work, the agreement,
# reviews, plans and the recommendation; the assessor or the NQSW's PM an observation
# (OBS-THREE: the PM normally makes the third); either the NQSW or the assessor maps
# evidence. A finished ASYE's portfolio is read-only. The objects are enrolments, except
# for changing an observation, which only its observer may do.


@rules.predicate
def is_the_enrolled_worker(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.person_id == person.pk


@rules.predicate
def assesses_enrolment(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.assessor_id == person.pk


@rules.predicate
def portfolio_open(user, enrolment) -> bool:
    return enrolment.status in ("active", "deferred")


@rules.predicate
def made_the_observation(user, observation) -> bool:
    person = person_of(user)
    return (
        person is not None
        and observation.observer_id == person.pk
        and portfolio_open(user, observation.enrolment)
    )


nqsw_writes = is_the_enrolled_worker & portfolio_open
assessor_writes = assesses_enrolment & portfolio_open

rules.add_perm("assessment.view_portfolio", can_view_enrolment)
rules.add_perm(
    "assessment.add_directobservation",
    (assesses_enrolment | leads_enrolment_group) & portfolio_open,
)
rules.add_perm("assessment.change_directobservation", made_the_observation)
rules.add_perm("assessment.reflect_on_directobservation", nqsw_writes)
rules.add_perm("assessment.add_reflectionlog", nqsw_writes)
rules.add_perm("assessment.add_assessorfeedback", assessor_writes)
rules.add_perm("assessment.add_practicefeedback", nqsw_writes)
rules.add_perm("assessment.add_writtenwork", nqsw_writes)
rules.add_perm("assessment.assess_writtenwork", assessor_writes)
rules.add_perm("assessment.add_selfassessment", nqsw_writes)
rules.add_perm(
    "assessment.map_evidence", (is_the_enrolled_worker | assesses_enrolment) & portfolio_open
)
rules.add_perm("assessment.add_supportagreement", assessor_writes)
rules.add_perm("assessment.add_review", assessor_writes)
rules.add_perm("assessment.add_developmentplan", assessor_writes)
rules.add_perm("assessment.add_recommendation", assessor_writes)


def get_portfolio_for_user(user, pk):
    """The ASYE enrolment whose portfolio `user` may read, or 404 (trainees have none)."""
    enrolment = get_enrolment_for_user(user, pk)
    if enrolment.kind != "asye":
        raise Http404("No such portfolio.")
    return enrolment
