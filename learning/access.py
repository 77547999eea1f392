"""Who sees and plans the MASH rota (MASH-ROTA).

A team's rota is seen by whoever sees the team (academy.access.practice_group_filter: its
PM and GM, the service's GMs, staff placed in it, the Professional Practice team and
administrators); it is planned, changed and published by the team's PM, or an
administrator. An NQSW sees their own MASH days, published ones only.

The learning record of an enrolment (LEARNING-OPPS, STUDY-DAYS, WORKSHOPS, PROTECTED-TIME)
is seen by whoever sees the enrolment; the workshops' days are scheduled by the L&D officer
or an administrator.
"""

import rules
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from academy.access import (
    is_administrator,
    leads_practice_group,
    person_of,
    practice_group_filter,
)
from academy.models import Person, PracticeGroup
from academy.navigation import MenuItem, RecordLink
from cohorts.access import (
    can_view_enrolment,
    get_enrolment_for_user,
    is_the_enrolled_worker,
    leads_enrolment_group,
)
from cohorts.models import Enrolment
from learning.models import (
    LearningOpportunity,
    MashDay,
    MashRota,
    StudyDayRequest,
    Workshop,
)
from learning.rota import is_available


def rota_filter(user) -> Q:
    """Rotas of the teams the user sees (nothing for an NQSW, who has no team of staff)."""
    visible = PracticeGroup.objects.filter(practice_group_filter(user)).values("pk")
    return Q(practice_group__in=visible)


@rules.predicate
def plans_rota_of_group(user, group) -> bool:
    return leads_practice_group(user, group)


can_plan_mash = is_administrator | plans_rota_of_group


# LEARNING-OPPS, STUDY-DAYS, WORKSHOPS, PROTECTED-TIME: the NQSW's own PM (or an
# administrator) offers, agrees and records for the team; the NQSW records what they did
# and asks for study days. Everyone who sees the enrolment sees its learning record.
can_manage_learning = is_administrator | leads_enrolment_group
can_record_own_learning = can_manage_learning | is_the_enrolled_worker


@rules.predicate
def is_learning_and_development_officer(user) -> bool:
    """The L&D officer runs the workshops with the university (WORKSHOPS)."""
    person = person_of(user)
    return person is not None and person.role == Person.Role.LD_OFFICER


# WORKSHOPS: attendance and the credits awarded are recorded by the NQSW's PM, the L&D
# officer or an administrator; the NQSW may say they submitted the assignment.
can_record_workshops = can_manage_learning | is_learning_and_development_officer
can_record_credits_submitted = can_record_own_learning | is_learning_and_development_officer
# WORKSHOPS: the days themselves are set with the university for a whole cohort, by the L&D
# officer (or an administrator); a PM records attendance for their team only, so schedules
# nothing.
can_schedule_workshops = is_administrator | is_learning_and_development_officer


def register():
    rules.add_perm("learning.plan_mash", can_plan_mash)
    rules.add_perm("learning.view_learning", can_view_enrolment)
    rules.add_perm("learning.manage_learning", can_manage_learning)
    rules.add_perm("learning.record_own_learning", can_record_own_learning)
    # Only the NQSW asks for their own study days (STUDY-DAYS): never a superuser.
    rules.add_perm("learning.request_study_days", is_the_enrolled_worker)
    rules.add_perm("learning.record_workshops", can_record_workshops)
    rules.add_perm("learning.record_credits_submitted", can_record_credits_submitted)
    rules.add_perm("learning.schedule_workshops", can_schedule_workshops)


def get_learning_enrolment_for_user(user, pk) -> Enrolment:
    """The enrolment whose learning record the user sees, or 404."""
    return get_enrolment_for_user(user, pk)


def get_opportunity_for_user(user, enrolment, pk) -> LearningOpportunity:
    opportunity = LearningOpportunity.objects.filter(pk=pk).first()
    if opportunity is None:
        raise Http404("No such learning opportunity.")
    return opportunity


def plans_for_every_team(user) -> bool:
    return is_administrator(user)


def get_rota_for_user(user, pk) -> MashRota:
    rota = (
        MashRota.objects.visible_to(user)
        .select_related("practice_group__practice_manager", "published_by", "created_by")
        .filter(pk=pk)
        .first()
    )
    if rota is None:
        raise Http404("No such MASH rota.")
    return rota


def get_day_for_user(user, rota, pk) -> MashDay:
    day = (
        rota.days.select_related("enrolment__person", "enrolment__practice_group")
        .prefetch_related("enrolment__extensions")
        .filter(pk=pk)
        .first()
    )
    if day is None:
        raise Http404("No such MASH day.")
    return day


def upcoming_mash_days(person, today, limit=5, enrolments=()) -> list[MashDay]:
    """The person's next published MASH days, leave excepted (their home page).
    `enrolments`: their enrolments as the caller already read them (programme and
    extensions), so each day's availability is judged on those instead of reading them
    again."""
    days = MashDay.objects.published_for(person).filter(date__gte=today)
    if enrolments:
        days = days.prefetch_related(None)
    days = list(days[: limit * 4])
    known = {enrolment.pk: enrolment for enrolment in enrolments}
    for day in days:
        day.enrolment = known.get(day.enrolment_id, day.enrolment)
    return [day for day in days if is_available(day.enrolment, day.date)][:limit]


def menu(user) -> list[MenuItem]:
    person = person_of(user)
    if person is not None and person.is_early_career:
        items = [MenuItem("My learning", "learning:mine")]
        # MASH-ROTA is for NQSWs in their ASYE: a trainee is never on the rota.
        if person.role == Person.Role.NQSW:
            items.append(MenuItem("My MASH days", "learning:my_mash"))
        return items
    items = []
    if is_administrator(user) or (person is not None and person.led_groups.exists()):
        items.append(MenuItem("MASH rota", "learning:mash_overview", "learning"))
    if can_schedule_workshops(user):
        items.append(MenuItem("Workshops", "learning:workshops"))
    return items


def get_study_request_for_user(user, enrolment, pk) -> StudyDayRequest:
    found = enrolment.study_requests.filter(pk=pk).first()
    if found is None:
        raise Http404("No such study day request.")
    return found


def get_scheduled_workshop_for_user(user, pk) -> Workshop:
    """A workshop day, for the people who schedule them (WORKSHOPS); 404 to anyone else,
    who reaches a workshop only through an NQSW's record."""
    found = None
    if can_schedule_workshops(user):
        found = Workshop.objects.select_related("theme", "cohort").filter(pk=pk).first()
    if found is None:
        raise Http404("No such workshop.")
    return found


def get_workshop_for_user(user, enrolment, pk) -> Workshop:
    """A workshop of the enrolment's cohort, or 404."""
    found = Workshop.objects.filter(pk=pk, cohort_id=enrolment.cohort_id).first()
    if found is None:
        raise Http404("No such workshop.")
    return found


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """For the enrolment page: the learning record opens for whoever sees the enrolment."""
    return [RecordLink("Learning and development", reverse("learning:record", args=[enrolment.pk]))]
