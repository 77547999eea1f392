"""`manage.py supervision_plan STAFF_ID [--format json|ics] [--as-of YYYY-MM-DD]`.

Prints one worker's planned supervision dates, next due date and status, computed by the
same function as the pages (supervision.schedule.build_schedule). An unknown staff id, or a
person with no ASYE enrolment, is reported on stderr with exit status 2.
"""

import argparse
import json
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from academy.models import Person
from cohorts.models import Enrolment
from supervision.feeds import calendar_for_enrolment
from supervision.models import schedule_for


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date in the form YYYY-MM-DD"
        ) from None


class Command(BaseCommand):
    help = "Print a worker's planned supervision dates, next due date and status."

    def add_arguments(self, parser):
        parser.add_argument("staff_id", help="The worker's staff id.")
        parser.add_argument("--format", choices=["json", "ics"], default="json")
        parser.add_argument(
            "--as-of", type=iso_date, default=None, help="The day to compute for (YYYY-MM-DD)."
        )

    def fail(self, message: str):
        self.stderr.write(f"supervision_plan: {message}")
        raise SystemExit(2)

    def handle(self, *args, staff_id, format="json", as_of=None, **options):
        today = as_of or timezone.localdate()
        person = Person.objects.filter(staff_id=staff_id).first()
        if person is None:
            self.fail(f"no person has the staff id {staff_id!r}.")
        enrolment = self.enrolment_of(person)
        if enrolment is None:
            self.fail(
                f"{person.full_name} ({person.staff_id}) has no ASYE enrolment with a start "
                "date, so there is no supervision schedule."
            )
        plan = schedule_for(enrolment, today=today)
        if format == "ics":
            self.stdout.write(calendar_for_enrolment(enrolment, plan).decode(), ending="")
            return
        self.stdout.write(
            json.dumps(
                {
                    "staff_id": person.staff_id,
                    "planned": [day.isoformat() for day in plan.planned],
                    "next_due": plan.next_due.isoformat() if plan.next_due else None,
                    "status": plan.status,
                    "rule": plan.rule,
                },
                indent=2,
            )
        )

    @staticmethod
    def enrolment_of(person):
        """The current enrolment with an ASYE start, else the latest finished one."""
        enrolments = (
            Enrolment.objects.filter(person=person, asye_start__isnull=False)
            .select_related("person")
            .prefetch_related("extensions")
        )
        return enrolments.current().first() or enrolments.order_by("-asye_start").first()
