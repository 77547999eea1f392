"""Who reads and writes an NQSW's ASYE portfolio.

The portfolio is read by whoever sees the enrolment (cohorts/access.py). Who writes each kind
of record: the NQSW their own logs, feedback, written work and self-assessments; the assessor
feedback on logs, assessed written work, the agreement, reviews, plans and the
recommendation; the assessor or the NQSW's PM an observation (OBS-THREE: the PM normally
makes the third); either the NQSW or the assessor maps evidence. A finished ASYE's
portfolio is read-only. The objects are enrolments, except for changing an observation,
which only its observer may do. An administrator (a superuser too) writes none of these:
they are the NQSW's and the assessor's own records.
"""

import rules
from django.http import Http404
from django.urls import reverse

from academy.access import person_of
from academy.models import Person
from academy.navigation import MenuItem, RecordLink
from cohorts.access import (
    assesses_enrolment,
    can_view_enrolment,
    enrolment_is_current,
    get_enrolment_for_user,
    is_the_enrolled_worker,
    leads_enrolment_group,
)
from cohorts.models import Enrolment

portfolio_open = enrolment_is_current


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


def register():
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
        "assessment.map_evidence",
        (is_the_enrolled_worker | assesses_enrolment) & portfolio_open,
    )
    rules.add_perm("assessment.add_supportagreement", assessor_writes)
    rules.add_perm("assessment.add_review", assessor_writes)
    rules.add_perm("assessment.add_developmentplan", assessor_writes)
    rules.add_perm("assessment.add_recommendation", assessor_writes)


def get_portfolio_for_user(user, pk):
    """The ASYE enrolment whose portfolio `user` may read, or 404 (trainees have none)."""
    enrolment = get_enrolment_for_user(user, pk)
    if enrolment.kind != Enrolment.Kind.ASYE:
        raise Http404("No such portfolio.")
    return enrolment


def menu(user) -> list[MenuItem]:
    """Trainees have no portfolio yet; an NQSW has their own."""
    person = person_of(user)
    role = person.role if person else None
    if role == Person.Role.TRAINEE:
        return []
    label = "My portfolio" if role == Person.Role.NQSW else "Portfolios"
    return [MenuItem(label, "assessment:portfolio_list", "assessment")]


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """For the enrolment page, `enrolment` being one `user` may see. The portfolio opens for
    whoever may see an ASYE enrolment (get_portfolio_for_user); trainees have none.
    """
    if enrolment.kind != Enrolment.Kind.ASYE:
        return []
    return [RecordLink("ASYE portfolio", reverse("assessment:portfolio", args=[enrolment.pk]))]
