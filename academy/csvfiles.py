"""Reading CSV files that people export from spreadsheets, and reporting what is wrong.

Every CSV the academy reads (the starters import, the caseload audit) follows one pattern:

1. `decode()` the bytes: UTF-8, with or without the BOM Excel writes; anything else is a
   `NotUTF8` error that tells the user how to save the file.
2. `read_table()` checks the header (missing, unknown and duplicate columns are each named)
   and numbers the rows as the spreadsheet does: the header is row 1, the first data row is
   row 2, a quoted cell with line breaks is still one row and a blank line still counts.
3. The caller checks every row, adding each problem to a `RowErrors` as a `RowError(row,
   column, message)`, so that the user can fix the whole file at once.
4. Nothing is written from a file with a problem: `RowErrors.raise_if_any()` raises
   `CSVRejected` with the list, and `all_or_nothing()` rolls back whatever was saved.

This module is part of the ground layer: it imports Django and the standard library only.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import CheckConstraint, F, Q

ENCODING = "utf-8-sig"  # UTF-8, and the byte-order mark Excel's "CSV UTF-8" starts with


class NotUTF8(ValueError):
    """The file is not UTF-8 text (a spreadsheet saved it as "CSV" in a legacy code page)."""

    def __init__(self, message="the file is not UTF-8 text; save it as CSV UTF-8"):
        super().__init__(message)


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in a file: the spreadsheet row, the column it belongs to, and what.

    Errors sort by row, then column, then message, so a report reads the same every time.
    """

    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}, column {self.column}: {self.message}"


