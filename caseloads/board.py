"""What the allocation board and the request pages show about a caseload: the tightest
cap as a practice manager reads it, a board row (on the page and in the CSV), and what
approving a request would make of the caseload. Plain values built from
`caseloads.states` and `caseloads.rules`; the views in `caseloads/views.py` render them."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils import timezone

from academy.findings import WARNING, Finding
from academy.spreadsheets import csv_cell
from caseloads import filters, rules, summaries
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


# The attention filters as conditions on the stored summary (caseloads.summaries).
ATTENTION_Q = {
    filters.ANY_BREACH: Q(caseload_summary__has_breach=True),
    filters.OVER_CAP: Q(caseload_summary__over_cap=True),
    filters.AT_CAP: Q(caseload_summary__at_cap=True),
    filters.UNDER_MINIMUM: Q(caseload_summary__under_minimum=True),
    filters.WARNINGS: Q(caseload_summary__has_warning=True),
}
PAGE_SIZE = 25


def board_queryset(request):
    """The visible current workers, filtered and in the board's order (breaches first, then
    warnings, then by name), read from their summaries; the same rows feed the page and
    the CSV. Stale summaries of the filtered set are written again first."""
    today = timezone.localdate()
    visible = Enrolment.objects.visible_to(request.user).current()
    filterset = filters.BoardFilter(request.GET or None, queryset=visible, user=request.user)
    found = filterset.qs
    summaries.refresh_stale(on=today, enrolments=found)
    stage, attention = filterset.wanted("stage"), filterset.wanted("attention")
    if stage:
        found = found.filter(caseload_summary__stage=stage)
    if attention:
        found = found.filter(ATTENTION_Q[attention])
    found = found.select_related(
        "caseload_summary", "person", "practice_group__service", "practice_group__office"
    ).order_by(
        "-caseload_summary__has_breach",
        "-caseload_summary__has_warning",
        "person__full_name",
        "pk",
    )
    return filterset, found, today


def board_page(request):
    """One page of the board: the summaries' totals, and full rows for the page's workers
    only (the page shows what the summary does not keep, such as the stage's words)."""
    filterset, found, today = board_queryset(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    enrolments = list(page.object_list)
    rows = [board_row(state) for state in worker_states(enrolments, today)]
    totals = found.aggregate(
        breaches=Count("pk", filter=Q(caseload_summary__has_breach=True)),
        warnings=Count("pk", filter=Q(caseload_summary__has_warning=True)),
        waiting=Sum("caseload_summary__requests_waiting"),
    )
    return filterset, page, rows, totals, today


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


def csv_row(enrolment: Enrolment) -> list:
    """One row of the board's CSV, in BOARD_COLUMNS order, from the enrolment's summary
    (loaded with it: `board_queryset`)."""
    summary = enrolment.caseload_summary
    group = enrolment.practice_group
    return [
        csv_cell(value)
        for value in [
            enrolment.person.staff_id,
            enrolment.person.full_name,
            enrolment.kind,
            group.service.code,
            group.office.name,
            group.name,
            summary.stage,
            summary.asye_month or "",
            summary.children,
            summary.cases,
            summary.own_children,
            summary.coworked_children,
            summary.cap_label,
            "" if summary.cap_minimum is None else summary.cap_minimum,
            "" if summary.cap_maximum is None else summary.cap_maximum,
            summary.cap_unit,
            "" if summary.headroom is None else summary.headroom,
            summary.breach_rules,
            summary.warning_rules,
            summary.requests_waiting,
        ]
    ]
