"""python manage.py import_framework FILE.json|FILE.csv --name NAME --version V --in-force-from DATE

Loads a framework's domains or statements (assessment.frameworks), all or nothing. Exit
status 0 when imported, 2 when the file or the options were refused, naming each bad row
(CommandError would exit 1, which scripts cannot tell from a crash).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from academy import csvfiles
from assessment import frameworks
from assessment.models import Framework
from cohorts.models import Programme


class Command(BaseCommand):
    help = (
        "Import a framework version (its domains or statements) from a JSON or CSV file "
        "(CSV columns: " + ", ".join(frameworks.COLUMNS) + "). Nothing is saved unless every "
        "row is valid."
    )

    def add_base_argument(self, parser, *args, **kwargs):
        # --version is the framework's here, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .json or .csv file, UTF-8")
        parser.add_argument("--name", required=True, help="the framework's full name")
        parser.add_argument("--version", dest="framework_version", required=True)
        parser.add_argument(
            "--in-force-from", required=True, help="the first day it applies, YYYY-MM-DD"
        )
        parser.add_argument("--code", default="", help="short name (default: the initials)")
        parser.add_argument(
            "--kind", default=Framework.Kind.STANDARD, choices=Framework.Kind.values
        )
        parser.add_argument("--source", default="", help="where the text was copied from")
        parser.add_argument(
            "--replaces",
            default="",
            metavar="CODE:VERSION",
            help="the framework this one takes over from (in force until --in-force-from)",
        )

        parser.add_argument(
            "--programme",
            action="append",
            default=[],
            help="a programme assessed against it, by name (repeat for more; none: every one)",
        )

    def handle(self, *args, file, **options):
        text = self._read(file)
        in_force_from = self._date(options["in_force_from"])
        replaces = self._replaced(options["replaces"])
        programmes = [self._programme(name) for name in options["programme"]]
        try:
            imported = frameworks.import_framework(
                text=text,
                file_name=file,
                name=options["name"],
                version=options["framework_version"],
                in_force_from=in_force_from,
                code=options["code"],
                kind=options["kind"],
                source=options["source"],
                replaces=replaces,
                programmes=programmes,
            )
        except csvfiles.CSVRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            count = len(rejected.errors)
            problems = f"{count} problem{'s' if count != 1 else ''}"
            self._fail(f"Nothing was imported: {problems} in {file}.")
        except ValidationError as refused:
            for message in refused.messages:
                self.stderr.write(message)
            self._fail("Nothing was imported.")
        self.stdout.write(self.style.SUCCESS(str(imported)))

    def _date(self, text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._fail(f"--in-force-from {text!r} is not a date (YYYY-MM-DD).")

    def _replaced(self, text):
        if not text:
            return None
        code, _, version = text.partition(":")
        found = Framework.objects.filter(code=code)
        if version:
            found = found.filter(version=version)
        found = list(found)
        if len(found) != 1:
            which = "no" if not found else "more than one"
            self._fail(f"--replaces {text}: {which} framework has that code (use CODE:VERSION).")
        return found[0]

    def _programme(self, name):
        found = Programme.objects.filter(name=name).first()
        if found is None:
            known = ", ".join(Programme.objects.values_list("name", flat=True))
            self._fail(f"--programme {name}: no such programme (there are: {known}).")
        return found

    def _read(self, file):
        try:
            return csvfiles.read_file(file)
        except FileNotFoundError:
            self._fail(f"{file}: no such file.")
        except csvfiles.NotUTF8:
            self._fail(f"{file} is not UTF-8 text.")
        except OSError as e:
            self._fail(f"{file}: cannot read it ({e.strerror or e}).")

    def _fail(self, message):
        self.stderr.write(message)
        raise SystemExit(2)
