"""The rota a period shows: the team PM's published days where a published rota covers a
week, the planner's proposal for every other week (the `mash_rota` command and the pages).

Published days are read through the same availability rule as the proposal, so leave
recorded after publishing takes the NQSW off that day.
"""

from datetime import date

from academy.models import PracticeGroup
from cohorts.models import Enrolment
from learning.models import MashDay, MashRota, MashSlotSetting
from learning.rota import MashSlot, is_available, period_end, plan, slot_order, weeks_of


def planned_enrolments(groups):
    """The current ASYE enrolments of `groups`, with what the planner reads."""
    return (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, practice_group__in=groups)
        .select_related("person", "practice_group")
        .prefetch_related("extensions")
    )


def proposal(groups, start: date, weeks: int) -> list[MashSlot]:
    capacity = MashSlotSetting.capacity_on(start)
    return plan(planned_enrolments(groups), start, weeks, capacity)


def slots_for_period(groups, start: date, weeks: int) -> list[MashSlot]:
    groups = list(groups)
    slots = proposal(groups, start, weeks)
    end = period_end(start, weeks)
    rotas = list(MashRota.objects.published().filter(practice_group__in=groups, starts_on__lt=end))
    rotas = [rota for rota in rotas if rota.ends_before > start]
    if not rotas:
        return slots
    published_days = (
        MashDay.objects.filter(rota__in=rotas, date__gte=start, date__lt=end)
        .select_related("enrolment__person", "enrolment__practice_group")
        .prefetch_related("enrolment__extensions")
    )
    by_rota = {}
    for day in published_days:
        by_rota.setdefault(day.rota_id, []).append(day)

    # Per team and week: the latest published rota covering every day of the week wins.
    replaced = {}  # (group pk, monday) -> rota
    for monday, days in weeks_of(start, weeks):
        for rota in sorted(rotas, key=lambda r: r.starts_on):
            if rota.covers(days[0]) and rota.covers(days[-1]):
                replaced[(rota.practice_group_id, monday)] = rota

    def week_key(group_id, day):
        return (group_id, day.fromordinal(day.toordinal() - day.weekday()))

    kept = [
        slot
        for slot in slots
        if week_key(slot.enrolment.practice_group_id, slot.day) not in replaced
    ]
    for rota in {rota.pk: rota for rota in replaced.values()}.values():
        for day in by_rota.get(rota.pk, []):
            if replaced.get(week_key(rota.practice_group_id, day.date)) is not rota:
                continue
            if is_available(day.enrolment, day.date):
                kept.append(MashSlot(day=day.date, enrolment=day.enrolment))
    return sorted(kept, key=slot_order)


def groups_named(name: str | None):
    groups = PracticeGroup.objects.order_by("name")
    return groups.filter(name=name) if name is not None else groups
