"""Who sees and changes enrolments (the spine), and the predicates every feature app
builds on: the enrolled worker, their assessor, the PM who leads their team."""

import rules
from django.db.models import Q
from django.http import Http404

from academy.access import (
    NOTHING,
    allowed,
    first_or_404,
    is_administrator,
    person_of,
    sees_every_cohort,
)
from academy.models import Person, PracticeGroup
from academy.navigation import MenuItem
from cohorts.models import Enrolment, PeopleImport


def enrolment_filter(user) -> Q:
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    return known_enrolment_filter(person)


def known_enrolment_filter(person: Person) -> Q:
    """Enrolments a person sees through their place around the worker: their own, as the
    assessor, as the PM of the team, as a group manager of the team or of its service.

    Not what a role that sees every cohort adds (administrators, the Professional Practice
    team): moderation uses this to keep a portfolio's code from a moderator who knows whose
    it is (MOD-ANON), and the Professional Practice team may resolve codes anyway.
    """
    # The teams are named on the enrolment's own column, not by conditions across the join
    # to the group: an OR across the join makes PostgreSQL scan every enrolment (issue 17),
    # an OR of the enrolment's indexed columns does not. (As a UNION of
    # `known_enrolment_parts` it was slower here: a listing's nine joins are past
    # PostgreSQL's join_collapse_limit, so it joins every enrolment before the semi-join.)
    return Q(person=person) | Q(assessor=person) | _of_teams(person)


def _of_teams(person: Person) -> Q:
    """Enrolments in the teams `person` leads or manages, as an ARRAY read once
    (`academy.lookups`): as an IN over a subquery inside the OR, PostgreSQL used no index
    and found a PM's eight NQSWs by scanning every enrolment (4 ms at 10,000, issue 17)."""
    teams = PracticeGroup.objects.filter(_teams(person)).values("pk")
    return Q(practice_group_id__in_array=teams)


def _teams(person: Person) -> Q:
    """The practice groups whose enrolments `person` sees as their PM or group manager."""
    teams = Q(practice_manager=person)
    if person.role == Person.Role.GROUP_MANAGER:
        teams |= Q(group_manager=person)
        if person.service_id:
            teams |= Q(service_id=person.service_id)
    return teams


def known_enrolment_parts(person: Person) -> list:
    """`known_enrolment_filter`'s enrolments as querysets of one indexed condition each
    (their own, as the assessor, of the teams they lead or manage), for a UNION ALL.

    As an OR inside the allocations' filter it kept PostgreSQL from using the indexes and
    misled its estimates: it guessed half of all enrolments for a PM's eight, and scanned
    every allocation and case for the requests page (23 ms at 10,000 NQSWs against 0.2 ms
    as a union, issue 17)."""
    return [
        Enrolment.objects.filter(person=person),
        Enrolment.objects.filter(assessor=person),
        # A plain IN here, not the OR's ARRAY: alone it is a semi-join PostgreSQL estimates
        # well, and ANY(ARRAY(...)) would be guessed at ten teams for a service's 280.
        Enrolment.objects.filter(
            practice_group__in=PracticeGroup.objects.filter(_teams(person)).values("pk")
        ),
    ]


def knows_enrolment(person: Person | None, enrolment) -> bool:
    """Whether `person` sees this enrolment through their place around the worker."""
    if person is None:
        return False
    return Enrolment.objects.filter(known_enrolment_filter(person), pk=enrolment.pk).exists()


def visible_enrolments(user):
    """Enrolments `user` sees, for subqueries in the feature apps' own filters."""
    return Enrolment.objects.filter(enrolment_filter(user))


def person_filter(user) -> Q:
    """People behind the enrolments the user sees, and the user themself."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    return Q(pk=person.pk) | Q(pk__in=visible_enrolments(user).values("person_id"))


@rules.predicate
def can_view_enrolment(user, enrolment) -> bool:
    return Enrolment.objects.visible_to(user).filter(pk=enrolment.pk).exists()


@rules.predicate
def leads_enrolment_group(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.practice_group.practice_manager_id == person.pk


@rules.predicate
def is_the_enrolled_worker(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.person_id == person.pk


@rules.predicate
def assesses_enrolment(user, enrolment) -> bool:
    person = person_of(user)
    return person is not None and enrolment.assessor_id == person.pk


@rules.predicate
def enrolment_is_current(user, enrolment) -> bool:
    return enrolment.status in Enrolment.CURRENT_STATUSES


# Recording an extension is a management decision: the worker's own PM, or an admin.
can_record_extension = is_administrator | leads_enrolment_group


def register():
    rules.add_perm("cohorts.view_enrolment", can_view_enrolment)
    rules.add_perm("cohorts.add_extension", can_record_extension)


def get_enrolment_for_user(user, pk):
    return first_or_404(Enrolment.objects.visible_to(user).for_listing().filter(pk=pk), "enrolment")


def get_people_import_for_user(user, pk):
    """An upload of the starters CSV: for whoever may import people, and its uploader (who
    may since have lost the role, and still sees what became of their file); 404 to others,
    since a file's report and errors name people."""
    imports = PeopleImport.objects.select_related("uploaded_by").filter(pk=pk)
    if not allowed(user, "academy.import_people"):
        if not getattr(user, "is_authenticated", False):
            raise Http404("No such import.")
        imports = imports.filter(uploaded_by=user)
    return first_or_404(imports, "import")


def menu(user) -> list[MenuItem]:
    person = person_of(user)
    own = person is not None and person.is_early_career
    items = [MenuItem("My enrolment" if own else "Enrolments", "cohorts:enrolment_list")]
    if is_administrator(user):
        items.append(MenuItem("Import people", "cohorts:import_people"))
    return items
