"""What the allocation board and the request pages show about a caseload: the tightest
cap as a practice manager reads it, a board row (on the page and in the CSV), and what
approving a request would make of the caseload. Plain values built from
`caseloads.states` and `caseloads.rules`; the views in `caseloads/views.py` render them.

The board's list, filters, order and CSV read the stored rows of `caseloads.summaries`
(one per worker, in SQL, 25 a page); only the page's own workers are evaluated in full."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from academy.findings import WARNING, Finding
from academy.paging import narrow_page, streamed
from academy.spreadsheets import csv_cell
from academy.summaries import counted_fresh
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
# Rows read from the database at a time by the streamed CSV.
CSV_CHUNK = 500


def _filtered(request):
    """The board's filter, the visible current workers it narrows in the database, and
    the condition on their summaries for the stage and attention filters."""
    visible = Enrolment.objects.visible_to(request.user).current()
    filterset = filters.BoardFilter(request.GET or None, queryset=visible, user=request.user)
    stage, attention = filterset.wanted("stage"), filterset.wanted("attention")
    wanted = Q()
    if stage:
        wanted &= Q(caseload_summary__stage=stage)
    if attention:
        wanted &= ATTENTION_Q[attention]
    return filterset, filterset.qs, wanted


def _in_board_order(found):
    """Breaches first, then warnings, then by name; with what a row shows."""
    return found.select_related(
        "caseload_summary",
        "visit_signoff",
        "person",
        "cohort__programme",
        "practice_group__service",
        "practice_group__office",
    ).order_by(
        "-caseload_summary__has_breach",
        "-caseload_summary__has_warning",
        "person__full_name",
        "pk",
    )


def board_queryset(request):
    """The filtered workers in the order they were enrolled, read from their summaries
    (the CSV); stale summaries of the filtered set are written again first.

    Not the board's breaches-first order: that is a sort of the whole service before the
    first row can leave (45 ms at 10,000 NQSWs against 11 at 1,000; by staff ID still 26
    against 7 for a group manager), while the enrolments' primary key is read in order as
    it is, and a spreadsheet sorts as its reader wants (issue 17)."""
    today = timezone.localdate()
    filterset, found, wanted = _filtered(request)
    summaries.refresh_stale(on=today, enrolments=found)
    return filterset, found.filter(wanted).order_by("pk"), today


def _totals(found, wanted, today):
    """One query: the matching workers and their breaches, warnings and requests, and
    how many summaries of the filtered set are stale (a stale row's stage or findings
    may be wrong, so staleness is counted before the stage and attention filters)."""
    summary = "caseload_summary__"
    return found.aggregate(
        stale=Count("pk", filter=summaries.stale_q(today)),
        workers=Count("pk", filter=wanted),
        breaches=Count("pk", filter=wanted & Q(**{f"{summary}has_breach": True})),
        warnings=Count("pk", filter=wanted & Q(**{f"{summary}has_warning": True})),
        waiting=Sum(f"{summary}requests_waiting", filter=wanted),
    )


def board_page(request):
    """One page of the board: the summaries' totals, and full rows for the page's workers
    only (the page shows what the summary does not keep, such as the stage's words)."""
    today = timezone.localdate()
    filterset, found, wanted = _filtered(request)
    totals = counted_fresh(
        lambda: _totals(found, wanted, today),
        lambda: summaries.refresh_stale(on=today, enrolments=found),
    )
    # Counted with the totals: no second COUNT query.
    page = narrow_page(
        _in_board_order(found.filter(wanted)),
        _in_board_order(found),
        request.GET.get("page"),
        per_page=PAGE_SIZE,
        count=totals["workers"],
    )
    rows = [board_row(state) for state in worker_states(list(page.object_list), today)]
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


# Where each of BOARD_COLUMNS is read from, for an enrolment with its summary: the CSV
# reads plain values, never model instances, so a whole academy streams quickly.
_SUMMARY = "caseload_summary__"
CSV_SOURCES = [
    "person__staff_id",
    "person__full_name",
    "kind",
    "practice_group__service__code",
    "practice_group__office__name",
    "practice_group__name",
    *(
        _SUMMARY + name
        for name in [
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
            "breach_rules",
            "warning_rules",
            "requests_waiting",
        ]
    ),
]
_ASYE_MONTH = CSV_SOURCES.index(_SUMMARY + "asye_month")


def csv_rows(found):
    """The board's CSV rows, in BOARD_COLUMNS order, for `board_queryset`'s workers; read
    in chunks."""
    for values in streamed(found.values_list(*CSV_SOURCES), CSV_CHUNK):
        yield [
            csv_cell("" if value is None or (i == _ASYE_MONTH and not value) else value)
            for i, value in enumerate(values)
        ]
