"""Allocating portfolios to moderators (MOD-ALLOCATE) and the moderator's form
(MOD-CHECKLIST).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import transaction

from academy.models import Person
from cohorts.access import known_enrolment_filter
from cohorts.models import Enrolment
from moderation import allocation
from moderation.models import (
    OTHER_REVIEWS,
    Allocation,
    ModerationForm,
    Panel,
    PanelMember,
    Submission,
)
from moderation.services._common import _lock_submission, _now, _open, refuse

# --- Allocating (MOD-ALLOCATE) ----------------------------------------------------------------


@transaction.atomic
def allocate_to(
    *,
    submission: Submission,
    moderator: PanelMember,
    by: Person,
    automatic: bool = False,
    continued: bool = False,
) -> Allocation:
    """One portfolio to one moderator; never the NQSW's own assessor or PM (MOD-ALLOCATE)."""
    submission = _lock_submission(submission)
    _open(submission.panel, "allocating")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: its moderators stay.")
    row = Allocation(
        submission=submission,
        moderator=moderator,
        allocated_by=by,
        automatic=automatic,
        continued=continued,
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def unallocate(*, allocation: Allocation, by: Person) -> None:
    submission = _lock_submission(allocation.submission)
    _open(submission.panel, "reallocating")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: its moderators stay.")
    if ModerationForm.objects.filter(allocation=allocation).exists():
        refuse(
            "MOD-ALLOCATE",
            f"{allocation.moderator.display_name} has started the form on this portfolio: it "
            "stays with them.",
        )
    allocation.delete()


@transaction.atomic
def set_moderators(
    *, submission: Submission, moderators: Iterable[PanelMember], by: Person
) -> list[Allocation]:
    """Adjust by hand: exactly these members moderate this portfolio."""
    wanted = {m.pk: m for m in moderators}
    for row in list(submission.allocations.select_related("moderator__person")):
        if row.moderator_id not in wanted:
            unallocate(allocation=row, by=by)
        else:
            del wanted[row.moderator_id]
    for member in wanted.values():
        allocate_to(submission=submission, moderator=member, by=by)
    return list(submission.allocations.all())


def _previous_moderators(enrolment_ids: Sequence[int], before: date) -> dict[int, int]:
    """Who last moderated each NQSW at an earlier panel: enrolment -> person (one query)."""
    rows = (
        Allocation.objects.filter(
            submission__enrolment_id__in=list(enrolment_ids),
            submission__panel__held_on__lt=before,
            moderator__person__isnull=False,
        )
        .order_by("submission__panel__held_on", "pk")
        .values_list("submission__enrolment_id", "moderator__person_id")
    )
    return dict(rows)  # later rows win: the latest panel


def _known_to_moderators(
    members: Sequence[PanelMember], enrolment_ids: Sequence[int]
) -> dict[int, set[int]]:
    """enrolment -> the moderators (people) who can open that NQSW's named portfolio
    (MOD-ANON): one query per moderator, and a panel has a handful."""
    known: dict[int, set[int]] = defaultdict(set)
    if not enrolment_ids:
        return known
    for member in members:
        rows = Enrolment.objects.filter(
            known_enrolment_filter(member.person), pk__in=list(enrolment_ids)
        ).values_list("pk", flat=True)
        for pk in rows:
            known[pk].add(member.person_id)
    return known


@transaction.atomic
def allocate_automatically(*, panel: Panel, by: Person) -> allocation.Result:
    """Allocate every unallocated portfolio of the panel (MOD-ALLOCATE): balanced, keeping
    each NQSW with the moderator who read them last time where the balance allows."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "allocating")
    members = [m for m in panel.members.select_related("person").order_by("pk") if m.moderates]
    by_person = {m.person_id: m for m in members}
    submissions = list(
        panel.submissions.select_related(
            "enrolment__practice_group", "enrolment__person"
        ).prefetch_related("allocations")
    )
    loads = defaultdict(int)
    for submission in submissions:
        for row in submission.allocations.all():
            loads[row.moderator_id] += 1
    # MOD-ALLOCATE's "not yet allocated" is the queryset's, which the home pages count too.
    unallocated = set(panel.submissions.unallocated().values_list("pk", flat=True))
    todo = [s for s in submissions if s.pk in unallocated]
    previous = _previous_moderators([s.enrolment_id for s in todo], panel.held_on)
    known = _known_to_moderators(members, [s.enrolment_id for s in todo])
    portfolios = []
    for submission in todo:
        enrolment = submission.enrolment
        group = enrolment.practice_group
        conflicts = {enrolment.assessor_id, group.practice_manager_id, enrolment.person_id}
        conflicts |= known[enrolment.pk]
        portfolios.append(
            allocation.Portfolio(
                key=submission.pk,
                conflicts=frozenset(p for p in conflicts if p in by_person),
                previous=previous.get(enrolment.pk),
                avoid=frozenset({group.group_manager_id} & set(by_person)),
            )
        )
    moderators = [allocation.Moderator(key=m.person_id, load=loads[m.pk]) for m in members]
    result = allocation.allocate(portfolios, moderators)
    rows = {s.pk: s for s in todo}
    for submission_pk, person_pk in result.allocations.items():
        Allocation(
            submission=rows[submission_pk],
            moderator=by_person[person_pk],
            allocated_by=by,
            automatic=True,
            continued=submission_pk in result.continued,
        ).save()
    return result


# --- The moderation form (MOD-CHECKLIST) ------------------------------------------------------

FORM_FIELDS = [name for name, _ in ModerationForm.CHECKLIST + ModerationForm.JUDGEMENT] + [
    OTHER_REVIEWS,
    "strengths",
    "gaps",
    "comments",
    "concerns",
    "concern_details",
]


@transaction.atomic
def record_form(
    *,
    allocation: Allocation,
    by: Person,
    values: dict,
    complete: bool = False,
    at: datetime | None = None,
) -> ModerationForm:
    """Save the moderator's form as a draft, or complete it (MOD-CHECKLIST).

    Only the allocated moderator, only once the portfolio is in (MOD-SUBMIT), only while the
    panel is open and has not decided (MOD-DECISION).
    """
    unknown = set(values) - set(FORM_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    submission = _lock_submission(allocation.submission)
    if allocation.moderator.person_id != by.pk:
        refuse(
            "MOD-ALLOCATE", "only the moderator this portfolio is allocated to fills in their form."
        )
    _open(submission.panel, "moderating")
    if not submission.is_submitted:
        refuse("MOD-SUBMIT", "this portfolio has not been submitted yet: it cannot be read.")
    if submission.decisions.exists():
        refuse("MOD-DECISION", "the panel has decided on this portfolio: the forms are closed.")
    form = ModerationForm.objects.filter(allocation=allocation).first() or ModerationForm(
        allocation=allocation
    )
    for name, value in values.items():
        setattr(form, name, value)
    if not form.concerns:
        form.concern_details = ""
    form.updated_at = _now(at)
    form.completed_at = (form.completed_at or _now(at)) if complete else None
    form.full_clean()
    form.save()
    return form