class CSVRejected(Exception):
    """The file has problems and nothing was taken from it; `errors` lists them by row."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class RowErrors:
    """The problems found so far, and which rows have one."""

    def __init__(self, errors: Iterable[RowError] = ()):
        self._errors: list[RowError] = []
        self._rows: set[int] = set()
        for error in errors:
            self.add(error.row, error.column, error.message)

    def add(self, row: int, column: str, message: str) -> None:
        self._errors.append(RowError(row, column, message))
        self._rows.add(row)

    def on_row(self, row: int) -> bool:
        return row in self._rows

    def __iter__(self):
        return iter(self._errors)

    def __len__(self):
        return len(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise CSVRejected(self._errors)


@contextmanager
def all_or_nothing(errors: RowErrors, *, dry_run: bool = False):
    """One transaction for a whole file: rolled back if `errors` has any when the block ends.

    The caller checks every row before it writes (so the user hears of every problem at
    once), then saves, adding to `errors` what only saving can find. With dry_run the work
    is rolled back even when it succeeded, so that a caller can say what would change.
    """
    with transaction.atomic():
        yield errors
        # Raised inside atomic(): everything saved in the block is rolled back.
        errors.raise_if_any()
        if dry_run:
            transaction.set_rollback(True)


def decode(data: bytes) -> str:
    """The text of an uploaded or opened CSV file; raises NotUTF8."""
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError:
        raise NotUTF8() from None


def read_file(path: str | Path) -> str:
    """The text of a CSV file on disk; raises OSError, or NotUTF8."""
    return decode(Path(path).read_bytes())


@dataclass(frozen=True)
class Record:
    """One data row: its spreadsheet row number and its values by column, stripped."""

    row: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def read_table(
    text: str,
    columns: Sequence[str],
    *,
    other_columns: str = "reject",
    optional: Sequence[str] = (),
) -> tuple[list[Record], RowErrors]:
    """The rows of a CSV file with the given columns, in any order, and the problems so far.

    `optional` columns may be left out of the header (their cells then read as empty); a
    file without them reads exactly as before they existed.

    Header names are compared without surrounding spaces or case. A header problem (empty
    file, missing, duplicate or unknown column) raises CSVRejected at once, since no row can
    be read without the header. With other_columns="ignore", columns that are not asked for
    are skipped, with any values beyond the end of the header (exports from other systems
    carry columns of their own); by default both are errors.

    Blank rows (every cell under the header empty) are skipped, keeping their numbers. A
    value beyond the end of the header, or a file the csv module cannot read, is a row error
    in the returned RowErrors, so that the caller can report it with the problems it finds
    in the other rows.
    """
    if other_columns not in ("reject", "ignore"):
        raise ValueError(f"other_columns must be 'reject' or 'ignore', not {other_columns!r}")
    strict = other_columns == "reject"
    # strict: a quote left open runs to the end of the file, which the lenient reader takes
    # as one long last cell; strict says so, on the row where the quote opened.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        raw_header = next(reader, [])
    except csv.Error as e:
        message = f"cannot read the header: {unreadable(e)}"
        raise CSVRejected([RowError(1, columns[0], message)]) from e
    if any(NUL in name for name in raw_header):
        raise CSVRejected([RowError(1, columns[0], f"the header {NUL_MESSAGE}")])
    header = [name.strip().lower() for name in raw_header]
    header_errors = check_header(header, columns, strict=strict, optional=optional)
    if header_errors:
        raise CSVRejected(header_errors)

    where = {column: header.index(column) for column in columns}
    where |= {column: header.index(column) for column in optional if column in header}
    absent = {column: "" for column in optional if column not in header}
    records, errors = [], RowErrors()
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            errors.add(number, columns[0], f"cannot read: {unreadable(e)}")
            break
        damaged = next((index for index, cell in enumerate(cells) if NUL in cell), None)
        if damaged is not None:
            # PostgreSQL refuses a NUL in text (a DataError, once a 500): never let one by.
            column = header[min(damaged, len(header) - 1)] or columns[0]
            errors.add(number, column, f"the cell {NUL_MESSAGE}")
            continue
        if strict and len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            errors.add(
                number,
                header[-1],
                f"the row has {len(cells) - len(header)} more value(s) than the "
                f"{len(header)} columns of the header (a stray comma?)",
            )
        values = {
            column: cells[index].strip() if index < len(cells) else ""
            for column, index in where.items()
        } | absent
        if any(cell.strip() for cell in cells[: len(header)]):
            records.append(Record(number, values))
    return records, errors


NUL = "\x00"
NUL_MESSAGE = (
    "contains a NUL character (byte 0): the file is damaged or not a spreadsheet's CSV; "
    "save it again as CSV UTF-8"
)


def unreadable(error: csv.Error) -> str:
    """What the csv module's complaint means for someone holding a spreadsheet."""
    text = str(error)
    if "unexpected end of data" in text:
        return 'a quoted value that starts on this row is never closed (a missing ")'
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    if "expected after" in text:
        return f'a quote in the middle of a value must be doubled ("") ({text})'
    return text


def check_header(
    header: Sequence[str], columns: Sequence[str], *, strict=True, optional: Sequence[str] = ()
) -> list[RowError]:
    """Problems with a header row (names already stripped and lower-cased), on row 1.

    Strict: the header has exactly the columns, in any order, and any of the optional ones.
    Otherwise other columns are allowed, but each of the columns must still be there once.
    The messages name the required columns only, as they did before optional ones existed.
    """
    expected = ", ".join(columns)
    rule = f"the header is exactly: {expected}" if strict else f"expected: {expected}"
    if not any(header):
        message = f"the file is empty: the first row must be the header {expected}"
        return [RowError(1, columns[0], message)]
    errors = []
    seen = set()
    for position, name in enumerate(header, start=1):
        if name in seen and (strict or name in columns or name in optional):
            errors.append(RowError(1, name, "this column appears twice"))
        elif name not in columns and name not in optional and strict:
            errors.append(
                RowError(1, name or f"#{position}", f"unexpected column {name!r} ({rule})")
            )
        seen.add(name)
    errors.extend(
        RowError(1, name, f"missing column ({rule})") for name in columns if name not in seen
    )
    return errors


