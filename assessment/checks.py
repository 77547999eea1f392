"""The portfolio rules as pure functions over plain values (no database access).

The portfolio page, the PDF, the assessor's list of their NQSWs and the demo all call
`evaluate`, so they can never disagree. Each finding names its rule ID from
`shared/domain/asye-rules.md`.

Every requirement has a due date derived from the ASYE start and approved extensions
(`Due`). A requirement not yet met is a **warning** (still to do, with its due date) up to
and including that day and a **breach** (overdue) after it. With `today=None` (the PDF, a
record that must not change from one day to the next) nothing is judged overdue: every
unmet requirement is listed with its due date.

Decisions where the rules are silent (each marked *inferred* in the code too):

| requirement                         | due                                              |
|-------------------------------------|--------------------------------------------------|
| NAT-AGREEMENT, NAT-SELF start,      | the last day of ASYE month 1 ("in the first      |
| NAT-PDP months 0-3                  | month")                                          |
| 3-month review, NAT-PDP months 3-6  | the first day of month 4 (as the enrolment's key |
|                                     | dates say)                                       |
| 6-month review, NAT-SELF midway,    | the first day of month 7                         |
| 6-month reflection, NAT-PDP 6-12    |                                                  |
| 9-month review                      | the first day of month 10, only when the         |
|                                     | agreement plans one ("optional")                 |
| a programme's other review points   | the first day of the point's month (the ECDP's   |
| (cohorts.ProgrammePoint, issue 14)  | 12-month review: month 13); an optional one      |
|                                     | other than the 9-month is never required         |
| final review, NAT-SELF end,         | the last day of the programme (month 12 of the   |
| 12-month reflection, OBS-THREE,     | ASYE, 24 of the ECDP, plus extensions)           |
| NAT-EVIDENCE, EVIDENCE coverage,    |                                                  |
| the recommendation (NAT-OUTCOME)    |                                                  |

- OBS-THREE reports the observations (it asks more than NAT-EVIDENCE's "3 direct
  observations"), so NAT-EVIDENCE does not repeat them.
- NAT-EVIDENCE counts written work once the assessor has assessed it ("assessed pieces").
- NAT-AGREEMENT signed after the first month is a warning: it exists, but late.
- LOGS: a log waiting longer than the policy's days (14, inferred) for the assessor's
  feedback is a warning.
- NAT-OUTCOME: a deferred ASYE still open two years after it began is a breach.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from academy.findings import BREACH, WARNING, Finding
from assessment.models import DevelopmentPlan, Review, SelfAssessment, review_kind
from cohorts.models import Enrolment
from cohorts.months import add_months


def _in_a_sentence(label: str) -> str:
    """A model's choice label as it reads mid-sentence: "Final review" -> "final review"."""
    return label[:1].lower() + label[1:]


# The models' choices, referenced rather than retyped (values and labels).
THREE_MONTHS, SIX_MONTHS, NINE_MONTHS, FINAL = Review.Kind
SELF_STAGES = {stage.value: _in_a_sentence(stage.label) for stage in SelfAssessment.Stage}
PLAN_PERIODS = {period.value: _in_a_sentence(period.label) for period in DevelopmentPlan.Period}
DEFERRED = Enrolment.Status.DEFERRED
DEFERRAL_LIMIT_YEARS = 2  # NAT-OUTCOME: "within 2 years of starting"
# NAT-OUTCOME's 2 years are the ASYE's 12 months and 12 more. A longer programme (the
# 24-month ECDP, issue 14) keeps the 12 months' grace beyond its own length (inferred).
ASYE_MONTHS = 12


@dataclass(frozen=True)
class Minimums:
    """The national minimums (EvidencePolicy.minimums() gives the ones in force)."""

    observations: int = 3
    observations_by_assessor: int = 2
    observations_by_others: int = 1
    child_feedback: int = 3
    professional_feedback: int = 3
    written_work: int = 3
    log_feedback_days: int = 14


NATIONAL = Minimums()


@dataclass(frozen=True)
class ReviewPoint:
    """One review of the programme (REVIEWS): a programme point's, or the final review."""

    kind: str  # Review.kind: "three_months" ... for the ASYE's months, "month_13", "final"
    label: str  # "3-month review", "12-month review", "Final review"
    due: date
    optional: bool = False


