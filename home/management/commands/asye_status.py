"""`manage.py asye_status STAFF_ID [--as-of YYYY-MM-DD] [--format json|text]` (issue 11).

Prints the facts the NQSW's (or trainee's) home page shows, for that date, from the same
function (`home.progress.nqsw_progress`). Exit 0; exit 2 with a message on stderr for an
unknown staff id, a person with no enrolment, or a bad date.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from academy.models import Person
from caseloads import rules
from home.progress import Progress, enrolment_for, nqsw_progress

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = "An NQSW's or trainee's progress on a date, as JSON (the default) or text."

    def add_arguments(self, parser):
        parser.add_argument("staff_id")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", dest="output", choices=["json", "text"], default="json")

    def handle(self, *args, staff_id, as_of, output, **options):
        on = timezone.localdate()
        if as_of is not None:
            try:
                on = date.fromisoformat(as_of)
            except ValueError:
                raise _fail(f"--as-of: {as_of!r} is not a date as YYYY-MM-DD.") from None
            if len(as_of) != 10:
                raise _fail(f"--as-of: {as_of!r} is not a date as YYYY-MM-DD.")
        person = Person.objects.filter(staff_id=staff_id).first()
        if person is None:
            raise _fail(f"No staff member has the staff id {staff_id!r}.")
        enrolment = enrolment_for(person)
        if enrolment is None:
            raise _fail(f"{person.full_name} ({staff_id}) has no ASYE or trainee enrolment.")
        progress = nqsw_progress(enrolment, on)
        if output == "json":
            self.stdout.write(json.dumps(progress.as_dict(), indent=2))
        else:
            self.stdout.write(as_text(progress))


def as_text(progress: Progress) -> str:
    name = progress.programme
    month = f"{name} month {progress.asye_month}" if progress.asye_month else f"no {name} month"
    lines = [
        f"{progress.staff_id} on {progress.as_of.isoformat()}: {progress.kind}, "
        f"{month}, {progress.phase} the {name}",
    ]
    load = progress.caseload
    held = (
        f"{rules.amount(load.children, rules.CHILDREN)} on {rules.amount(load.cases, rules.CASES)}"
    )
    if load.maximum is None:
        lines.append(f"Caseload: {held}; no cap applies")
    else:
        lines.append(
            f"Caseload: {held}; {load.cap_rule} "
            f"{load.minimum}-{load.maximum} {load.unit} ({load.cap_row}), headroom {load.headroom}"
        )
        band = load.next_band
        lines.append(
            "Next cap band: none"
            if band is None
            else f"Next cap band: {band.minimum}-{band.maximum} from {band.starts.isoformat()}"
        )
    sup = progress.supervision
    due = sup.next_due.isoformat() if sup.next_due else "none"
    lines.append(f"Supervision: next due {due}, {sup.status} ({sup.rule or 'no rule'})")
    lines.append("Deadlines:" if progress.deadlines else "Deadlines: none")
    lines += [f"  {d.due.isoformat()} {d.state:8} {d.rule}: {d.what}" for d in progress.deadlines]
    lines.append("Findings:" if progress.findings else "Findings: none")
    lines += [f"  {f.severity}: {f.message}" for f in progress.findings]
    return "\n".join(lines)
