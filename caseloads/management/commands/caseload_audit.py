"""`manage.py caseload_audit FILE.csv --as-of YYYY-MM-DD [--format text|json]`

Checks a caseload snapshot against the rules (see caseloads.audit); changes nothing.
Exit status: 0 no breach (warnings allowed), 1 at least one breach, 2 bad input.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from academy import csvfiles
from caseloads.audit import audit, parse_as_of, read_snapshot

BAD_INPUT = 2
BREACH = 1


class Command(BaseCommand):
    help = (
        "Check a caseload snapshot (CSV: case_ref, case_type, children, staff_id, role) "
        "against the caseload rules on a date. Exit status 0: no breach; 1: at least one "
        "breach; 2: bad input. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The snapshot CSV, one row per worker on a case.")
        parser.add_argument("--as-of", dest="as_of", help="The audit date, YYYY-MM-DD.")
        parser.add_argument(
            "--format", dest="output_format", default="text", help="text (default) or json."
        )

    def handle(self, *args, file, as_of=None, output_format="text", **options):
        # Checked here rather than by argparse so that bad input exits 2 however the
        # command is called.
        if output_format not in ("text", "json"):
            raise CommandError(
                f"--format must be text or json, not {output_format!r}.", returncode=BAD_INPUT
            )
        try:
            on = parse_as_of(as_of)
        except ValueError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None
        try:
            findings = audit(read_snapshot(csvfiles.read_file(file)), on)
        except OSError as error:
            raise CommandError(
                f"cannot read {file}: {error.strerror}", returncode=BAD_INPUT
            ) from None
        except csvfiles.NotUTF8:
            raise CommandError(f"{file} is not UTF-8 text.", returncode=BAD_INPUT) from None
        except csvfiles.CSVRejected as error:
            raise CommandError(f"{file}:\n{error}", returncode=BAD_INPUT) from None

        if output_format == "json":
            report = {"as_of": on.isoformat(), "findings": [f.as_dict() for f in findings]}
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for found in findings:
                self.stdout.write(
                    f"{found.staff_id} {found.finding.severity}: {found.finding.message}"
                )
        breaches = sum(1 for f in findings if f.finding.is_breach)
        if breaches:
            raise CommandError(f"{breaches} breach(es) found.", returncode=BREACH)
