"""Who sees and does what on the ASWP route (issue 13).

- The applicant: their own applications; edits one while it is a draft.
- Their manager (the PM or GM of the practice group they work in, Person.practice_group):
  their staff's applications; writes only the supporting statement.
- A round's panel members: the round and its submitted applications; they shortlist,
  assess and decide.
- The Professional Practice team (the PSW) and administrators: everything submitted, the
  places, the rounds, the overview, and all of the panel's work.
- An ASWP: their own role page (consultations, peer support group).

Outsiders get 404. A superuser is an administrator: they see everything, but write only
with a staff profile (academy.access.staff_member), and never an applicant's own words or a
manager's statement.
"""

import rules
from django.db.models import Q

from academy.access import NOTHING, first_or_404, person_of, sees_every_cohort
from academy.models import Person
from academy.navigation import MenuItem
from aswp.models import Application, Round

runs_aswp = sees_every_cohort


def round_filter(user) -> Q:
    if runs_aswp(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    return Q(panel=person)


def application_filter(user) -> Q:
    if runs_aswp(user):
        # Drafts are the applicant's own until they submit.
        return Q(submitted_at__isnull=False)
    person = person_of(user)
    if person is None:
        return NOTHING
    return (
        Q(applicant=person)
        | Q(applicant__practice_group__practice_manager=person)
        | Q(applicant__practice_group__group_manager=person)
        | Q(round__panel=person, submitted_at__isnull=False)
    )


@rules.predicate
def is_applicant(user, application) -> bool:
    person = person_of(user)
    return person is not None and application.applicant_id == person.pk


@rules.predicate
def is_draft(user, application) -> bool:
    return not application.is_submitted


@rules.predicate
def manages_applicant(user, application) -> bool:
    person = person_of(user)
    return person is not None and person.pk in application.manager_ids


@rules.predicate
def sits_on_panel(user, application) -> bool:
    person = person_of(user)
    return person is not None and application.round.panel.filter(pk=person.pk).exists()


@rules.predicate
def may_apply(user) -> bool:
    from aswp.models import ELIGIBLE_ROLES

    person = person_of(user)
    return person is not None and person.role in ELIGIBLE_ROLES


@rules.predicate
def is_aswp(user) -> bool:
    person = person_of(user)
    return person is not None and person.role == Person.Role.ASWP


def register():
    rules.add_perm("aswp.run", runs_aswp)
    rules.add_perm("aswp.apply", may_apply)
    rules.add_perm("aswp.edit_application", is_applicant & is_draft)
    # Only the applicant's own manager, whoever else may read the application.
    rules.add_perm("aswp.write_statement", manages_applicant & ~is_applicant)
    rules.add_perm("aswp.assess", (runs_aswp | sits_on_panel) & ~is_applicant)
    rules.add_perm("aswp.record_consultation", is_aswp)
    rules.add_perm("aswp.record_peer_session", runs_aswp | is_aswp)


def get_round_for_user(user, pk) -> Round:
    return first_or_404(
        Round.objects.visible_to(user).select_related("created_by").filter(pk=pk), "round"
    )


def get_application_for_user(user, pk) -> Application:
    return first_or_404(
        Application.objects.visible_to(user)
        .select_related(
            "round", "applicant__practice_group", "statement_by", "shortlisted_by", "decision"
        )
        .filter(pk=pk),
        "application",
    )


def menu(user) -> list[MenuItem]:
    """By role alone: the navigation bar is on every page and must cost no query."""
    if runs_aswp(user):
        return [MenuItem("ASWP", "aswp:overview", "aswp")]
    person = person_of(user)
    if person is None:
        return []
    if person.role == Person.Role.ASWP:
        return [MenuItem("My ASWP role", "aswp:my_role", "aswp")]
    from aswp.models import ELIGIBLE_ROLES

    managers = {Person.Role.PRACTICE_MANAGER, Person.Role.GROUP_MANAGER}
    if person.role in ELIGIBLE_ROLES or person.role in managers:
        return [MenuItem("ASWP", "aswp:mine", "aswp")]
    return []