# The ASYE's points as cohorts' 0005 migration seeds them: (month, label, optional). Due
# without a programme's points (pure tests, a caller that has none) uses these.
ASYE_POINTS = (
    (4, "3-month review", False),
    (7, "6-month review", False),
    (10, "9-month review", True),
)


@dataclass(frozen=True)
class Due:
    """When each requirement is due, derived from the ASYE start and extensions."""

    agreement: date
    three_months: date
    six_months: date
    nine_months: date
    final: date
    # The programme's reviews in order, the final last (issue 14: the ECDP's are its own).
    reviews: tuple[ReviewPoint, ...] = ()

    @classmethod
    def derive(
        cls,
        month_starts_on: Callable[[int], date],
        planned_end: date,
        points: Iterable[tuple[int, str, bool]] = ASYE_POINTS,
    ) -> "Due":
        """From Enrolment.month_starts_on and Enrolment.planned_end (MONTH-2 included).

        The final review is due at the programme's end (12 or 24 months, issue 14); the
        other reviews at the start of their programme point's month (cohorts.ProgrammePoint:
        `points` as (month, label, optional)). The 3-, 6- and 9-month dates stay the
        plans' and self-assessments' due dates (NAT-PDP, NAT-SELF) for every programme."""
        reviews = [
            ReviewPoint(review_kind(month), label, month_starts_on(month), optional)
            for month, label, optional in sorted(points)
        ]
        reviews.append(ReviewPoint(FINAL, Review.Kind.FINAL.label, planned_end))
        return cls(
            agreement=month_starts_on(2) - timedelta(days=1),
            three_months=month_starts_on(4),
            six_months=month_starts_on(7),
            nine_months=month_starts_on(10),
            final=planned_end,
            reviews=tuple(reviews),
        )

    def review_point(self, kind: str) -> ReviewPoint | None:
        """The programme's review of this kind, or None when the programme has none."""
        return next((point for point in self.reviews if point.kind == kind), None)

    def review(self, kind: str) -> date:
        point = self.review_point(kind)
        return point.due if point else getattr(self, kind)

    def required_reviews(self, nine_month_planned: bool) -> list[ReviewPoint]:
        """The reviews that must be signed off: every point but an optional one, which
        counts once planned (NAT-AGREEMENT: the agreement plans the 9-month review; a
        programme's other optional points have no plan to count them, inferred)."""
        return [
            point
            for point in self.reviews
            if not point.optional or (point.kind == NINE_MONTHS and nine_month_planned)
        ]

    def self_assessment(self, stage: str) -> date:
        return {
            SelfAssessment.Stage.START: self.agreement,
            SelfAssessment.Stage.MIDWAY: self.six_months,
            SelfAssessment.Stage.END: self.final,
        }[stage]

    def plan(self, period: str) -> date:
        return {
            DevelopmentPlan.Period.MONTHS_0_3: self.agreement,
            DevelopmentPlan.Period.MONTHS_3_6: self.three_months,
            DevelopmentPlan.Period.MONTHS_6_12: self.six_months,
        }[period]


@dataclass(frozen=True)
class PortfolioFacts:
    """Everything the checks need about one portfolio, as plain values."""

    due: Due
    minimums: Minimums = NATIONAL
    asye_start: date | None = None
    programme_months: int = ASYE_MONTHS  # the programme's length (cohorts.Programme)
    status: str = "active"
    assessor_id: int | None = None
    practice_manager_id: int | None = None
    # One entry per observation: was the observer the NQSW's assessor on the day?
    observations_by_assessor: Sequence[bool] = ()
    child_feedback: int = 0
    professional_feedback: int = 0
    written_work_added: int = 0
    written_work_assessed: int = 0
    reflection_six_months: bool = False
    reflection_twelve_months: bool = False
    # The dates of logs the assessor has not yet given feedback on.
    logs_awaiting_feedback: Sequence[date] = ()
    agreement_agreed_on: date | None = None  # of the first signed-off version
    nine_month_review_planned: bool = False
    reviews_signed_off: Collection[str] = frozenset()
    self_assessments: Collection[str] = frozenset()
    plans: Collection[str] = frozenset()
    recommendation: str | None = None  # "pass" or "fail", signed off
    # Labels of the PCF domains and KSS statements no evidence covers yet.
    uncovered: Sequence[str] = ()


