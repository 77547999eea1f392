"""The stored board rows (`CaseloadSummary`): written here and nowhere else.

The allocation board, its CSV and their filters read one summary row per current worker,
so their cost does not grow with the academy (issue 17). The row is a copy of what
`caseloads.states.worker_states` and `caseloads.rules` make of the worker's caseload on
`as_of`, never a second implementation: `refresh` evaluates and upserts.

Keeping the copy true:
- the caseloads services (`caseloads.services`) call `refresh_case` / `refresh` inside
  their own transaction, for everyone on the case they change (SOLE-CP-CLA judges a worker
  by their colleagues on it);
- everything else that can change a result is detected rather than hooked, because the
  organisation ground (academy, cohorts) imports no feature app: `stale` treats a row as
  out of date when it is missing, evaluated for another day (ASYE months, stages and cap
  bands move with the date), older than the latest change to the cap table or the rule
  settings (admin edits, effective-from dates), or older than a change to the worker's
  enrolment, extensions/absences (EXT-1) or person record (role, name, group) — all of
  which keep a simple-history row with its date;
- the board refreshes the stale rows of what it is about to show (`refresh_stale`, in
  chunks) before reading. A daily `refresh_summaries` run (`refresh_stale(on=today)`)
  keeps the date-driven refresh off the request path: after it, a page view finds
  nothing stale and reads only the summaries.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from academy.models import Person
from academy.summaries import (
    changed_from,
    changed_since,
    earliest_refresh,
    stale_condition,
    stale_union,
    touched,
    touched_first,
)

# A module import: the board reads the summaries this module writes from its rows.
from caseloads import board, filters
from caseloads.models import Allocation, CapRule, CaseloadSummary, RuleSetting
from caseloads.states import WorkerState, worker_states
from cohorts.models import Enrolment, Extension

# Workers evaluated per batch: bounds the memory of a refresh of a whole academy.
CHUNK = 200

FIELDS = [
    "as_of",
    "refreshed_at",
    "stage",
    "asye_month",
    "children",
    "cases",
    "own_children",
    "coworked_children",
    "cap_label",
    "cap_minimum",
    "cap_maximum",
    "cap_unit",
    "headroom",
    "has_breach",
    "has_warning",
    "breach_rules",
    "warning_rules",
    "over_cap",
    "at_cap",
    "under_minimum",
    "requests_waiting",
    "visit_signoff_missing",
]


def values_of(state: WorkerState) -> dict:
    """The summary's fields for one evaluated worker (`refreshed_at` aside)."""
    row = board.board_row(state)
    load, cap = state.caseload, row.cap
    return {
        "as_of": state.on,
        "stage": row.stage,
        "asye_month": state.worker.asye_month,
        "children": load.children,
        "cases": load.cases,
        "own_children": load.own_children,
        "coworked_children": load.coworked_children,
        "cap_label": cap.label if cap else "",
        "cap_minimum": cap.row.minimum if cap else None,
        "cap_maximum": cap.row.maximum if cap else None,
        "cap_unit": cap.row.unit if cap else "",
        "headroom": cap.headroom if cap else None,
        "has_breach": bool(state.breaches),
        "has_warning": bool(state.warnings),
        "breach_rules": " ".join(row.breach_rules),
        "warning_rules": " ".join(row.warning_rules),
        # The board's "needs attention" filters, decided by the filters' own rule.
        "over_cap": filters.needs_attention(state, filters.OVER_CAP),
        "at_cap": filters.needs_attention(state, filters.AT_CAP),
        "under_minimum": filters.needs_attention(state, filters.UNDER_MINIMUM),
        "requests_waiting": len(state.requests),
        "visit_signoff_missing": state.misses_visit_signoff,
    }


@transaction.atomic
def refresh(enrolment_ids: Iterable[int], *, on: date) -> int:
    """Evaluate these enrolments' workers on `on` and write their summaries; an enrolment
    no longer current loses its summary (the board shows current workers only). Returns
    how many were written."""
    ids = sorted(set(enrolment_ids))  # a fixed order: two writers lock rows alike
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        current = list(Enrolment.objects.current().filter(pk__in=chunk).order_by("pk"))
        CaseloadSummary.objects.filter(enrolment_id__in=chunk).exclude(
            enrolment_id__in=[e.pk for e in current]
        ).delete()
        now = timezone.now()
        rows = [
            CaseloadSummary(enrolment=state.enrolment, refreshed_at=now, **values_of(state))
            for state in worker_states(current, on)
        ]
        CaseloadSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrolment"],
            update_fields=FIELDS,
        )
        written += len(rows)
    return written


def refresh_people(person_ids: Iterable[int], *, on: date | None = None) -> int:
    """Refresh the summaries of these people's current enrolments."""
    enrolments = Enrolment.objects.current().filter(person_id__in=set(person_ids))
    return refresh(enrolments.values_list("pk", flat=True), on=on or timezone.localdate())


def refresh_case(case_id: int, *, on: date | None = None) -> int:
    """After a change to an allocation on the case: everyone on it, since SOLE-CP-CLA
    judges each worker by who else is on the case."""
    people = Allocation.objects.filter(case_id=case_id).values_list("worker_id", flat=True)
    return refresh_people(people, on=on)


# The tables whose any change makes every row stale (the admin, a new effective date).
INPUTS = (CapRule, RuleSetting)


def _touched(on: date) -> tuple:
    """The enrolments whose enrolment, extensions (EXT-1 absences) or person changed since
    today's earliest row was written: only these are compared row by row
    (`academy.summaries`)."""
    earliest = earliest_refresh(CaseloadSummary.objects.all(), on)
    return (
        changed_from(Enrolment, earliest).values("id"),
        changed_from(Extension, earliest).values("enrolment_id"),
        Enrolment.objects.filter(person_id__in=changed_from(Person, earliest).values("id")).values(
            "pk"
        ),
    )


def _changed() -> Q:
    """The enrolment, its extensions or the person changed since the row was written."""
    since = OuterRef("caseload_summary__refreshed_at")
    return (
        changed_since(Enrolment, since, id=OuterRef("pk"))
        | changed_since(Extension, since, enrolment_id=OuterRef("pk"))
        | changed_since(Person, since, id=OuterRef("person_id"))
    )


def stale_q(on: date) -> Q:
    """The condition, on enrolments, that their summary is missing or out of date on `on`
    (see the module docstring), for counting in an aggregate; `stale` lists them."""
    return stale_condition(
        summary="caseload_summary",
        on=on,
        inputs=INPUTS,
        changed=touched(*_touched(on)) & _changed(),
    )


def stale(enrolments, *, on: date):
    """The pks of the enrolments, of the queryset given, whose summary is stale on `on`."""
    return stale_union(
        enrolments,
        summary="caseload_summary",
        on=on,
        inputs=INPUTS,
        changed=touched_first(*_touched(on)) & _changed(),
    )


def refresh_stale(*, on: date, enrolments=None) -> int:
    """Write the summaries that are missing or stale among `enrolments` (default: every
    current one). The daily `refresh_summaries` run calls it with no enrolments."""
    if enrolments is None:
        enrolments = Enrolment.objects.current()
    ids = list(stale(enrolments, on=on))
    return refresh(ids, on=on) if ids else 0
