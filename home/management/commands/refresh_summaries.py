"""`manage.py refresh_summaries` (run nightly, e.g. from cron just after midnight).

The wide pages (the chair's cohorts at a glance, the allocation board, the supervision
overview) read one summary row per worker instead of evaluating everyone's history on every
view (issue 17). A row is written for a day; this brings every stale one up to today, so
that the first reader of the morning does not pay for the whole academy. The pages rebuild
what is still stale themselves, so a missed run costs time, never correctness.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessment import summaries as portfolio_summaries
from caseloads import summaries as caseload_summaries
from supervision import summaries as supervision_summaries


class Command(BaseCommand):
    help = "Bring every worker's summary rows (portfolio, caseload, supervision) up to today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="The day to compute for (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args, as_of=None, **options):
        today = as_of or timezone.localdate()
        rebuilt = {
            "portfolios": portfolio_summaries.refresh_stale(on=today),
            "caseloads": caseload_summaries.refresh_stale(on=today),
            "supervision": supervision_summaries.refresh_stale(on=today),
        }
        self.stdout.write(
            f"Summaries for {today:%d/%m/%Y}: "
            + ", ".join(f"{count} {what}" for what, count in rebuilt.items())
            + " rebuilt."
        )
