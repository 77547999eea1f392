"""Planned supervisions as RFC 5545 calendars (the private feeds and `supervision_plan`)."""

from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from academy.models import Person, PracticeGroup
from cohorts.models import Enrolment
from cohorts.months import add_days
from learning.models import MashDay
from learning.rota import is_available
from supervision.models import SupervisionPolicy, schedule_for, with_schedule_data
from supervision.schedule import Schedule

PRODID = "-//ASYE Academy//Supervision//EN"


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def add_planned(
    calendar: Calendar,
    *,
    enrolment: Enrolment,
    plan: Schedule,
    summary: str,
    stamp: datetime,
) -> None:
    """One all-day event per planned date: supervision is due on a day, not at an hour."""
    for day in plan.planned:
        event = Event()
        # Stable per worker and date, so a calendar app updates rather than duplicates.
        event.add("uid", f"supervision-{enrolment.pk}-{day:%Y%m%d}@asye-academy")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", add_days(day, 1))
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")
        if day == plan.next_due:
            event.add("description", f"Next supervision due ({plan.rule}): {plan.status}.")
        calendar.add_component(event)


def enrolments_in_feed(person: Person):
    """NQSW: their own ASYE; PM: the NQSWs in the groups they lead (current enrolments).

    Decision: other roles (GM, assessor, panel) get an empty, still valid, calendar; they
    do not run 1:1 supervision, and a service-wide calendar would be noise.
    """
    # The groups led as a subquery on the enrolment's own column, not an OR across the join
    # to the group: the join made the database read every enrolment of the academy for a
    # PM's handful (issue 17); this way each side of the OR uses its index.
    led = PracticeGroup.objects.filter(practice_manager=person).values("pk")
    return (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE)
        .filter(Q(person=person) | Q(practice_group__in=led))
        .select_related("person", "cohort__programme")
        .order_by("person__full_name")
    )


def calendar_for(person: Person, *, today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    policies = SupervisionPolicy.all_versions()
    calendar = new_calendar(f"Supervision – {person.full_name}")
    stamp = timezone.now()
    for enrolment in with_schedule_data(enrolments_in_feed(person)):
        plan = schedule_for(enrolment, today=today, policies=policies)
        own = enrolment.person_id == person.pk
        summary = "Supervision due" if own else f"Supervision due: {enrolment.person.full_name}"
        add_planned(calendar, enrolment=enrolment, plan=plan, summary=summary, stamp=stamp)
    add_mash_days(calendar, person=person, stamp=stamp)
    return calendar.to_ical()


def add_mash_days(calendar: Calendar, *, person: Person, stamp: datetime) -> None:
    """The NQSW's own published MASH days (MASH-ROTA), except days of recorded leave."""
    for day in MashDay.objects.published_for(person):
        if not is_available(day.enrolment, day.date):
            continue
        event = Event()
        event.add("uid", f"mash-{day.enrolment_id}-{day.date:%Y%m%d}@asye-academy")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", add_days(day.date, 1))
        event.add("summary", "MASH day")
        calendar.add_component(event)


def calendar_for_enrolment(enrolment: Enrolment, plan: Schedule) -> bytes:
    calendar = new_calendar(f"Supervision – {enrolment.person.full_name}")
    add_planned(
        calendar,
        enrolment=enrolment,
        plan=plan,
        summary=f"Supervision due: {enrolment.person.full_name}",
        stamp=timezone.now(),
    )
    return calendar.to_ical()