def model_problems(instance, *, exclude=(), run_clean=True, checked=None) -> list[tuple[str, str]]:
    """Everything `full_clean()` would say about a model instance, as (name, message).

    The name is the field's, or NON_FIELD_ERRORS, or for a constraint its name without the
    "<app>_<model>_" prefix: full_clean() reports every constraint as non-field, and a CSV
    importer needs to tell which column a constraint is about. Skip the model's clean()
    with run_clean=False when it checks against rows that are about to change.

    `checked` is for an importer that checks a whole file at once (issue 17: 20,000 rows),
    so that one instance costs no query: a `Checked` naming the relations whose objects the
    caller holds (ForeignKey.validate's existence query is skipped), and the unique fields
    and unique constraints it has checked in memory against the file and the database. Its
    check constraints are then evaluated in Python (`holds()`), with the database's
    three-valued logic, or by the database as before when a condition is beyond holds().
    The database constraints still back every one of them when the rows are saved.
    """
    problems = []

    def collect(check, *args, name=NON_FIELD_ERRORS):
        try:
            check(*args)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                problems.extend(
                    (field, message)
                    for field, messages in e.message_dict.items()
                    for message in messages
                )
            else:
                problems.extend((name, message) for message in e.messages)

    exclude = list(exclude)
    checked = checked or Checked()
    collect(instance.clean_fields, [*exclude, *checked.held])
    if run_clean:
        collect(instance.clean)
    collect(instance.validate_unique, [*exclude, *checked.unique])
    prefix = f"{instance._meta.app_label}_{instance._meta.model_name}_"
    for constraint in instance._meta.constraints:
        name = constraint.name.removeprefix(prefix)
        if name in checked.unique:
            continue
        if checked.in_memory and isinstance(constraint, CheckConstraint):
            try:
                verdict = holds(constraint.condition, instance)
            except NotInMemory:
                pass
            else:
                # A check constraint fails only when its condition is false, not unknown.
                if verdict is False:
                    problems.append((name, str(constraint.get_violation_error_message())))
                continue
        collect(constraint.validate, type(instance), instance, exclude, name=name)
    return problems


@dataclass(frozen=True)
class Checked:
    """What a caller of model_problems() has checked itself (see there)."""

    held: tuple[str, ...] = ()  # relations whose objects the caller holds
    unique: tuple[str, ...] = ()  # unique fields, and unique constraints by short name
    in_memory: bool = False  # evaluate check constraints in Python where holds() can


class NotInMemory(Exception):
    """A condition holds() cannot evaluate: leave it to the database."""


def holds(condition: Q, instance) -> bool | None:
    """A check constraint's condition on an instance, as SQL would: True, False or None
    (unknown, when a NULL takes part). Local fields only, compared by exact, in, isnull,
    gt, gte, lt and lte with a value or an F() of another local field; NotInMemory for
    anything else."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, instance))
        else:
            results.append(_lookup_holds(instance, *child))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise NotInMemory(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


def _local_value(instance, name):
    if "__" in name:
        raise NotInMemory(name)
    return getattr(instance, instance._meta.get_field(name).attname)


def _lookup_holds(instance, lookup, expected):
    name, _, operator = lookup.partition("__")
    operator = operator or "exact"
    if operator not in ("exact", "in", "isnull", "gt", "gte", "lt", "lte"):
        raise NotInMemory(lookup)
    value = _local_value(instance, name)
    if isinstance(expected, F):
        expected = _local_value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise NotInMemory(lookup)
    if operator == "isnull":
        return (value is None) == bool(expected)
    if operator == "exact" and expected is None:
        return value is None  # Django reads `= None` as IS NULL
    if value is None or expected is None:
        return None
    if operator == "exact":
        return value == expected
    if operator == "in":
        return value in expected
    return {
        "gt": lambda: value > expected,
        "gte": lambda: value >= expected,
        "lt": lambda: value < expected,
        "lte": lambda: value <= expected,
    }[operator]()
