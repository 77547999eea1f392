"""The caseload audit: a snapshot of who holds which case, checked against the rules.

The snapshot is a CSV with the columns `case_ref, case_type, children, staff_id, role`, one
row per worker on a case (several rows may share a case_ref). It is taken as each listed
worker's whole caseload on the audit date and run through the same `caseloads.rules` as
the allocation pages, for people already in the system, reading the database and changing
nothing. Only the people in the file are audited.

Input errors name the row (the header is row 1) and the column, and are all reported
together as one academy.csvfiles.CSVRejected; no finding is produced from a file with any
error.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from academy import csvfiles
from academy.findings import Finding
from academy.models import Person
from caseloads import rules
from caseloads.models import Allocation, CapRule, Case, RuleSetting
from caseloads.states import enrolments_for, worker_from

COLUMNS = ("case_ref", "case_type", "children", "staff_id", "role")
CASE_TYPES = tuple(Case.CaseType.values)
ROLES = tuple(Allocation.Role.values)


@dataclass(frozen=True)
class SnapshotRow:
    row: int
    case_ref: str
    case_type: str
    children: int
    staff_id: str
    role: str


@dataclass(frozen=True)
class AuditFinding:
    staff_id: str
    finding: Finding

    def as_dict(self) -> dict:
        return {"staff_id": self.staff_id, **self.finding.as_dict()}

    def sort_key(self):
        f = self.finding
        return (self.staff_id, f.rule, f.case_ref or "", f.message)


def parse_as_of(text: str | None) -> date:
    if not text:
        raise ValueError("--as-of YYYY-MM-DD is required.")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--as-of must be a date as YYYY-MM-DD, not {text!r}.") from None


def read_snapshot(text: str) -> list[SnapshotRow]:
    """The snapshot's rows, checked for shape and consistency (no database access).

    Raises CSVRejected naming every problem's row and column. The report comes from the
    case-management system, so columns of its own are ignored.
    """
    records, errors = csvfiles.read_table(text, COLUMNS, other_columns="ignore")
    found: list[SnapshotRow] = []
    first_seen: dict[str, SnapshotRow] = {}
    on_case: dict[tuple[str, str], int] = {}
    for record in records:
        number = record.row

        def problem(column, message, number=number):
            errors.add(number, column, message)

        case_ref = record["case_ref"]
        if not case_ref:
            problem("case_ref", "the case reference is empty")
        case_type = record["case_type"].upper()
        if case_type not in CASE_TYPES:
            problem(
                "case_type",
                f"unknown case type {record['case_type']!r} (expected one of "
                + ", ".join(CASE_TYPES)
                + ")",
            )
        children = record["children"]
        if not re.fullmatch(r"\d+", children) or not 1 <= int(children) <= 20:
            problem("children", f"children must be a whole number from 1 to 20, not {children!r}")
        staff_id = record["staff_id"]
        if not staff_id:
            problem("staff_id", "the staff id is empty")
        role = record["role"].lower()
        if role not in ROLES:
            problem("role", f"the role must be allocated or coworker, not {record['role']!r}")
        if errors.on_row(number):
            continue

        row = SnapshotRow(number, case_ref, case_type, int(children), staff_id, role)
        first = first_seen.setdefault(case_ref, row)
        if first.case_type != row.case_type:
            problem(
                "case_type",
                f"case {case_ref} is {first.case_type} on row {first.row} but {case_type} here",
            )
        if first.children != row.children:
            problem(
                "children",
                f"case {case_ref} has {first.children} children on row {first.row} but "
                f"{row.children} here",
            )
        if (case_ref, staff_id) in on_case:
            problem(
                "staff_id",
                f"{staff_id} is already on case {case_ref} (row {on_case[case_ref, staff_id]})",
            )
        on_case.setdefault((case_ref, staff_id), number)
        found.append(row)
    errors.raise_if_any()
    return found


def audit(rows: list[SnapshotRow], as_of: date) -> list[AuditFinding]:
    """Every finding for the people in the snapshot, sorted by staff id then rule."""
    staff_ids = {row.staff_id for row in rows}
    people = {
        person.staff_id: person
        for person in Person.objects.filter(staff_id__in=staff_ids).select_related(
            "service", "practice_group__service"
        )
    }
    unknown = csvfiles.RowErrors()
    for row in rows:
        if row.staff_id not in people:
            unknown.add(
                row.row, "staff_id", f"no member of staff has the staff id {row.staff_id!r}"
            )
    unknown.raise_if_any()

    enrolments = enrolments_for(person.pk for person in people.values())
    workers = {
        staff_id: worker_from(person, enrolments.get(person.pk), as_of)
        for staff_id, person in people.items()
    }
    caps = CapRule.objects.rows_in_force(as_of)
    settings = RuleSetting.objects.in_force(as_of)

    on_case = defaultdict(list)
    for row in rows:
        on_case[row.case_ref].append(row)
    holdings = defaultdict(list)
    for row in rows:
        holdings[row.staff_id].append(
            rules.Holding(
                case_ref=row.case_ref,
                case_type=row.case_type,
                children=row.children,
                role=row.role,
                others=tuple(
                    rules.Colleague(
                        staff_id=other.staff_id,
                        experienced=rules.is_experienced(workers[other.staff_id]),
                        role=other.role,
                    )
                    for other in on_case[row.case_ref]
                    if other.staff_id != row.staff_id
                ),
            )
        )
    findings = [
        AuditFinding(staff_id, finding)
        for staff_id in sorted(holdings)
        for finding in rules.evaluate(
            workers[staff_id], as_of, caps, holdings[staff_id], settings=settings
        )
    ]
    return sorted(findings, key=AuditFinding.sort_key)
