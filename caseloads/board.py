"""What the allocation board and the request pages show about a caseload: the tightest
cap as a practice manager reads it, a board row (on the page and in the CSV), and what
approving a request would make of the caseload. Plain values built from
`caseloads.states` and `caseloads.rules`; the views in `caseloads/views.py` render them."""

from dataclasses import dataclass

from django.utils import timezone

from academy.findings import WARNING, Finding
from academy.spreadsheets import csv_cell
from caseloads import filters, rules
from caseloads.models import Allocation
from caseloads.states import WorkerState, worker_states
from cohorts.models import Enrolment

# --- What the pages show about a caseload --------------------------------------------------


@dataclass(frozen=True)
class CapView:
    """The tightest cap on a caseload, as a practice manager reads it."""

    row: rules.CapRow
    label: str  # "CLA in ASYE month 3"
    count: int  # the caseload in the cap's unit

    @property
    def headroom(self) -> int:
        return self.row.maximum - self.count

    @property
    def headroom_words(self) -> str:
        return rules.headroom_words(self.headroom, self.row.unit)

    @property
    def no_headroom(self) -> bool:
        """At or over the cap: highlighted wherever headroom is shown (issue 10 item 13)."""
        return self.headroom <= 0


def cap_view(worker: rules.Worker, row: rules.CapRow | None, load: rules.Caseload):
    if row is None:
        return None
    return CapView(row, rules.describe_cap(row, worker), load.count(row.unit))


@dataclass(frozen=True)
class BoardRow:
    state: WorkerState
    stage: str
    cap: CapView | None

    @property
    def enrolment(self):
        return self.state.enrolment

    @property
    def breach_rules(self) -> list[str]:
        return sorted({f.rule for f in self.state.breaches})

    @property
    def warning_rules(self) -> list[str]:
        return sorted({f.rule for f in self.state.warnings})


def board_row(state: WorkerState) -> BoardRow:
    return BoardRow(
        state, filters.stage_of(state.worker), cap_view(state.worker, state.cap, state.caseload)
    )


@dataclass(frozen=True)
class Proposal:
    """What approving a request would make of the worker's caseload on `state.on`."""

    allocation: Allocation
    state: WorkerState
    after: rules.Caseload
    cap: CapView | None  # the tightest cap on the caseload it would make
    findings: list[Finding]

    @property
    def cap_now(self) -> CapView | None:
        return cap_view(self.state.worker, self.state.cap, self.state.caseload)

    @property
    def refusals(self) -> list[Finding]:
        """The breaches approval would refuse it for (the same filter as the service)."""
        return rules.refusals(self.findings, self.allocation.case.reference)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]


def proposal(state: WorkerState, allocation: Allocation) -> Proposal:
    """`state` must be the worker's, with `allocation` among its requests."""
    proposed = rules.Holding(
        allocation.case.reference,
        allocation.case.case_type,
        allocation.case.children,
        allocation.role,
    )
    holdings = [h for h in state.holdings if h.case_ref != proposed.case_ref] + [proposed]
    after = rules.caseload(holdings)
    row = rules.binding_cap(state.worker, state.on, state.caps, holdings, state.settings)
    return Proposal(
        allocation,
        state,
        after,
        cap_view(state.worker, row, after),
        state.request_findings.get(allocation.pk, []),
    )


# --- The allocation board -------------------------------------------------------------------


def board_rows(request):
    """The visible workers' caseloads, filtered; the same rows feed the page and the CSV."""
    today = timezone.localdate()
    visible = Enrolment.objects.visible_to(request.user).current().for_listing()
    filterset = filters.BoardFilter(request.GET or None, queryset=visible, user=request.user)
    stage, attention = filterset.wanted("stage"), filterset.wanted("attention")
    rows = []
    for state in worker_states(filterset.qs, today):
        row = board_row(state)
        if stage and row.stage != stage:
            continue
        if attention and not filters.needs_attention(state, attention):
            continue
        rows.append(row)
    # Breaches first, then warnings, then by name.
    rows.sort(key=lambda r: (not r.state.breaches, not r.state.warnings, r.state.person.full_name))
    return filterset, rows, today


BOARD_COLUMNS = [
    "staff_id",
    "name",
    "kind",
    "service",
    "office",
    "practice_group",
    "stage",
    "asye_month",
    "children",
    "cases",
    "own_children",
    "coworked_children",
    "cap_row",
    "cap_minimum",
    "cap_maximum",
    "cap_unit",
    "headroom",
    "breaches",
    "warnings",
    "requests_waiting",
]


def csv_row(row: BoardRow) -> list:
    """One row of the board's CSV, in BOARD_COLUMNS order."""
    state, enrolment, cap = row.state, row.enrolment, row.cap
    load = state.caseload
    return [
        csv_cell(value)
        for value in [
            state.person.staff_id,
            state.person.full_name,
            enrolment.kind,
            enrolment.practice_group.service.code,
            enrolment.practice_group.office.name,
            enrolment.practice_group.name,
            row.stage,
            state.worker.asye_month or "",
            load.children,
            load.cases,
            load.own_children,
            load.coworked_children,
            cap.label if cap else "",
            cap.row.minimum if cap else "",
            cap.row.maximum if cap else "",
            cap.row.unit if cap else "",
            cap.headroom if cap else "",
            " ".join(row.breach_rules),
            " ".join(row.warning_rules),
            len(state.requests),
        ]
    ]
