"""The supervision overview and its CSV, read from the stored rows (`supervision.summaries`):
one indexed row per NQSW, so a page costs the same for a team or a whole academy (issue 17).
The stale rows of the filtered set are written again before anything is read."""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy.paging import narrow_page, streamed
from academy.summaries import counted_fresh
from cohorts.models import Enrolment
from supervision import summaries
from supervision.filters import SupervisionFilter

PAGE_SIZE = 50
CSV_CHUNK = 2000
_SUMMARY = "supervision_summary__"


def _filtered(request):
    """The filter, the visible NQSWs it selects (before the status, which is the summary's),
    and the status as a condition on them."""
    visible = summaries.with_schedules(Enrolment.objects.visible_to(request.user))
    filterset = SupervisionFilter(request.GET or None, queryset=visible, user=request.user)
    wanted = filterset.wanted_status()
    return filterset, filterset.qs, Q(**{f"{_SUMMARY}state": wanted}) if wanted else Q()


def _in_overview_order(found):
    """Overdue first (longest first), then due this week, on track, on leave, complete;
    within a state by the next due date (or the last day), then by name."""
    return found.order_by(
        f"{_SUMMARY}state_rank",
        f"-{_SUMMARY}days_overdue",
        Coalesce(f"{_SUMMARY}next_due", f"{_SUMMARY}last_day"),
        "person__full_name",
        "pk",
    )


def _totals(found, wanted, today):
    """One query: the matching NQSWs, how many in each state, and how many summaries of the
    filtered set are stale (a stale row's state may be wrong, so it is counted before the
    status filter)."""
    return found.order_by().aggregate(
        stale=Count("pk", filter=summaries.stale_q(today)),
        rows=Count("pk", filter=wanted),
        **{
            state: Count("pk", filter=wanted & Q(**{f"{_SUMMARY}state": state}))
            for state in summaries.STATE_ORDER
        },
    )


def overview_page(request):
    """One page of the overview: the filter, the page of (enrolment, summary) rows, the
    counts by state of every matching NQSW, and today."""
    today = timezone.localdate()
    filterset, found, wanted = _filtered(request)
    totals = counted_fresh(
        lambda: _totals(found, wanted, today),
        lambda: summaries.refresh_stale(on=today, enrolments=found),
    )
    # Counted with the totals: no second COUNT query.
    page = narrow_page(
        _in_overview_order(found.filter(wanted)),
        found.for_listing().select_related("supervision_summary"),
        request.GET.get("page"),
        per_page=PAGE_SIZE,
        count=totals["rows"],
    )
    rows = [(enrolment, enrolment.supervision_summary) for enrolment in page.object_list]
    counts = {state: totals[state] for state in summaries.STATE_ORDER}
    return filterset, page, rows, counts, today


CSV_COLUMNS = [
    "staff_id",
    "name",
    "service",
    "practice_group",
    "asye_start",
    "asye_month",
    "last_supervision",
    "qualifying_sessions",
    "required_to_date",
    "interval_days",
    "rule",
    "next_due",
    "status",
]
# Where each of CSV_COLUMNS is read from: plain values, never model instances, so a whole
# academy streams quickly. From `asye_month` on, the columns are the summary's own fields.
_FROM_SUMMARY = CSV_COLUMNS.index("asye_month")
CSV_SOURCES = [
    "person__staff_id",
    "person__full_name",
    "practice_group__service__code",
    "practice_group__name",
    "asye_start",
    *(_SUMMARY + name for name in CSV_COLUMNS[_FROM_SUMMARY:]),
]


def csv_queryset(request):
    """The filtered NQSWs in the order they were enrolled (the first row leaves without a
    sort of the whole service, as caseloads.board_queryset), their stale summaries
    written first."""
    today = timezone.localdate()
    filterset, found, wanted = _filtered(request)
    summaries.refresh_stale(on=today, enrolments=found)
    return found.filter(wanted).order_by("pk"), today


def csv_values(found):
    """The CSV's rows, in CSV_COLUMNS order (dates as ISO dates, no month as blank)."""
    for values in streamed(found.values_list(*CSV_SOURCES), CSV_CHUNK):
        yield [
            "" if value is None or value == 0 and column == "asye_month" else value
            for column, value in zip(CSV_COLUMNS, values, strict=True)
        ]
