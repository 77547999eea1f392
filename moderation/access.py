"""Who runs moderation panels, reads anonymised portfolios and signs decisions off.

The Professional Practice team (and administrators, who see every cohort) run moderation
(issue 15 item 2: the Service Development Lead – Adult Services and the external members
are not of the team; they sit as ordinary moderators):
they set panels up, enter NQSWs, allocate portfolios and can resolve a portfolio code to
the NQSW. A panel's chair and deputy chair manage that panel the same way. A moderator (a
panel member) reads only the anonymised portfolios allocated to them, by code, and only
while the panel is open (MOD-ANON): for them a submission exists only then. The NQSW and
their assessor submit the portfolio (MOD-SUBMIT). Signing decisions off, accepting a late
portfolio and authorising pay progression are the panel chair's (MOD-DECISION,
PROGRESSION); moderation.services checks each again.
"""

import rules
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse

from academy.access import NOTHING, first_or_404, person_of, sees_every_cohort
from academy.models import Person
from academy.navigation import MenuItem, RecordLink
from cohorts.access import assesses_enrolment, is_the_enrolled_worker, visible_enrolments
from cohorts.models import Enrolment
from moderation.models import (
    Allocation,
    Decision,
    ExternalSample,
    Panel,
    PanelMember,
    PdfStatus,
    Submission,
)

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


def waiting_for_chair(user):
    """What waits on the user as a panel's chair, on every panel they chair: decisions to
    sign off (MOD-DECISION) and final PASSes whose pay progression is not yet authorised
    (PROGRESSION). Both are the chair's alone (`chairs_submission_panel`), so the seat, not
    the job role, decides. Oldest panel first."""
    person = person_of(user)
    if person is None:
        return Decision.objects.none()
    chaired = PanelMember.objects.filter(person=person, role=PanelMember.Role.CHAIR)
    mine = Decision.objects.filter(submission__panel_id__in=chaired.values("panel_id"))
    return (mine.awaiting_sign_off() | mine.awaiting_progression()).order_by(
        "submission__panel__held_on", "submission__code"
    )


def get_panel_for_user(user, pk):
    """A panel the user may know of (404 otherwise), with its members."""
    # The members and their people in one query, not one each (the panel page's budget).
    members = Prefetch("members", queryset=PanelMember.objects.select_related("person"))
    return first_or_404(
        Panel.objects.filter(panel_filter(user)).prefetch_related(members).filter(pk=pk),
        "panel",
    )


def get_submission_for_user(user, code):
    """A portfolio submission, by its code, that the user may know of (404 otherwise)."""
    return first_or_404(
        (
            Submission.objects.filter(submission_filter(user))
            .select_related("panel")
            .prefetch_related("panel__members__person")
            .filter(code=code)
        ),
        "portfolio",
    )


def moderation_document_filter(user) -> Q:
    """The moderation form (MOD-FORM) and pay progression (PROGRESSION) documents: for the
    readers of the NQSW's portfolio, the panel's chair and deputy, and the team."""
    if runs_moderation(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    visible = visible_enrolments(user).values("pk")
    chaired = PanelMember.objects.filter(person=person, role__in=PANEL_CHAIRS)
    return Q(enrolment_id__in=visible) | Q(
        decision__submission__panel_id__in=chaired.values("panel_id")
    )


def get_moderation_document_for_user(user, model, pk):
    """A ready ModerationRecord or ProgressionAuthorisation the user may read (404 otherwise)."""
    return first_or_404(
        (
            model.objects.filter(moderation_document_filter(user))
            .select_related("enrolment__person")
            .filter(pk=pk, status=PdfStatus.READY)
        ),
        "document",
    )


def get_external_sample_for_user(user, pk):
    """An external moderation sample: the Professional Practice team's only (MOD-EXTERNAL)."""
    sample = ExternalSample.objects.filter(pk=pk).first() if runs_moderation(user) else None
    if sample is None:
        raise Http404("No such sample.")
    return sample


def register():
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


# Who has moderation work: the team runs the panels; group managers, the adult-services
# lead and the external members read portfolios as panel members (MOD-PANEL); NQSWs and
# their assessors submit.
MODERATION_ROLES = frozenset(
    {
        Person.Role.GROUP_MANAGER,
        Person.Role.ADULT_SERVICES_LEAD,
        Person.Role.EXTERNAL_PANEL_MEMBER,
        Person.Role.ASSESSOR,
        Person.Role.NQSW,
    }
)


def menu(user) -> list[MenuItem]:
    person = person_of(user)
    if runs_moderation(user) or (person is not None and person.role in MODERATION_ROLES):
        return [MenuItem("Moderation", "moderation:panel_list", "moderation")]
    return []


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """For the enrolment page, `enrolment` being one `user` may see. The NQSW's moderation page
    opens as their portfolio does (get_portfolio_for_user).
    """
    if enrolment.kind != Enrolment.Kind.ASYE:
        return []
    return [
        RecordLink(
            "Moderation and panel decisions",
            reverse("moderation:enrolment_moderation", args=[enrolment.pk]),
        )
    ]
