"""`manage.py export_portfolio STAFF_ID --out FILE.pdf`: the same PDF as the app's download."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.models import Person
from assessment import services
from cohorts.models import Enrolment


class Command(BaseCommand):
    help = (
        "Write the PDF of an NQSW's ASYE portfolio (their current ASYE, else their latest), "
        "the same PDF the app offers for download. Exits with status 2 for an unknown staff "
        "id or a person with no ASYE enrolment."
    )

    def add_arguments(self, parser):
        parser.add_argument("staff_id", help="The NQSW's staff id, e.g. D0031.")
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")

    def handle(self, *args, staff_id, out, **options):
        person = Person.objects.filter(staff_id__iexact=staff_id.strip()).first()
        if person is None:
            raise CommandError(f"No one has the staff id {staff_id!r}.", returncode=2)
        asye = Enrolment.objects.for_listing().filter(person=person, kind=Enrolment.Kind.ASYE)
        enrolment = asye.current().first() or asye.order_by("-asye_start").first()
        if enrolment is None:
            raise CommandError(
                f"{person.full_name} ({person.staff_id}) has no ASYE enrolment, so no portfolio.",
                returncode=2,
            )
        row = services.render_portfolio_pdf(enrolment=enrolment)
        with row.file.open("rb") as source:
            content = source.read()
        try:
            out.write_bytes(content)
        except OSError as e:
            raise CommandError(f"Cannot write {out}: {e.strerror}.", returncode=2) from e
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the ASYE portfolio of {person.full_name} ({person.staff_id}) to {out} "
                f"({len(content) // 1024} KB)."
            )
        )
