"""The NQSW's year at a glance (issue 11): a timeline from the ASYE start to its end,
extensions included, and the evidence coverage against the PCF and the KSS.

Both are drawn from facts already read for "Am I on track?" (`home.progress`): the timeline
from the enrolment (its start, approved extensions, MONTH-2's end) and the deadlines; the
coverage from the portfolio facts' uncovered statements (EVIDENCE) and the frameworks in
force on the ASYE start. The page draws the timeline as SVG (hand-written in the template,
no script) and writes the same facts as a list; the coverage is a compact grid with a table
beside it.

Decisions where the issue is silent: an element counts as covered when any current evidence
is mapped to it (how many pieces is the portfolio's evidence map, one link away); the
timeline's points are the start, each deadline, each extension's absence and the end.
"""

from dataclasses import dataclass
from datetime import date

from assessment import portfolio as portfolios

# The SVG's drawing width in user units (the viewBox scales it to the page).
WIDTH = 1000


@dataclass(frozen=True)
class Point:
    """One dated fact on the timeline; `x` is its place along the SVG (0 to WIDTH)."""

    day: date
    label: str
    kind: str  # start, end, deadline, extension, today
    x: int
    last_day: date | None = None  # an extension's absence runs to here
    width: int = 0


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    points: tuple[Point, ...]
    today_x: int | None
    width: int = WIDTH


@dataclass(frozen=True)
class CoverageRow:
    code: str  # "PCF", "KSS"
    name: str
    cells: tuple[tuple[str, str, bool], ...]  # (number, title, covered)

    @property
    def covered(self) -> int:
        return sum(1 for *_, covered in self.cells if covered)


def _x(day: date, start: date, end: date) -> int:
    span = max((end - start).days, 1)
    return round(min(max((day - start).days, 0), span) * WIDTH / span)


def timeline(enrolment, progress) -> Timeline | None:
    """The ASYE from start to end (MONTH-2: approved extensions move the end), with each
    deadline of `progress` and each extension's absence; None before an ASYE start."""
    start, end = enrolment.asye_start, enrolment.planned_end()
    if start is None or end is None:
        return None
    points = [Point(start, f"{progress.programme} starts", "start", 0)]
    for extension in enrolment.extensions.all():
        x = _x(extension.first_day, start, end)
        points.append(
            Point(
                extension.first_day,
                f"Extension of {extension.months} month{'s' if extension.months != 1 else ''}"
                f" ({extension.get_reason_display().lower()})",
                "extension",
                x,
                last_day=extension.last_day,
                width=max(_x(extension.last_day, start, end) - x, 4),
            )
        )
    for deadline in progress.deadlines:
        points.append(Point(deadline.due, f"{deadline.what}: {deadline.label}", deadline.state, 0))
    points.append(Point(end, f"{progress.programme} ends", "end", WIDTH))
    placed = tuple(
        sorted(
            (
                p if p.kind in ("start", "end", "extension") else _placed(p, start, end)
                for p in points
            ),
            key=lambda p: (p.day, p.kind != "start"),
        )
    )
    today = progress.as_of
    return Timeline(start, end, placed, _x(today, start, end) if start <= today <= end else None)


def _placed(point: Point, start: date, end: date) -> Point:
    return Point(point.day, point.label, point.kind, _x(point.day, start, end))


def coverage(enrolment, uncovered, frameworks) -> tuple[CoverageRow, ...]:
    """Each domain and statement the coverage is judged against (the PCF and the KSS for
    the ASYE; the programme's own frameworks for another, issue 14): covered or not.
    `frameworks` is `assessment.portfolio.all_frameworks()`, as the facts were read with,
    and the rows are the frameworks the facts' `uncovered` was worked out against."""
    missing = set(uncovered)
    frameworks = portfolios.judged_against(frameworks, enrolment)
    return tuple(
        CoverageRow(
            framework.code,
            framework.name,
            tuple(
                (
                    str(element.number),
                    element.title,
                    f"{framework.code} {element.number}" not in missing,
                )
                for element in framework.elements.all()
            ),
        )
        for framework in frameworks
    )
