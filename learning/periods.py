"""The rota a period shows: the team PM's published days where a published rota covers a
week, the planner's proposal for every other week (the `mash_rota` command and the pages).

Published days are read through the same rules as the proposal: a day that no longer keeps
them (leave recorded since publishing, a smaller slot capacity) is dropped, and an NQSW a
published week then lacks (or a newcomer) is placed in the places left that week.
"""

from datetime import date, timedelta

from academy.models import PracticeGroup
from cohorts.models import Enrolment
from learning.models import MashDay, MashRota, MashSlotSetting
from learning.rota import MashSlot, period_end, plan, weeks_of


def planned_enrolments(groups):
    """The current ASYE enrolments of `groups`, with what the planner reads."""
    return (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, practice_group__in=groups)
        .select_related("person", "practice_group", "cohort__programme")
        .prefetch_related("extensions")
    )


def proposal(groups, start: date, weeks: int) -> list[MashSlot]:
    capacity = MashSlotSetting.capacity_on(start)
    return plan(planned_enrolments(groups), start, weeks, capacity)


def slots_for_period(groups, start: date, weeks: int) -> list[MashSlot]:
    groups = list(groups)
    capacity = MashSlotSetting.capacity_on(start)
    return plan(
        planned_enrolments(groups),
        start,
        weeks,
        capacity,
        fixed=published_weeks(groups, start, weeks),
    )


def published_weeks(groups, start: date, weeks: int) -> dict:
    """(team pk, Monday) -> [(day, enrolment pk)] for each week of the period a published
    rota of the team covers (every weekday of the week inside the period); the latest
    such rota wins."""
    end = period_end(start, weeks)
    rotas = [
        rota
        for rota in MashRota.objects.published().filter(
            practice_group__in=groups, starts_on__lt=end
        )
        if rota.ends_before > start
    ]
    if not rotas:
        return {}
    chosen = {}  # (team pk, Monday) -> rota
    for monday, days in weeks_of(start, weeks):
        for rota in sorted(rotas, key=lambda r: r.starts_on):
            if rota.covers(days[0]) and rota.covers(days[-1]):
                chosen[(rota.practice_group_id, monday)] = rota
    by_pk = {rota.pk: rota for rota in rotas}
    decided = {key: [] for key in chosen}
    rows = MashDay.objects.filter(rota__in=rotas, date__gte=start, date__lt=end).values_list(
        "rota_id", "date", "enrolment_id"
    )
    for rota_id, day, enrolment_id in rows:
        rota = by_pk[rota_id]
        key = (rota.practice_group_id, day - timedelta(days=day.weekday()))
        if chosen.get(key) is rota:
            decided[key].append((day, enrolment_id))
    return decided


def groups_named(name: str | None):
    groups = PracticeGroup.objects.order_by("name")
    return groups.filter(name=name) if name is not None else groups
