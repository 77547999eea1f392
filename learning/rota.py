"""The MASH rota planner (MASH-ROTA): a pure function of the NQSWs, the period and the
capacity, so the plan page, the `mash_rota` command and the demo can never disagree.

"They will attend a day per week, there will be a rota from January and it is the PM's
responsibility to plan who attends which slot." The planner proposes; the PM changes and
publishes (learning/services.py). Its rules:

* only current NQSWs in their ASYE (no trainees), from their ASYE start, never on a day of
  recorded leave (`Enrolment.absence_on`) or a day the caller marks unavailable;
* weekdays only, from the first working day of January of the academy year (1 September
  to 31 August) to its end: September to December have no MASH days;
* each NQSW exactly once in every Monday–Friday week (clipped to the period) in which they
  have an available day, and never twice in one week; never more than `capacity` NQSWs of
  one team on one day. When the capacity makes "exactly once" impossible, the capacity
  wins and as many NQSWs as possible are placed (a maximum matching), the one left out
  rotating from week to week;
* fair weekdays: each NQSW's preferred day moves on by one every week, so nobody always
  has Monday.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from cohorts.demo import first_working_day
from cohorts.models import Enrolment

WORKING_DAYS = 5


@dataclass(frozen=True)
class MashSlot:
    day: date
    enrolment: Enrolment


def mash_season_start(day: date) -> date:
    """The first working day of January of the academy year `day` falls in."""
    year = day.year + 1 if day.month >= 9 else day.year
    return first_working_day(year, 1)


def in_mash_season(day: date) -> bool:
    return day.weekday() < WORKING_DAYS and day >= mash_season_start(day)


def is_available(enrolment: Enrolment, day: date, unavailable: Collection = ()) -> bool:
    """May `enrolment`'s NQSW be at the MASH on `day`? `unavailable` holds (enrolment pk,
    date) pairs the caller knows of (training days, for instance)."""
    return (
        enrolment.kind == Enrolment.Kind.ASYE
        and enrolment.status in Enrolment.CURRENT_STATUSES
        and in_mash_season(day)
        and enrolment.asye_start is not None
        and enrolment.asye_month(day) is not None
        and enrolment.absence_on(day) is None
        and (enrolment.pk, day) not in unavailable
    )


def period_end(start: date, weeks: int) -> date:
    """The day after the period's last day."""
    return start + timedelta(weeks=weeks)


def weeks_of(start: date, weeks: int) -> Iterator[tuple[date, list[date]]]:
    """Each Monday–Friday week touching the period: its Monday and its weekdays inside
    the period (a period from a Wednesday clips its first and last weeks)."""
    end = period_end(start, weeks)
    monday = start - timedelta(days=start.weekday())
    while monday < end:
        days = [monday + timedelta(days=n) for n in range(WORKING_DAYS)]
        days = [day for day in days if start <= day < end]
        if days:
            yield monday, days
        monday += timedelta(weeks=1)


def plan(
    enrolments: Iterable[Enrolment],
    start: date,
    weeks: int,
    capacity: int,
    unavailable: Collection = (),
    fixed: Mapping[tuple[int, date], Iterable[tuple[date, int]]] | None = None,
) -> list[MashSlot]:
    """The MASH days of `enrolments` for `weeks` weeks from `start`, sorted by day, team
    and staff id. Enrolments need `person` and `extensions` loaded.

    `fixed` maps (team pk, Monday) to (day, enrolment pk) pairs already decided (a
    published rota): those that still keep the rules stay, and only the team's other
    NQSWs are placed that week, in the places left."""
    if weeks < 1:
        raise ValueError("A rota is at least one week long.")
    if capacity < 1:
        raise ValueError("A MASH slot takes at least one NQSW.")
    teams = defaultdict(list)
    for enrolment in enrolments:
        if enrolment.kind == Enrolment.Kind.ASYE:
            teams[enrolment.practice_group_id].append(enrolment)
    for members in teams.values():
        members.sort(key=lambda e: (e.person.staff_id, e.pk))

    slots = []
    for monday, days in weeks_of(start, weeks):
        open_days = [day for day in days if in_mash_season(day)]
        if not open_days:
            continue
        # Counted from a fixed origin, so the rotation does not depend on where a period starts.
        week_number = monday.toordinal() // 7
        for members in teams.values():
            decided = (fixed or {}).get((members[0].practice_group_id, monday), ())
            slots.extend(plan_week(members, open_days, week_number, capacity, unavailable, decided))
    return sorted(slots, key=slot_order)


def slot_order(slot: MashSlot):
    return (slot.day, slot.enrolment.practice_group_id, slot.enrolment.person.staff_id)


def plan_week(members, days, week_number, capacity, unavailable, decided=()) -> list[MashSlot]:
    """One team's week: the decided days that keep the rules, then a maximum matching of
    the other NQSWs to the (day, place) pairs left, each trying their preferred weekday
    first."""
    by_pk = {enrolment.pk: enrolment for enrolment in members}
    kept = []
    taken = defaultdict(int)
    for day, pk in sorted(decided, key=lambda pair: (pair[0], pair[1])):
        enrolment = by_pk.get(pk)
        if (
            enrolment is None
            or day not in days
            or any(slot.enrolment.pk == pk for slot in kept)
            or taken[day] >= capacity
            or not is_available(enrolment, day, unavailable)
        ):
            continue
        kept.append(MashSlot(day=day, enrolment=enrolment))
        taken[day] += 1
    placed = {slot.enrolment.pk for slot in kept}
    to_place = [enrolment for enrolment in members if enrolment.pk not in placed]
    if not to_place:
        return kept

    places = min(capacity, len(members))
    choices = {}
    for index, enrolment in enumerate(members):
        if enrolment.pk in placed:
            continue
        preferred = (index + week_number) % WORKING_DAYS
        free = [day for day in days if is_available(enrolment, day, unavailable)]
        free.sort(key=lambda day: (day.weekday() - preferred) % WORKING_DAYS)
        choices[index] = [
            (day, place) for day in free for place in range(places) if place >= taken[day]
        ]

    holder = {}  # (day, place) -> member index

    def place(index, tried) -> bool:
        for slot in choices[index]:
            if slot in tried:
                continue
            tried.add(slot)
            if slot not in holder or place(holder[slot], tried):
                holder[slot] = index
                return True
        return False

    # Who is placed first rotates too, so when the team has more NQSWs than places the
    # one left without a day is not always the same.
    count = len(members)
    for offset in range(count):
        index = (offset + week_number) % count
        if index in choices:
            place(index, set())
    return kept + [
        MashSlot(day=day, enrolment=members[index]) for (day, _), index in holder.items()
    ]
