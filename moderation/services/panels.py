"""Panels: setting one up, changing it, and closing it after the meeting (MOD-PANEL)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from academy.models import Person, PracticeGroup
from moderation.models import ModerationPolicy, Panel, PanelMember
from moderation.services._common import CHAIRS, _day, _now, _open, manages, refuse

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
    policy = ModerationPolicy.in_force(held_on)
    panel = Panel(
        kind=kind,
        held_on=held_on,
        venue=venue,
        created_by=by,
        submissions_due_on=held_on - timedelta(days=policy.submission_days),
    )
    panel.full_clean()
    panel.save()
    for seat in seats:
        _add_seat(panel, seat)
    return panel


@transaction.atomic
def change_panel(
    *, panel: Panel, by: Person, held_on: date, seats: Sequence[Seat], venue: str = ""
) -> Panel:
    """Move the meeting or change who sits. A member with portfolios keeps their seat until
    they are reallocated (MOD-ALLOCATE)."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _open(panel, "changing the panel")
    _check_seats(seats)
    if held_on != panel.held_on:
        policy = ModerationPolicy.in_force(held_on)
        panel.held_on = held_on
        panel.submissions_due_on = held_on - timedelta(days=policy.submission_days)
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
