"""`manage.py send_reminders` (run daily, e.g. from cron at 07:00).

Emails each practice manager a digest of their overdue and due-this-week NQSWs, and each of
those NQSWs their next due date (SUP-OVERDUE). A ReminderLog row per recipient, kind and day
makes a second run on the same day send nothing new.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from supervision.services import send_reminders


class Command(BaseCommand):
    help = "Email supervision reminders: PM digests and NQSWs' next due dates (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="The day to compute for (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args, as_of=None, **options):
        today = as_of or timezone.localdate()
        run = send_reminders(today=today)
        self.stdout.write(
            f"Supervision reminders for {today:%d/%m/%Y}: {len(run.sent)} sent, "
            f"{len(run.skipped)} already sent today, {len(run.failed)} failed."
        )
        for item in run.failed:
            self.stderr.write(f"Not sent (mail server refused or unreachable): {item}")