def format_day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _unmet(rule: str, what: str, due: date, today: date | None) -> Finding:
    """A requirement not met: to do until its due date, overdue after it."""
    if today is not None and today > due:
        return Finding(rule, BREACH, f"{rule}: {what}; it was due by {format_day(due)}.", due=due)
    return Finding(rule, WARNING, f"{rule}: {what}; due by {format_day(due)}.", due=due)


def assessor_independent(assessor_id: int | None, practice_manager_id: int | None) -> list:
    """ASSESSOR-INDEPENDENT: the assessor is never the NQSW's own PM.

    Enrolment.clean() refuses it; this catches data that bypassed validation.
    """
    if assessor_id is not None and assessor_id == practice_manager_id:
        return [
            Finding(
                "ASSESSOR-INDEPENDENT",
                BREACH,
                "ASSESSOR-INDEPENDENT: the assessor is the NQSW's own practice manager.",
            )
        ]
    return []


def obs_three(
    by_assessor: Sequence[bool], *, due: date, today: date | None, minimums: Minimums = NATIONAL
) -> list[Finding]:
    """OBS-THREE: three observations, two by the assessor, one by someone else."""
    total = len(by_assessor)
    assessor = sum(1 for b in by_assessor if b)
    others = total - assessor
    if (
        total >= minimums.observations
        and assessor >= minimums.observations_by_assessor
        and others >= minimums.observations_by_others
    ):
        return []
    missing = []
    if assessor < minimums.observations_by_assessor:
        missing.append(f"{minimums.observations_by_assessor - assessor} more by the assessor")
    if others < minimums.observations_by_others:
        missing.append(f"{minimums.observations_by_others - others} more by someone else")
    if not missing:
        missing.append(f"{minimums.observations - total} more")
    what = (
        f"{total} of {minimums.observations} direct observations ({assessor} by the assessor, "
        f"{others} by someone else): {' and '.join(missing)} needed"
    )
    return [_unmet("OBS-THREE", what, due, today)]


def nat_evidence(
    *,
    child_feedback: int,
    professional_feedback: int,
    written_work_assessed: int,
    written_work_added: int,
    reflection_six_months: bool,
    reflection_twelve_months: bool,
    due: Due,
    today: date | None,
    minimums: Minimums = NATIONAL,
) -> list[Finding]:
    """NAT-EVIDENCE's minimums other than the observations (OBS-THREE reports those)."""
    findings = []
    for count, needed, what in [
        (
            child_feedback,
            minimums.child_feedback,
            "pieces of feedback from children and young people",
        ),
        (
            professional_feedback,
            minimums.professional_feedback,
            "pieces of feedback from other professionals",
        ),
    ]:
        if count < needed:
            findings.append(_unmet("NAT-EVIDENCE", f"{count} of {needed} {what}", due.final, today))
    if written_work_assessed < minimums.written_work:
        waiting = written_work_added - written_work_assessed
        extra = f" ({waiting} awaiting the assessor)" if waiting > 0 else ""
        findings.append(
            _unmet(
                "NAT-EVIDENCE",
                f"{written_work_assessed} of {minimums.written_work} assessed pieces of "
                f"written work{extra}",
                due.final,
                today,
            )
        )
    if not reflection_six_months:
        findings.append(
            _unmet("NAT-EVIDENCE", "no critical reflection at 6 months", due.six_months, today)
        )
    if not reflection_twelve_months:
        findings.append(
            _unmet("NAT-EVIDENCE", "no critical reflection at 12 months", due.final, today)
        )
    return findings


def nat_agreement(agreed_on: date | None, *, due: date, today: date | None) -> list[Finding]:
    """NAT-AGREEMENT: a support and assessment agreement in the first month."""
    if agreed_on is None:
        return [_unmet("NAT-AGREEMENT", "no signed support and assessment agreement", due, today)]
    if agreed_on > due:
        return [
            Finding(
                "NAT-AGREEMENT",
                WARNING,
                f"NAT-AGREEMENT: the agreement was made on {format_day(agreed_on)}, after "
                f"the first month (due by {format_day(due)}).",
                due=due,
            )
        ]
    return []


