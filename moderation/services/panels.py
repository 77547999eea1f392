"""Panels: setting one up, changing it, and closing it after the meeting (MOD-PANEL)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from academy.models import Person, PracticeGroup
from cohorts.months import add_days
from moderation.models import (
    ModerationPolicy,
    Panel,
    PanelDateChange,
    PanelMember,
    Submission,
)
from moderation.services._common import (
    CHAIRS,
    _day,
    _now,
    _open,
    manages,
    refuse,
)

# --- Panels (MOD-PANEL) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A seat to fill: staff by Person; the service user and university by name."""

    role: str
    person: Person | None = None
    name: str = ""
    organisation: str = ""

    @property
    def key(self) -> tuple:
        return (self.role, self.person.pk if self.person else None, self.name)


def _check_seats(seats: Sequence[Seat]) -> None:
    roles = [seat.role for seat in seats]
    for role, label in [
        (PanelMember.Role.CHAIR, "Principal Social Worker as chair"),
        (
            PanelMember.Role.DEPUTY_CHAIR,
            "Service Development Lead – Professional Practice as deputy chair",
        ),
    ]:
        if roles.count(role) != 1:
            refuse("MOD-PANEL", f"a panel has one {label}.")
    academy_services = set(PracticeGroup.objects.values_list("service_id", flat=True))
    for seat in seats:
        if (
            seat.role == PanelMember.Role.GROUP_MANAGER
            and seat.person is not None
            and seat.person.service_id not in academy_services
        ):
            refuse(
                "MOD-PANEL",
                f"{seat.person.full_name} manages a service without an academy team; group "
                "managers on the panel come from services with one.",
            )
    people = [seat.person.pk for seat in seats if seat.person is not None]
    if len(people) != len(set(people)):
        refuse("MOD-PANEL", "each person takes one seat on the panel.")


