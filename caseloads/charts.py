"""A worker's caseload month by month against the cap band for that month, as numbers
(for the table) and as a server-side SVG chart (pygal).

Each point reads the caseload on the last day of the month (today for the month in
progress) through the same `caseloads.rules` as the board, with the cap table and the
thresholds that were in force on that day, so a later change of cap never rewrites what
an earlier month showed.

The chart goes into the page as an `<img>` whose source is a `data:` URL. An SVG shown as
an image is a document of its own: it runs no script and the page's Content Security
Policy (no inline style or script) is untouched, while pygal's own styles still apply
inside it. pygal also writes a `<script>` with its configuration even with `js=[]`; it
could never run in an image, but it is taken out all the same.
"""

import base64
from dataclasses import dataclass
from datetime import date, timedelta

import pygal
from pygal.style import Style

from caseloads import rules
from caseloads.models import Allocation, CapRule, RuleSetting
from caseloads.states import worker_from
from cohorts.models import Enrolment
from cohorts.months import add_days, add_months, first_day_of_month

COUNTING = (Allocation.Status.APPROVED, Allocation.Status.ENDED)

# Dark enough on white for WCAG AA text contrast, and told apart by the dashes too.
CHART_STYLE = Style(
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#495057",
    colors=("#0b5394", "#a4161a", "#6c4f00"),
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
)


@dataclass(frozen=True)
class MonthPoint:
    """The caseload at the end of one month, and the cap band that applied then."""

    label: str  # "3" (ASYE month) or "Oct 2026" (before the ASYE)
    on: date  # the day the caseload was read
    children: int
    cases: int
    minimum: int | None  # None: no cap applied (an experienced worker)
    maximum: int | None
    unit: str
    cap_row: str  # e.g. "CLA in ASYE month 3"
    in_progress: bool  # the month has not ended yet


@dataclass(frozen=True)
class CaseloadHistory:
    axis: str  # what the labels count: "ASYE month" or "Month"
    points: list[MonthPoint]

    @property
    def each(self) -> str:
        """The axis in a sentence: "each ASYE month", "each month"."""
        return "each ASYE month" if self.axis == "ASYE month" else "each month"

    @property
    def has_cap(self) -> bool:
        return any(point.maximum is not None for point in self.points)


def _month_ends(enrolment: Enrolment, today: date, first_start: date | None):
    """(label, last day read) for each month so far, and the axis they count."""
    start = enrolment.asye_start
    if start is not None and start <= today:
        shifts = enrolment.shifts()
        last_day = enrolment.end_date or enrolment.planned_end()
        ends = []
        for month in range(1, 13):
            begins = first_day_of_month(start, month, shifts)
            if begins > today or begins > last_day:
                break
            ends.append(
                (
                    str(month),
                    min(
                        add_days(first_day_of_month(start, month + 1, shifts), -1), today, last_day
                    ),
                )
            )
        return "ASYE month", ends
    # Before the ASYE (a trainee's placement, or an NQSW not yet started): calendar months
    # from the first allocation, or from the cohort's start.
    begins = min(d for d in (first_start, enrolment.cohort.start_date) if d is not None)
    month = begins.replace(day=1)
    ends = []
    while month <= today:
        following = add_months(month, 1)
        ends.append((f"{month:%b %Y}", min(following - timedelta(1), today)))
        month = following
    return "Month", ends


def caseload_history(
    enrolment: Enrolment, allocations: list[Allocation], today: date
) -> CaseloadHistory:
    """The worker's caseload per month so far (two queries: the cap table and the
    thresholds, every version). `allocations` are all the worker's, with their cases;
    `enrolment` has its person, cohort, team, extensions and visit sign-off loaded."""
    caps = [row.as_row() for row in CapRule.objects.select_related("service")]
    settings_rows = list(RuleSetting.objects.order_by("effective_from"))
    counted = [a for a in allocations if a.status in COUNTING]
    first_start = min((a.start_date for a in counted), default=None)
    axis, ends = _month_ends(enrolment, today, first_start)
    points = []
    for label, on in ends:
        holdings = [
            rules.Holding(a.case.reference, a.case.case_type, a.case.children, a.role)
            for a in counted
            if a.start_date <= on and (a.end_date is None or a.end_date >= on)
        ]
        settings = rules.Settings.from_values(
            {s.name: s.value for s in settings_rows if s.effective_from <= on}
        )
        worker = worker_from(enrolment.person, enrolment, on)
        load = rules.caseload(holdings)
        cap = rules.binding_cap(worker, on, caps, holdings, settings)
        points.append(
            MonthPoint(
                label=label,
                on=on,
                children=load.children,
                cases=load.cases,
                minimum=cap.minimum if cap else None,
                maximum=cap.maximum if cap else None,
                unit=cap.unit if cap else rules.CHILDREN,
                cap_row=rules.describe_cap(cap, worker) if cap else "",
                in_progress=on == today,
            )
        )
    return CaseloadHistory(axis=axis, points=points)


def _without_scripts(root):
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def chart_svg(history: CaseloadHistory, *, title: str) -> str:
    """The chart as SVG markup, no script, no XML declaration."""
    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        style=CHART_STYLE,
        width=800,
        height=360,
        title=title,
        x_title=history.axis,
        y_title="Children",
        legend_at_bottom=True,
        show_minor_x_labels=True,
        include_x_axis=True,
        dots_size=4,
        print_values=False,
        no_data_text="No months yet",
    )
    chart = pygal.Line(config)
    chart.add_xml_filter(_without_scripts)
    chart.x_labels = [point.label for point in history.points]
    # The band lines first and the caseload last, so a worker at the cap is drawn over the
    # cap line, not hidden under it (issue 10 item 13).
    if history.has_cap:
        chart.add(
            "Cap (maximum)",
            [point.maximum for point in history.points],
            stroke_style={"dasharray": "8, 4", "width": 2},
        )
        chart.add(
            "Band minimum",
            [point.minimum for point in history.points],
            stroke_style={"dasharray": "2, 4", "width": 2},
        )
    chart.add("Children held", [point.children for point in history.points], dots_size=6)
    return chart.render(is_unicode=True)


def as_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
