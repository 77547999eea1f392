"""MOVE-ON: run daily; each NQSW whose ASYE has ended joins the main practice group the
group manager recorded, through cohorts/services.py (the person's history keeps it)."""

from django.core.management.base import BaseCommand

from learning.pathway_services import apply_move_ons


class Command(BaseCommand):
    help = "Apply recorded move-ons whose ASYE has ended (MOVE-ON)."

    def handle(self, *args, **options):
        moved = apply_move_ons()
        for move in moved:
            self.stdout.write(f"{move.enrolment.person.full_name} -> {move.destination}")
        self.stdout.write(f"{len(moved)} move(s) applied.")