def _add_seat(panel: Panel, seat: Seat) -> PanelMember:
    member = PanelMember(
        panel=panel,
        role=seat.role,
        person=seat.person,
        name=seat.name.strip(),
        organisation=seat.organisation.strip(),
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def set_up_panel(
    *, kind: str, held_on: date, by: Person, seats: Sequence[Seat], venue: str = ""
) -> Panel:
    """A panel with its members in their MOD-PANEL roles; portfolios are due by the
    policy's number of days before it (MOD-SUBMIT), fixed now."""
    _check_seats(seats)
    panel = Panel(
        kind=kind,
        held_on=held_on,
        venue=venue,
        created_by=by,
        submissions_due_on=due_on_for(held_on),
    )
    panel.full_clean()
    panel.save()
    for seat in seats:
        _add_seat(panel, seat)
    return panel


def due_on_for(held_on: date) -> date:
    """MOD-SUBMIT: portfolios are due the policy's number of days before the meeting."""
    return add_days(held_on, -ModerationPolicy.in_force(held_on).submission_days)


@dataclass(frozen=True)
class DeadlineChange:
    """What moving the meeting does to one portfolio's deadline (MOD-SUBMIT)."""

    submission: Submission
    becomes_late: bool  # True: late under the new date; False: no longer late
    due_before: date
    due_after: date

    @property
    def submitted(self) -> bool:
        """A submitted portfolio is frozen (MOD-SUBMIT): the move tells, and changes nothing."""
        return self.submission.is_submitted

    @property
    def message(self) -> str:
        new = f"the new deadline of {self.due_after:%d/%m/%Y}"
        if self.submitted:
            day = timezone.localdate(self.submission.submitted_at)
            stays = "late" if self.submission.late else "on time"
            would = "late" if self.becomes_late else "on time"
            return (
                f"submitted on {day:%d/%m/%Y}, {stays} for the deadline then; it would be "
                f"{would} for {new}, but a submitted portfolio stays as it was submitted "
                "(MOD-SUBMIT)."
            )
        if self.becomes_late:
            return (
                f"not submitted, and {new} has passed: it becomes late, flagged to the chair, "
                "and goes in only if the chair accepts it (MOD-SUBMIT)."
            )
        return (
            f"overdue since {self.due_before:%d/%m/%Y}; with {new} it is no longer late "
            "(MOD-SUBMIT)."
        )


def deadline_changes(panel: Panel, held_on: date, today: date | None = None) -> list:
    """Each portfolio of the panel that moving the meeting to `held_on` makes late or no
    longer late (MOD-SUBMIT), ordered by code. One still to come is judged on today; a
    submitted one on the day it came in (it is frozen, so this only informs the chair)."""
    today = today or timezone.localdate()
    before, after = panel.submissions_due_on, due_on_for(held_on)
    if before == after:
        return []
    changes = []
    for submission in panel.submissions.select_related("enrolment__person").order_by("code"):
        if submission.is_submitted:
            day = timezone.localdate(submission.submitted_at)
            was_late = submission.late
        else:
            day = today
            was_late = today > before
        late = day > after
        if late != was_late:
            changes.append(DeadlineChange(submission, late, before, after))
    return changes


@transaction.atomic
def change_panel(
    *,
    panel: Panel,
    by: Person,
    held_on: date,
    seats: Sequence[Seat],
    venue: str = "",
    at: datetime | None = None,
) -> Panel:
    """Move the meeting or change who sits. A member with portfolios keeps their seat until
    they are reallocated (MOD-ALLOCATE).

    Moving the meeting moves the deadline (MOD-SUBMIT) and so re-evaluates every portfolio
    still to come against it: overdue ones may be on time again, and on-time ones overdue
    (`deadline_changes`, which the form shows the chair before they confirm). Submitted
    portfolios are frozen as they came in. The move is recorded (PanelDateChange).
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "changing the panel")
    _check_seats(seats)
    if held_on != panel.held_on:
        _move(panel, held_on, by, at)
    panel.venue = venue
    panel.full_clean()
    panel.save()
    wanted = {seat.key: seat for seat in seats}
    current = {
        (m.role, m.person_id, m.name if m.person_id is None else ""): m
        for m in panel.members.select_related("person")
    }
    for key, member in current.items():
        if key in wanted:
            continue
        if member.allocations.exists():
            refuse(
                "MOD-ALLOCATE",
                f"{member.display_name} has portfolios allocated: reallocate them before "
                "changing their seat.",
            )
        member.delete()
    for key, seat in wanted.items():
        if key not in current:
            _add_seat(panel, seat)
        elif current[key].organisation != seat.organisation.strip():
            current[key].organisation = seat.organisation.strip()
            current[key].save(update_fields=["organisation"])
    return panel


def _move(panel: Panel, held_on: date, by: Person, at: datetime | None) -> PanelDateChange:
    changes = [c for c in deadline_changes(panel, held_on, _day(at)) if not c.submitted]
    record = PanelDateChange(
        panel=panel,
        held_on_before=panel.held_on,
        held_on_after=held_on,
        due_on_before=panel.submissions_due_on,
        due_on_after=due_on_for(held_on),
        changed_by=by,
        changed_at=_now(at),
        became_late=[c.submission.code for c in changes if c.becomes_late],
        no_longer_late=[c.submission.code for c in changes if not c.becomes_late],
    )
    record.full_clean()
    record.save()
    panel.held_on = held_on
    panel.submissions_due_on = record.due_on_after
    return record


def missing_seats(panel: Panel) -> list[str]:
    """MOD-PANEL's members the panel has no one for (a reminder, not a refusal: a panel
    can meet without its service user)."""
    held = {member.role for member in panel.members.all()}
    return [
        label.split(" (")[0]
        for role, label in PanelMember.Role.choices
        if role not in held and role not in CHAIRS
    ]


# --- Closing ------------------------------------------------------------------------------


@transaction.atomic
def close_panel(*, panel: Panel, by: Person, at: datetime | None = None) -> Panel:
    """After the meeting: moderators can no longer read the panel's portfolios."""
    panel = Panel.objects.select_for_update().prefetch_related("members").get(pk=panel.pk)
    if not manages(panel, by):
        refuse("MOD-DECISION", "the chair or the Professional Practice team closes a panel.")
    _open(panel, "closing it again")
    if _day(at) < panel.held_on:
        refuse("MOD-DECISION", f"the panel meets on {panel.held_on:%d/%m/%Y}: close it after.")
    undecided = (
        panel.submissions.submitted().exclude(decisions__signed_off_at__isnull=False).count()
    )
    if undecided:
        refuse(
            "MOD-DECISION",
            f"{undecided} submitted portfolio(s) have no signed-off decision yet.",
        )
    panel.closed_at = _now(at)
    panel.closed_by = by
    panel.save(update_fields=["closed_at", "closed_by"])
    return panel
