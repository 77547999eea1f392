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


# --- Moderation -------------------------------------------------------------------------
# The Professional Practice team (and administrators, who see every cohort) run moderation:
# they set panels up, enter NQSWs, allocate portfolios and can resolve a portfolio code to
# the NQSW. A panel's chair and deputy chair manage that panel the same way. A moderator (a
# panel member) reads only the anonymised portfolios allocated to them, by code, and only
# while the panel is open (MOD-ANON): for them a submission exists only then. The NQSW and
# their assessor submit the portfolio (MOD-SUBMIT). Signing decisions off, accepting a late
# portfolio and authorising pay progression are the panel chair's (MOD-DECISION,
# PROGRESSION); moderation.services checks each again.

PANEL_CHAIRS = ("chair", "deputy_chair")


@rules.predicate
def runs_moderation(user) -> bool:
    return sees_every_cohort(user)


def panel_filter(user) -> Q:
    """Panels the user may know of: every one for the Professional Practice team; the ones
    they chair; the open ones they sit on."""
    if runs_moderation(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from moderation.models import PanelMember

    seats = PanelMember.objects.filter(person=person)
    return Q(pk__in=seats.filter(role__in=PANEL_CHAIRS).values("panel_id")) | Q(
        pk__in=seats.values("panel_id"), closed_at__isnull=True
    )


def submission_filter(user) -> Q:
    """Submissions the user may know of: all for the Professional Practice team; their
    panels' for a chair or deputy; the ones allocated to them while the panel is open."""
    if runs_moderation(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from moderation.models import Allocation, PanelMember

    chaired = PanelMember.objects.filter(person=person, role__in=PANEL_CHAIRS)
    allocated = Allocation.objects.filter(moderator__person=person)
    return Q(panel_id__in=chaired.values("panel_id")) | Q(
        pk__in=allocated.values("submission_id"), panel__closed_at__isnull=True
    )


def _panel_role(user, panel) -> str | None:
    """The user's seat on the panel, from its prefetched members."""
    person = person_of(user)
    if person is None:
        return None
    for member in panel.members.all():
        if member.person_id == person.pk:
            return member.role
    return None


@rules.predicate
def manages_panel(user, panel) -> bool:
    return runs_moderation(user) or _panel_role(user, panel) in PANEL_CHAIRS


@rules.predicate
def chairs_panel(user, panel) -> bool:
    return _panel_role(user, panel) == "chair"


@rules.predicate
def manages_submission(user, submission) -> bool:
    return manages_panel(user, submission.panel)


@rules.predicate
def chairs_submission_panel(user, submission) -> bool:
    return chairs_panel(user, submission.panel)


@rules.predicate
def moderates_submission(user, submission) -> bool:
    """Allocated to the user, and the panel still open."""
    person = person_of(user)
    if person is None or not submission.panel.is_open:
        return False
    return submission.allocations.filter(moderator__person=person).exists()


rules.add_perm("moderation.add_panel", runs_moderation)
rules.add_perm("moderation.change_panel", manages_panel)
rules.add_perm("moderation.resolve_code", manages_submission)
rules.add_perm("moderation.allocate", manages_submission)
rules.add_perm("moderation.record_decision", manages_submission)
rules.add_perm("moderation.sign_off_decision", chairs_submission_panel)
rules.add_perm("moderation.accept_late", chairs_submission_panel)
rules.add_perm("moderation.authorise_progression", chairs_submission_panel)
rules.add_perm("moderation.read_submission", moderates_submission | manages_submission)
rules.add_perm("moderation.add_moderationform", moderates_submission)
rules.add_perm("moderation.submit_portfolio", is_the_enrolled_worker | assesses_enrolment)
rules.add_perm("moderation.export_sample", runs_moderation)


def get_panel_for_user(user, pk):
    """A panel the user may know of (404 otherwise), with its members."""
    from moderation.models import Panel

    panel = (
        Panel.objects.filter(panel_filter(user))
        .prefetch_related("members__person")
        .filter(pk=pk)
        .first()
    )
    if panel is None:
        raise Http404("No such panel.")
    return panel


def get_submission_for_user(user, code):
    """A portfolio submission, by its code, that the user may know of (404 otherwise)."""
    from moderation.models import Submission

    submission = (
        Submission.objects.filter(submission_filter(user))
        .select_related("panel")
        .prefetch_related("panel__members__person")
        .filter(code=code)
        .first()
    )
    if submission is None:
        raise Http404("No such portfolio.")
    return submission


def moderation_document_filter(user) -> Q:
    """The moderation form (MOD-FORM) and pay progression (PROGRESSION) documents: for the
    readers of the NQSW's portfolio, the panel's chair and deputy, and the team."""
    if runs_moderation(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    from cohorts.models import Enrolment
    from moderation.models import PanelMember

    visible = Enrolment.objects.filter(enrolment_filter(user)).values("pk")
    chaired = PanelMember.objects.filter(person=person, role__in=PANEL_CHAIRS)
    return Q(enrolment_id__in=visible) | Q(
        decision__submission__panel_id__in=chaired.values("panel_id")
    )


def get_moderation_document_for_user(user, model, pk):
    """A ready ModerationRecord or ProgressionAuthorisation the user may read (404 otherwise)."""
    document = (
        model.objects.filter(moderation_document_filter(user))
        .select_related("enrolment__person")
        .filter(pk=pk, status="ready")
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    return document


def get_external_sample_for_user(user, pk):
    """An external moderation sample: the Professional Practice team's only (MOD-EXTERNAL)."""
    from moderation.models import ExternalSample

    sample = ExternalSample.objects.filter(pk=pk).first() if runs_moderation(user) else None
    if sample is None:
        raise Http404("No such sample.")
    return sample