def nat_self(done: Collection[str], *, due: Due, today: date | None) -> list[Finding]:
    """NAT-SELF: a self-assessment against the KSS at the start, midway and near the end."""
    return [
        _unmet("NAT-SELF", f"no self-assessment {label}", due.self_assessment(stage), today)
        for stage, label in SELF_STAGES.items()
        if stage not in done
    ]


def nat_pdp(done: Collection[str], *, due: Due, today: date | None) -> list[Finding]:
    """NAT-PDP: development plans for months 0-3, 3-6 and 6-12."""
    return [
        _unmet("NAT-PDP", f"no development plan for {label}", due.plan(period), today)
        for period, label in PLAN_PERIODS.items()
        if period not in done
    ]


def reviews(
    signed_off: Collection[str], *, due: Due, nine_month_planned: bool, today: date | None
) -> list[Finding]:
    """REVIEWS: the programme's reviews (the ASYE's 3-month, 6-month, planned 9-month) and
    the final review, signed off."""
    return [
        _unmet("REVIEWS", f"the {_in_a_sentence(point.label)} is not signed off", point.due, today)
        for point in due.required_reviews(nine_month_planned)
        if point.kind not in signed_off
    ]


def logs(awaiting: Sequence[date], *, today: date | None, minimums: Minimums = NATIONAL) -> list:
    """LOGS: the assessor gives feedback on each reflection log (within the policy's days)."""
    if today is None:
        waiting = len(awaiting)
        if not waiting:
            return []
        return [
            Finding(
                "LOGS",
                WARNING,
                f"LOGS: {waiting} reflection log{'s' if waiting != 1 else ''} awaiting the "
                "assessor's feedback.",
            )
        ]
    limit = timedelta(days=minimums.log_feedback_days)
    late = [d for d in awaiting if today - d > limit]
    if not late:
        return []
    return [
        Finding(
            "LOGS",
            WARNING,
            f"LOGS: {len(late)} reflection log{'s have' if len(late) != 1 else ' has'} waited "
            f"more than {minimums.log_feedback_days} days for the assessor's feedback.",
        )
    ]


def evidence(uncovered: Sequence[str], *, due: date, today: date | None) -> list[Finding]:
    """EVIDENCE: every PCF domain and KSS statement is covered by some evidence."""
    if not uncovered:
        return []
    return [_unmet("EVIDENCE", f"no evidence yet for {', '.join(uncovered)}", due, today)]


def nat_outcome(
    *,
    status: str,
    asye_start: date | None,
    final_review_signed_off: bool,
    recommendation: str | None,
    due: date,
    today: date | None,
    programme_months: int = ASYE_MONTHS,
) -> list[Finding]:
    """NAT-OUTCOME: a PASS or FAIL recommendation at the final review; deferral within 2 years
    (for the ASYE; a longer programme's length plus the same 12 months, inferred)."""
    findings = []
    if recommendation is None and final_review_signed_off:
        findings.append(
            _unmet(
                "NAT-OUTCOME", "no PASS or FAIL recommendation after the final review", due, today
            )
        )
    if status == DEFERRED and asye_start is not None and today is not None:
        grace = 12 * DEFERRAL_LIMIT_YEARS - ASYE_MONTHS
        limit = add_months(asye_start, programme_months + grace)
        if today > limit:
            within = f"{(programme_months + grace) // 12} years"
            if (programme_months + grace) % 12:
                within = f"{programme_months + grace} months"
            findings.append(
                Finding(
                    "NAT-OUTCOME",
                    BREACH,
                    f"NAT-OUTCOME: the ASYE is deferred, but it had to finish within {within} of "
                    f"starting, by {format_day(limit)}.",
                    due=limit,
                )
            )
    return findings


# --- Deadlines: every dated requirement, met or not --------------------------------------------

DONE, TO_DO, OVERDUE = "done", "to_do", "overdue"


