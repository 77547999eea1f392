"""Who sees caseloads, asks for allocations and decides them.

A worker's caseload (their allocations, requests and findings) is seen by whoever sees their
enrolment (cohorts/access.py), and by the worker. Asking for an allocation is for practice
managers and group managers (a service PM or GM asks the academy PM), and administrators:
the form then offers only the workers they see. Deciding a request, ending an allocation
and signing off visits are ALLOC-APPROVE / VISIT-SIGNOFF decisions: the academy PM of the
worker's team, or an administrator (`can_decide` is the one rule). The caseload audit
reads a report the PM, GM or Professional Practice team exported.
"""

import rules
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from academy.access import (
    NOTHING,
    acting_person,
    first_or_404,
    is_administrator,
    is_professional_practice,
    person_of,
    sees_every_cohort,
)
from academy.models import Person, PracticeGroup
from academy.navigation import MenuItem, RecordLink
from caseloads.models import Allocation, Case
from cohorts.access import known_enrolment_parts, leads_enrolment_group
from cohorts.models import Enrolment

_LOOK_IT_UP = object()


def allocation_filter(user) -> Q:
    """Allocations of the workers whose enrolments `user` sees, and the user's own."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    # One IN over a UNION ALL of indexed parts (issue 17): an OR of `worker = me` with the
    # enrolments' subquery made PostgreSQL scan every allocation for the requests page.
    own = Person.objects.filter(pk=person.pk).values("pk")
    seen = [part.values("person_id") for part in known_enrolment_parts(person)]
    return Q(worker_id__in=own.union(*seen, all=True))


@rules.predicate
def manages_practice(user) -> bool:
    """A practice manager or group manager (of an academy team or not)."""
    person = person_of(user)
    return person is not None and person.role in (
        Person.Role.PRACTICE_MANAGER,
        Person.Role.GROUP_MANAGER,
    )


def decides_for(user_or_person, worker: Person, *, enrolment=_LOOK_IT_UP, service_id=None):
    """ALLOC-APPROVE: the academy PM of the worker's team, or an administrator.

    `enrolment` is the worker's current enrolment when the caller has it loaded (a board
    or queue decides many rows without a query each). A worker outside ALLOC-APPROVE (no
    current enrolment: a Grade 10/11 SW, an ASWP, a main-team social worker co-working) has
    allocations recorded by the PM of their academy team, or by a PM of an academy team in
    the case's service (`service_id`).
    """
    if is_administrator(user_or_person):
        return True
    person = acting_person(user_or_person)
    if person is None:
        return False
    if (
        enrolment is _LOOK_IT_UP
        or enrolment is None
        or enrolment.status not in Enrolment.CURRENT_STATUSES
    ):
        enrolment = (
            Enrolment.objects.current()
            .filter(person_id=worker.pk)
            .select_related("practice_group")
            .first()
        )
    if enrolment is not None:
        return enrolment.practice_group.practice_manager_id == person.pk
    if worker.practice_group_id and worker.practice_group.practice_manager_id == person.pk:
        return True
    return (
        service_id is not None
        and PracticeGroup.objects.filter(practice_manager=person, service_id=service_id).exists()
    )


def can_decide(user_or_person, allocation: Allocation, *, enrolment=_LOOK_IT_UP) -> bool:
    """ALLOC-APPROVE for one allocation (decides_for, with the case's service)."""
    return decides_for(
        user_or_person,
        allocation.worker,
        enrolment=enrolment,
        service_id=allocation.case.service_id,
    )


def decides_filter(user) -> Q:
    """`can_decide` as a condition on allocations (the requests page's order): the
    workers of the teams `user` leads, and workers with no current enrolment whose team
    they lead or whose case is in a service where they lead an academy team."""
    if is_administrator(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    led = PracticeGroup.objects.filter(practice_manager=person)
    if not led.exists():
        # Every arm below needs a team they lead: a group manager leading none decides
        # nothing, said plainly so that the requests page sorts on an index (issue 17).
        return NOTHING
    current = Enrolment.objects.current()
    teams = current.filter(practice_group__practice_manager=person).values("person_id")
    services = led.values("service_id")
    return Q(worker_id__in=teams) | (
        ~Q(worker_id__in=current.values("person_id"))
        & (Q(worker__practice_group__practice_manager=person) | Q(case__service_id__in=services))
    )


def requests_waiting_for(user):
    """The academy PM's queue: requests for workers in the teams they lead (can_decide's
    rule for workers with a current enrolment, as a query)."""
    person = person_of(user)
    if person is None:
        return Allocation.objects.none()
    teams = Enrolment.objects.current().filter(practice_group__practice_manager=person)
    return Allocation.objects.filter(
        status=Allocation.Status.REQUESTED, worker_id__in=teams.values("person_id")
    )


@rules.predicate
def decides_allocation(user, allocation) -> bool:
    return allocation is not None and can_decide(user, allocation)


def register():
    rules.add_perm("caseloads.request_allocation", is_administrator | manages_practice)
    rules.add_perm("caseloads.decide_allocation", decides_allocation)
    rules.add_perm("caseloads.end_allocation", decides_allocation)
    rules.add_perm("caseloads.sign_off_visits", is_administrator | leads_enrolment_group)
    rules.add_perm(
        "caseloads.audit_caseloads",
        is_administrator | manages_practice | is_professional_practice,
    )


def get_allocation_for_user(user, pk):
    return first_or_404(
        (
            Allocation.objects.visible_to(user)
            .select_related("case__service", "worker", "requested_by", "decided_by", "ended_by")
            .filter(pk=pk)
        ),
        "allocation",
    )


def get_case_for_user(user, pk):
    """A case whose allocations `user` sees (any of them), or 404."""
    visible = Allocation.objects.visible_to(user).filter(case_id=pk)
    found = Case.objects.select_related("service").filter(pk=pk).first()
    if found is None or not (sees_every_cohort(user) or visible.exists()):
        raise Http404("No such case.")
    return found


def menu(user) -> list[MenuItem]:
    person = person_of(user)
    if person is not None and person.is_early_career:
        return [MenuItem("My caseload", "caseloads:my_caseload", "caseloads")]
    return [MenuItem("Caseloads", "caseloads:board", "caseloads")]


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """For the enrolment page, `enrolment` being one `user` may see. Its caseload page opens for
    whoever may see the enrolment (get_enrolment_for_user).
    """
    return [RecordLink("Caseload", reverse("caseloads:worker", args=[enrolment.pk]))]
