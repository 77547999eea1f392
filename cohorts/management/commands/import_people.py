"""python manage.py import_people starters.csv [--dry-run]

Exit status 0 when the file was imported, 2 when it was rejected or could not be read
(CommandError would exit 1, which scripts cannot tell from a crash).
"""

from django.core.management.base import BaseCommand

from academy import csvfiles
from cohorts import importing


class Command(BaseCommand):
    help = (
        "Import starters from a CSV file (columns: "
        + ", ".join(importing.COLUMNS)
        + "; optional: "
        + ", ".join(importing.OPTIONAL_COLUMNS)
        + "): people, practice groups and enrolments. Nothing is saved unless every row "
        "is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, UTF-8, header row first")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change, saving nothing",
        )

    def handle(self, *args, file, dry_run, **options):
        text = self._read(file)
        try:
            report = importing.import_people_csv(text, dry_run=dry_run)
        except csvfiles.CSVRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            count = len(rejected.errors)
            self.stderr.write(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {file}."
            )
            raise SystemExit(2) from None
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved. Would have: {report}")
        else:
            self.stdout.write(self.style.SUCCESS(str(report)))

    def _read(self, file):
        try:
            return csvfiles.read_file(file)
        except FileNotFoundError:
            self._fail(f"{file}: no such file.")
        except csvfiles.NotUTF8:
            self._fail(f"{file} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.")
        except OSError as e:
            self._fail(f"{file}: cannot read it ({e.strerror or e}).")

    def _fail(self, message):
        self.stderr.write(message)
        raise SystemExit(2)