@dataclass(frozen=True)
class Deadline:
    """One dated requirement of the portfolio, met or not (the NQSW's list of deadlines)."""

    rule: str
    what: str
    due: date
    met: bool

    def state(self, today: date | None) -> str:
        """Done; else to do up to and including the due date, overdue after it (as the
        checks judge a requirement not met)."""
        if self.met:
            return DONE
        if today is not None and today > self.due:
            return OVERDUE
        return TO_DO


def deadlines(facts: PortfolioFacts) -> list[Deadline]:
    """Every dated requirement the checks above judge, in due-date order (stable), with
    whether it is met: the same facts, the same minimums, the same due dates."""
    due, m = facts.due, facts.minimums
    found = [
        Deadline(
            "NAT-AGREEMENT",
            "Support and assessment agreement",
            due.agreement,
            facts.agreement_agreed_on is not None,
        ),
        *(
            Deadline(
                "NAT-PDP", f"Development plan for {label}", due.plan(period), period in facts.plans
            )
            for period, label in PLAN_PERIODS.items()
        ),
        *(
            Deadline(
                "NAT-SELF",
                f"Self-assessment {label}",
                due.self_assessment(stage),
                stage in facts.self_assessments,
            )
            for stage, label in SELF_STAGES.items()
        ),
        *(
            Deadline("REVIEWS", point.label, point.due, point.kind in facts.reviews_signed_off)
            for point in due.required_reviews(facts.nine_month_review_planned)
        ),
        Deadline(
            "OBS-THREE",
            f"{m.observations} direct observations ({m.observations_by_assessor} by the "
            f"assessor, {m.observations_by_others} by someone else)",
            due.final,
            not obs_three(facts.observations_by_assessor, due=due.final, today=None, minimums=m),
        ),
        Deadline(
            "NAT-EVIDENCE",
            f"{m.child_feedback} pieces of feedback from children and young people",
            due.final,
            facts.child_feedback >= m.child_feedback,
        ),
        Deadline(
            "NAT-EVIDENCE",
            f"{m.professional_feedback} pieces of feedback from other professionals",
            due.final,
            facts.professional_feedback >= m.professional_feedback,
        ),
        Deadline(
            "NAT-EVIDENCE",
            f"{m.written_work} assessed pieces of written work",
            due.final,
            facts.written_work_assessed >= m.written_work,
        ),
        Deadline(
            "NAT-EVIDENCE",
            "Critical reflection at 6 months",
            due.six_months,
            facts.reflection_six_months,
        ),
        Deadline(
            "NAT-EVIDENCE",
            "Critical reflection at 12 months",
            due.final,
            facts.reflection_twelve_months,
        ),
    ]
    return sorted(found, key=lambda d: d.due)


def evaluate(facts: PortfolioFacts, today: date | None) -> list[Finding]:
    """Every finding for one portfolio, breaches first, then by due date."""
    due, minimums = facts.due, facts.minimums
    findings = [
        *assessor_independent(facts.assessor_id, facts.practice_manager_id),
        *nat_agreement(facts.agreement_agreed_on, due=due.agreement, today=today),
        *nat_pdp(facts.plans, due=due, today=today),
        *nat_self(facts.self_assessments, due=due, today=today),
        *reviews(
            facts.reviews_signed_off,
            due=due,
            nine_month_planned=facts.nine_month_review_planned,
            today=today,
        ),
        *obs_three(facts.observations_by_assessor, due=due.final, today=today, minimums=minimums),
        *nat_evidence(
            child_feedback=facts.child_feedback,
            professional_feedback=facts.professional_feedback,
            written_work_assessed=facts.written_work_assessed,
            written_work_added=facts.written_work_added,
            reflection_six_months=facts.reflection_six_months,
            reflection_twelve_months=facts.reflection_twelve_months,
            due=due,
            today=today,
            minimums=minimums,
        ),
        *logs(facts.logs_awaiting_feedback, today=today, minimums=minimums),
        *evidence(facts.uncovered, due=due.final, today=today),
        *nat_outcome(
            status=facts.status,
            asye_start=facts.asye_start,
            programme_months=facts.programme_months,
            final_review_signed_off=FINAL in facts.reviews_signed_off,
            recommendation=facts.recommendation,
            due=due.final,
            today=today,
        ),
    ]
    far = date.max
    return sorted(findings, key=lambda f: (not f.is_breach, f.due or far))
