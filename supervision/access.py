"""Who sees and records supervision.

A worker's supervision record is seen by whoever sees their enrolment (cohorts/access.py).
Recording is narrower: 1:1s, joint supervisions and "more frequent support" are the
worker's own PM's (or an admin's); a PM group session is the group's PM's; an assessor
group session is for the NQSWs the assessor assesses (SUP-GROUP).
"""

import rules
from django.db.models import Q
from django.urls import reverse

from academy.access import (
    NOTHING,
    first_or_404,
    is_administrator,
    leads_practice_group,
    person_of,
    sees_every_cohort,
)
from academy.navigation import MenuItem, RecordLink
from cohorts.access import leads_enrolment_group, visible_enrolments
from cohorts.models import Enrolment
from supervision.models import Session


def session_filter(user) -> Q:
    """Supervision sessions the user led, or held for a worker whose enrolment they see."""
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    visible = visible_enrolments(user).values("pk")
    return Q(supervisor=person) | Q(attendances__enrolment__in=visible)


@rules.predicate
def assesses_current_nqsws(user) -> bool:
    person = person_of(user)
    return person is not None and Enrolment.objects.current().filter(assessor=person).exists()


can_record_supervision = is_administrator | leads_enrolment_group
can_record_group_supervision = is_administrator | leads_practice_group


def records_for_everyone(user) -> bool:
    """An administrator records any team's supervision (the overview offers every team)."""
    return is_administrator(user)


def register():
    rules.add_perm("supervision.add_session", can_record_supervision)
    rules.add_perm("supervision.add_supportrecord", can_record_supervision)
    rules.add_perm("supervision.add_group_session", can_record_group_supervision)
    rules.add_perm("supervision.add_assessor_session", assesses_current_nqsws)


def get_session_for_user(user, pk):
    return first_or_404(
        (
            Session.objects.filter(session_filter(user))
            .filter(pk=pk)
            .select_related("supervisor", "recorded_by")
            .distinct()
        ),
        "supervision session",
    )


def menu(user) -> list[MenuItem]:
    person = person_of(user)
    if person is not None and person.is_early_career:
        return [MenuItem("My supervision", "supervision:my_record", "supervision")]
    return [MenuItem("Supervision", "supervision:overview", "supervision")]


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """For the enrolment page, `enrolment` being one `user` may see. The supervision record opens
    for whoever may see the enrolment (get_enrolment_for_user).
    """
    return [RecordLink("Supervision record", reverse("supervision:record", args=[enrolment.pk]))]
