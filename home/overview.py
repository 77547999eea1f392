"""The panel chair's and the Professional Practice team's home (issue 11): the next panel
with its submissions in, late and not yet in, the moderators' forms complete and the concerns
raised; and the cohorts at a glance, on track or at risk.

Decisions where the issue is silent:

- The next panel is the earliest open panel meeting today or later (as the assessor's list).
- A submission is "in" once submitted (MOD-SUBMIT); "late" when not in and past the panel's
  deadline (`Submission.is_overdue`); otherwise "not yet in".
- Not yet allocated counts the places with no moderator and no decision, as the automatic
  allocation takes them on (MOD-ALLOCATE). Forms complete counts the moderators' forms
  completed out of the portfolios allocated; concerns counts the forms marking concerns for
  the chair (MOD-FAIL-FULL).
- An NQSW is at risk when the portfolio checks find a breach (`assessment.checks.evaluate`:
  a requirement overdue or a rule broken) on the day; otherwise on track. Trainees and NQSWs
  whose ASYE has not started have no portfolio and are not counted.

A fixed number of queries whatever the number of enrolments or submissions.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from assessment import summaries
from assessment.models import PortfolioSummary
from cohorts.models import Cohort, Enrolment
from home.waiting import next_panel
from moderation.models import Allocation, Panel, Submission


@dataclass(frozen=True)
class PanelSummary:
    panel: Panel
    submitted: int
    late: int
    not_yet_in: int
    allocated: int
    unallocated: int  # portfolios with no moderator yet (MOD-ALLOCATE)
    forms_complete: int
    concerns: int


@dataclass(frozen=True)
class CohortGlance:
    cohort: Cohort
    on_track: int
    at_risk: int


def panel_summary(today: date) -> PanelSummary | None:
    panel = next_panel(today)
    if panel is None:
        return None
    states = Counter()
    places = Submission.objects.filter(panel=panel).with_unallocated()
    for submission in places.only("submitted_at", "panel_id"):
        submission.panel = panel
        states["unallocated"] += submission.unallocated
        if submission.is_submitted:
            states["in"] += 1
        elif submission.is_overdue(today):
            states["late"] += 1
        else:
            states["waiting"] += 1
    forms = Allocation.objects.filter(submission__panel=panel).aggregate(
        allocated=Count("pk"),
        complete=Count("pk", filter=Q(form__completed_at__isnull=False)),
        concerns=Count("pk", filter=Q(form__concerns=True)),
    )
    return PanelSummary(
        panel=panel,
        submitted=states["in"],
        late=states["late"],
        not_yet_in=states["waiting"],
        allocated=forms["allocated"],
        unallocated=states["unallocated"],
        forms_complete=forms["complete"],
        concerns=forms["concerns"],
    )


def cohorts_at_a_glance(today: date) -> list[CohortGlance]:
    """Each cohort with current ASYE enrolments: how many are on track and at risk, counted
    in SQL from the portfolio summaries (assessment.summaries) once the stale ones, usually
    none after the nightly run, are rebuilt."""
    summaries.fresh(Enrolment.objects.all(), on=today)
    counted = (
        PortfolioSummary.objects.filter(as_of=today)
        .values("enrolment__cohort_id")
        .annotate(
            risky=Count("pk", filter=Q(at_risk=True)),
            fine=Count("pk", filter=Q(at_risk=False)),
        )
        .order_by()
    )
    counts = {row["enrolment__cohort_id"]: row for row in counted}
    cohorts = Cohort.objects.filter(pk__in=counts).order_by("-start_date", "-name")
    return [
        CohortGlance(cohort, counts[cohort.pk]["fine"], counts[cohort.pk]["risky"])
        for cohort in cohorts
    ]
