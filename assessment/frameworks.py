"""Importing a framework's statements from a file (issue 14: frameworks imported, not coded).

An academy loads a new standard (the early career standards, April 2027) the day it is
published, from a JSON or CSV file, with `python manage.py import_framework` or the admin's
"Import a framework" page; both call `import_framework` here.

The file lists the framework's domains or statements, one per row:

- CSV: the columns `number, title, summary, statement` (summary may be empty); UTF-8, the
  header on row 1, as every CSV the academy reads (academy.csvfiles).
- JSON: a list of objects with those keys, or an object `{"introduction": "...",
  "statements": [...]}` ("domains" is accepted for "statements"). Item 1 is "row 1".

All or nothing: every row is checked and every problem reported by row (csvfiles.RowError);
a file with any problem changes nothing. Problems with the options themselves (a version
that already exists, a framework replaced before it began) are a ValidationError.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from academy import csvfiles
from assessment.models import Framework, FrameworkElement

COLUMNS = ("number", "title", "summary", "statement")
TITLE_LENGTH = FrameworkElement._meta.get_field("title").max_length
CODE_LENGTH = Framework._meta.get_field("code").max_length
# Where the rows of a JSON object live; "domains" for a capability framework such as the PCF.
JSON_KEYS = ("statements", "domains")


@dataclass(frozen=True)
class Imported:
    framework: Framework
    replaced: Framework | None

    def __str__(self):
        count = self.framework.elements.count()
        text = f"Imported {self.framework} with {count} statement{'s' if count != 1 else ''}"
        text += f", in force from {self.framework.in_force_from:%d/%m/%Y}"
        if self.replaced is not None:
            text += f"; {self.replaced} is in force until then"
        return text + "."


def default_code(name: str) -> str:
    """A short code from the name's capitalised words: "Early Career Standards" → "ECS"."""
    letters = "".join(word[0] for word in name.split() if word[:1].isupper())
    return (letters or name.strip()[:CODE_LENGTH]).upper()[:CODE_LENGTH]


def read_rows(text: str, file_name: str) -> tuple[list[csvfiles.Record], str, csvfiles.RowErrors]:
    """The rows of a framework file, its introduction (JSON only), and the problems so far."""
    if file_name.lower().endswith(".json"):
        return _json_rows(text)
    if file_name.lower().endswith(".csv"):
        records, errors = csvfiles.read_table(text, COLUMNS)
        return records, "", errors
    raise csvfiles.CSVRejected(
        [csvfiles.RowError(1, "file", "the file name must end in .json or .csv")]
    )


def _json_rows(text: str):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise csvfiles.CSVRejected(
            [csvfiles.RowError(e.lineno, "file", f"not valid JSON: {e.msg} (line {e.lineno})")]
        ) from None
    introduction = ""
    if isinstance(document, dict):
        introduction = document.get("introduction", "")
        items = next((document[key] for key in JSON_KEYS if key in document), None)
        if not isinstance(introduction, str):
            raise csvfiles.CSVRejected(
                [csvfiles.RowError(1, "introduction", "the introduction must be text")]
            )
    else:
        items = document
    if not isinstance(items, list):
        raise csvfiles.CSVRejected(
            [
                csvfiles.RowError(
                    1, "file", 'expected a list of statements, or {"statements": [...]}'
                )
            ]
        )
    records, errors = [], csvfiles.RowErrors()
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.add(row, "number", "each statement is an object with number, title, ...")
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        if unknown:
            errors.add(row, unknown[0], f"unexpected key(s) {', '.join(unknown)}")
        values = {}
        for column in COLUMNS:
            value = item.get(column, "")
            values[column] = str(value).strip() if value is not None else ""
        records.append(csvfiles.Record(row, values))
    return records, introduction.strip(), errors


def check_rows(records, errors: csvfiles.RowErrors) -> list[FrameworkElement]:
    """Every row as an unsaved element, adding each row's problems to `errors`."""
    elements, seen = [], {}
    if not records and not len(errors):
        errors.add(1, "number", "the file has no statements")
    for record in records:
        number_text = record["number"]
        number = None
        try:
            number = int(number_text)
        except ValueError:
            errors.add(record.row, "number", f"{number_text!r} is not a whole number")
        else:
            if number < 1:
                errors.add(record.row, "number", "statements are numbered from 1")
            elif number in seen:
                errors.add(record.row, "number", f"number {number} is also on row {seen[number]}")
            else:
                seen[number] = record.row
        if not record["title"]:
            errors.add(record.row, "title", "the title is empty")
        elif len(record["title"]) > TITLE_LENGTH:
            errors.add(record.row, "title", f"the title is longer than {TITLE_LENGTH} characters")
        if not record["statement"]:
            errors.add(record.row, "statement", "the statement text is empty")
        if "\x00" in "".join(record.values.values()):
            errors.add(record.row, "statement", csvfiles.NUL_MESSAGE)
        if not errors.on_row(record.row):
            elements.append(
                FrameworkElement(
                    number=number,
                    title=record["title"],
                    summary=record["summary"],
                    statement=record["statement"],
                )
            )
    return elements


def import_framework(
    *,
    text: str,
    file_name: str,
    name: str,
    version: str,
    in_force_from: date,
    code: str = "",
    kind: str = Framework.Kind.STANDARD,
    source: str = "",
    replaces: Framework | None = None,
    programmes=(),
) -> Imported:
    """Load one framework version from a file: all of it, or nothing (CSVRejected).

    `replaces` is the framework this one takes over from: it stays in force until
    `in_force_from`, so records dated before keep it and later ones get this one (EVIDENCE).
    `programmes` (cohorts.Programme) are assessed against it; none: every programme.
    """
    records, introduction, errors = read_rows(text, file_name)
    elements = check_rows(records, errors)
    errors.raise_if_any()
    framework = Framework(
        code=(code or default_code(name)).strip(),
        kind=kind,
        name=name.strip(),
        version=version.strip(),
        source=(source or f"Imported from {file_name}").strip()[:200],
        introduction=introduction,
        in_force_from=in_force_from,
    )
    framework.full_clean()
    if replaces is not None:
        _check_replaces(replaces, in_force_from)
    with csvfiles.all_or_nothing(errors):
        framework.save()
        framework.programmes.set(programmes)
        for element in elements:
            element.framework = framework
        FrameworkElement.objects.bulk_create(elements)
        if replaces is not None:
            replaces.in_force_until = in_force_from
            replaces.full_clean()
            replaces.save()
    return Imported(framework=framework, replaced=replaces)


def _check_replaces(replaces: Framework, in_force_from: date) -> None:
    if replaces.in_force_from is not None and replaces.in_force_from >= in_force_from:
        raise ValidationError(
            {
                "replaces": (
                    f"{replaces} comes in force on {replaces.in_force_from:%d/%m/%Y}: the new "
                    f"framework must begin after it, not on {in_force_from:%d/%m/%Y}."
                )
            }
        )
