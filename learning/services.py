"""Writes to the MASH rota (MASH-ROTA): propose, change a day, publish. Keyword-only,
atomic, with the acting person."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from academy.models import Person, PracticeGroup
from learning.models import MashDay, MashRota, MashSlotSetting
from learning.periods import proposal
from learning.rota import is_available


def propose_rota(
    *, practice_group: PracticeGroup, starts_on: date, weeks: int, by: Person
) -> MashRota:
    """A draft rota for the team holding the planner's proposal."""
    if weeks < 1:
        raise ValidationError({"weeks": "A rota is at least one week long."})
    if starts_on.weekday() != 0:
        raise ValidationError(
            {"starts_on": "MASH-ROTA: a rota runs in whole Monday-to-Friday weeks from a Monday."}
        )
    with transaction.atomic():
        ends_before = starts_on + timedelta(weeks=weeks)
        for other in MashRota.objects.select_for_update().filter(
            practice_group=practice_group, starts_on__lt=ends_before
        ):
            if other.ends_before > starts_on:
                raise ValidationError(
                    {
                        "starts_on": (
                            f"MASH-ROTA: {practice_group} already has a rota from "
                            f"{other.starts_on:%d/%m/%Y} to {other.last_day:%d/%m/%Y}; "
                            "change that one or choose another period."
                        )
                    }
                )
        rota = MashRota.objects.create(
            practice_group=practice_group, starts_on=starts_on, weeks=weeks, created_by=by
        )
        # With history rows, as a change of a day has (simple-history).
        bulk_create_with_history(
            [
                MashDay(rota=rota, date=slot.day, enrolment=slot.enrolment)
                for slot in proposal([practice_group], starts_on, weeks)
            ],
            MashDay,
        )
    return rota


def move_day(*, day: MashDay, to: date, by: Person) -> MashDay:
    """Move one NQSW's MASH day to another day of the rota, within the same rules as the
    proposal: a weekday in the period and the season, the NQSW available, once that week,
    the team's capacity not exceeded."""
    with transaction.atomic():
        rota = MashRota.objects.select_for_update().get(pk=day.rota_id)
        enrolment = day.enrolment
        name = enrolment.person.full_name
        if not rota.covers(to):
            raise ValidationError(
                {
                    "date": f"The rota runs from {rota.starts_on:%d/%m/%Y} to "
                    f"{rota.last_day:%d/%m/%Y}."
                }
            )
        if not is_available(enrolment, to):
            raise ValidationError(
                {
                    "date": f"MASH-ROTA: {name} cannot be at the MASH on {to:%A %d/%m/%Y} "
                    "(a weekend, before January's first working day, outside the ASYE or on "
                    "recorded leave)."
                }
            )
        monday = to - timedelta(days=to.weekday())
        same_week = rota.days.filter(
            enrolment=enrolment, date__gte=monday, date__lt=monday + timedelta(days=7)
        ).exclude(pk=day.pk)
        if same_week.exists():
            raise ValidationError(
                {"date": f"MASH-ROTA: {name} already has a MASH day in that week."}
            )
        capacity = MashSlotSetting.capacity_on(rota.starts_on)
        taken = rota.days.filter(date=to).exclude(pk=day.pk).count()
        if taken >= capacity:
            raise ValidationError(
                {
                    "date": f"MASH-ROTA: {to:%d/%m/%Y} already has {taken} of the team's "
                    f"{capacity} MASH place(s)."
                }
            )
        day.date = to
        day._change_reason = f"Moved by {by.full_name}"
        day.save(update_fields=["date"])
    return day


def publish_rota(*, rota: MashRota, by: Person) -> MashRota:
    with transaction.atomic():
        rota = MashRota.objects.select_for_update().get(pk=rota.pk)
        rota.published_at = timezone.now()
        rota.published_by = by
        rota.save(update_fields=["published_at", "published_by"])
    return rota
