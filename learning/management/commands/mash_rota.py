"""`manage.py mash_rota --from YYYY-MM-DD --weeks N [--group NAME] [--format json|ics]`.

Prints the MASH rota for the period (MASH-ROTA): the PM's published days where a published
rota covers a week, else the planner's proposal (learning/periods.py, as the pages). JSON
is `{"from": ..., "weeks": N, "slots": [{"date", "staff_id", "group"}]}` sorted by date,
group and staff id. A bad date, a bad number of weeks or an unknown group is reported on
stderr with exit status 2.
"""

import json
import re
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from icalendar import Calendar, Event

from learning.periods import groups_named, slots_for_period

FORMATS = ("json", "ics")


class Command(BaseCommand):
    help = "Print the MASH rota (published where the PM published one, else proposed)."

    def add_arguments(self, parser):
        # Read as text and checked here, so that every bad value exits 2 with a message,
        # whether run from the shell or by call_command.
        parser.add_argument("--from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--weeks", required=True, help="How many weeks, at least 1.")
        parser.add_argument("--group", default=None, help="One academy team, by name.")
        parser.add_argument("--format", default="json", help="json (default) or ics.")

    def fail(self, message: str):
        self.stderr.write(f"mash_rota: {message}")
        raise SystemExit(2)

    def handle(self, *args, weeks, group=None, format="json", **options):
        day = self.parse_date(options["from"])
        count = self.parse_weeks(weeks)
        if format not in FORMATS:
            self.fail(f"--format is json or ics, not {format!r}.")
        groups = groups_named(group)
        if group is not None and not groups.exists():
            self.fail(f"no academy team is called {group!r}.")
        slots = slots_for_period(groups, day, count)
        if format == "ics":
            self.stdout.write(self.calendar(slots).decode(), ending="")
            return
        payload = {
            "from": day.isoformat(),
            "weeks": count,
            "slots": [
                {
                    "date": slot.day.isoformat(),
                    "staff_id": slot.enrolment.person.staff_id,
                    "group": slot.enrolment.practice_group.name,
                }
                for slot in slots
            ],
        }
        payload["slots"].sort(key=lambda s: (s["date"], s["group"], s["staff_id"]))
        self.stdout.write(json.dumps(payload, indent=2))

    def parse_date(self, value: str) -> date:
        value = "" if value is None else str(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"--from {value!r} is not a date in the form YYYY-MM-DD.")

    def parse_weeks(self, value: str) -> int:
        text = "" if value is None else str(value).strip()
        if re.fullmatch(r"\+?[0-9]+", text) and int(text) >= 1:
            return int(text)
        self.fail(f"--weeks {value!r} is not a whole number of weeks, 1 or more.")

    @staticmethod
    def calendar(slots):
        calendar = Calendar()
        calendar.add("prodid", "-//ASYE Academy//MASH rota//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", "MASH rota")
        stamp = timezone.now()
        for slot in slots:
            event = Event()
            event.add("uid", f"mash-{slot.enrolment.pk}-{slot.day:%Y%m%d}@asye-academy")
            event.add("dtstamp", stamp)
            event.add("dtstart", slot.day)
            event.add("dtend", slot.day + timedelta(days=1))
            person = slot.enrolment.person
            event.add(
                "summary",
                f"MASH: {person.full_name} ({person.staff_id}), {slot.enrolment.practice_group}",
            )
            calendar.add_component(event)
        return calendar.to_ical()
