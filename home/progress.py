"""One NQSW's or trainee's progress on a date: "Am I on track?" (issue 11).

The NQSW's home page and `manage.py asye_status` both call `nqsw_progress`, so they can
never disagree. Nothing here decides a rule: it reads the apps' own read models and rule
functions (`caseloads.states` and `caseloads.rules`, `supervision.models.schedule_for`,
`assessment.portfolio.facts_for` with `assessment.checks`) and puts their answers side by
side as plain values.

Decisions where the issue is silent:

- `next_band` is the first later date on which the cap row that applies (the tightest,
  `caseloads.rules.binding_cap`, for the caseload held today) becomes another row, even one
  with the same numbers (CA&I months 1-4 and 5-6 are both 0-10). Rows change only on the
  first of a month (ASYE and placement months, MONTH-1/2), on the ASYE start, or on a cap
  row's effective date, so those are the dates tried. It is None when the next change is
  the end of the ASYE (no cap applies after it, MONTH-3) or nothing changes within two years.
- `supervision.rule` is the rule in force on the date itself (`Schedule.rule_today`); None
  when no schedule applies (a trainee with no ASYE start) or the ASYE is over.
- `supervision.status` is "on_leave" whenever a recorded absence (EXT-1) covers the date,
  unless the ASYE is complete; a trainee with no ASYE start is "on_track" with no date.
- Deadlines are the portfolio's (ASYE enrolments only: trainees have no portfolio) and the
  moderation submissions the NQSW has been entered for (MOD-SUBMIT: done once submitted).
- Findings are the caseload rules', the portfolio checks' and LEARNING-OPPS' (breaches first).
"""

from dataclasses import asdict, dataclass
from datetime import date

from academy.findings import BREACH
from assessment import checks
from assessment import portfolio as portfolios
from caseloads import rules
from caseloads.states import NextBand, next_band, worker_states
from cohorts.models import Enrolment
from home import year
from home.policy import PolicyTables, worker_tables
from learning.protected import ProtectedTime, protected_time
from learning.record import opportunity_summary
from supervision import schedule as sched
from supervision.models import schedule_for

MOD_SUBMIT = "MOD-SUBMIT"


@dataclass(frozen=True)
class CaseloadFacts:
    children: int
    cases: int
    minimum: int | None
    maximum: int | None
    unit: str | None
    cap_rule: str | None
    headroom: int | None
    next_band: NextBand | None
    cap_row: str | None  # the row as a PM looks it up, e.g. "CAI in ASYE month 3"

    @property
    def headroom_words(self) -> str | None:
        if self.headroom is None or self.unit is None:
            return None
        return rules.headroom_words(self.headroom, self.unit)

    @property
    def no_headroom(self) -> bool:
        return self.headroom is not None and self.headroom <= 0


@dataclass(frozen=True)
class SupervisionFacts:
    next_due: date | None
    status: str  # on_track, due_soon, overdue, on_leave or complete
    rule: str | None


@dataclass(frozen=True)
class DeadlineFacts:
    rule: str
    what: str
    due: date
    state: str  # done, to_do or overdue

    @property
    def label(self) -> str:
        """As the issue words it: done / to do by DATE / overdue."""
        if self.state == checks.TO_DO:
            return f"to do by {checks.format_day(self.due)}"
        return self.state


@dataclass(frozen=True)
class FindingFacts:
    rule: str
    severity: str
    message: str

    @property
    def text(self) -> str:
        """The message with its rule ID once: most messages already start with it."""
        if self.message.startswith(self.rule):
            return self.message
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Progress:
    staff_id: str
    as_of: date
    kind: str
    asye_month: int | None
    phase: str
    caseload: CaseloadFacts
    supervision: SupervisionFacts
    deadlines: tuple[DeadlineFacts, ...]
    learning_opportunities: tuple = ()  # LEARNING-OPPS: ({"name", "state"}, ...)
    findings: tuple[FindingFacts, ...] = ()
    # The evidence coverage grid of the home page (home.year.coverage); not in asye_status.
    coverage: tuple = ()
    # PROTECTED-TIME: the share of time to date against 10% (learning.protected); not in
    # asye_status, whose JSON keys are the contract.
    protected: ProtectedTime | None = None
    # The programme's name for the words (issue 14: "ASYE", "ECDP"); not in asye_status's
    # JSON, whose keys are the contract.
    programme: str = "ASYE"

    @property
    def stage(self) -> str:
        """The programme month, or where the worker stands outside it (MONTH-3)."""
        if self.asye_month is not None:
            return f"{self.programme} month {self.asye_month}"
        if self.phase == rules.BEFORE:
            return f"Not yet in the {self.programme}"
        return f"The {self.programme} is over"

    @property
    def breaches(self) -> list[FindingFacts]:
        return [f for f in self.findings if f.severity == BREACH]

    def as_dict(self) -> dict:
        """The JSON contract of `asye_status` (dates as ISO strings)."""
        caseload = asdict(self.caseload)
        del caseload["cap_row"]
        band = self.caseload.next_band
        caseload["next_band"] = (
            None
            if band is None
            else {"from": band.starts.isoformat(), "minimum": band.minimum, "maximum": band.maximum}
        )
        due = self.supervision.next_due
        return {
            "staff_id": self.staff_id,
            "as_of": self.as_of.isoformat(),
            "kind": self.kind,
            "asye_month": self.asye_month,
            "phase": self.phase,
            "caseload": caseload,
            "supervision": {
                "next_due": due.isoformat() if due else None,
                "status": self.supervision.status,
                "rule": self.supervision.rule,
            },
            "deadlines": [
                {"rule": d.rule, "what": d.what, "due": d.due.isoformat(), "state": d.state}
                for d in self.deadlines
            ],
            "learning_opportunities": list(self.learning_opportunities),
            "findings": [asdict(f) for f in self.findings],
        }


def enrolment_for(person) -> Enrolment | None:
    """The enrolment a person's progress is read from: their current one, else the latest."""
    found = list(Enrolment.objects.for_listing().filter(person=person))
    current = [e for e in found if e.status in Enrolment.CURRENT_STATUSES]
    return max(
        current or found,
        key=lambda e: (e.asye_start or e.cohort.start_date, e.pk),
        default=None,
    )


def _caseload(state, enrolment: Enrolment, on: date, table) -> CaseloadFacts:
    load, cap = state.caseload, state.cap
    if cap is None:
        return CaseloadFacts(load.children, load.cases, None, None, None, None, None, None, None)
    return CaseloadFacts(
        children=load.children,
        cases=load.cases,
        minimum=cap.minimum,
        maximum=cap.maximum,
        unit=cap.unit,
        cap_rule=cap.rule_id or "CAP-MAX",
        headroom=cap.maximum - load.count(cap.unit),
        next_band=next_band(state, table),
        cap_row=rules.describe_cap(cap, state.worker),
    )


def _supervision(enrolment: Enrolment, on: date, policies) -> SupervisionFacts:
    schedule = schedule_for(enrolment, today=on, policies=policies)
    if schedule is None:
        return SupervisionFacts(None, sched.ON_TRACK, None)
    # The schedule itself says "on_leave" while a recorded absence (EXT-1) covers the day.
    return SupervisionFacts(schedule.next_due, schedule.state, schedule.rule_today)


def _submission_deadlines(enrolment: Enrolment, submissions) -> list[checks.Deadline]:
    """MOD-SUBMIT: each panel the NQSW is entered for, due by its submission date."""
    return [
        checks.Deadline(
            MOD_SUBMIT,
            f"Portfolio submitted for the {submission.panel.title}",
            submission.panel.submissions_due_on,
            submission.is_submitted,
        )
        for submission in submissions
    ]


def nqsw_progress(enrolment: Enrolment, on: date, tables: PolicyTables | None = None) -> Progress:
    """Every fact of the NQSW's (or trainee's) home page and of `asye_status` on `on`.

    A fixed number of queries; pass an enrolment from `Enrolment.objects.for_listing()`
    (and its `home.policy.worker_tables` if already read).
    """
    tables = worker_tables([enrolment]) if tables is None else tables
    table = tables.cap_table
    state = worker_states([enrolment], on, cap_table=table, setting_rows=tables.setting_rows)[0]
    deadlines: list[checks.Deadline] = []
    findings = list(state.findings)
    opportunities: list[dict] = []
    coverage = ()
    protected = None
    if enrolment.kind == Enrolment.Kind.ASYE and enrolment.asye_start is not None:
        frameworks = tables.frameworks
        facts = portfolios.facts_for([enrolment], frameworks, tables.evidence)[enrolment.pk]
        deadlines = checks.deadlines(facts)
        findings += checks.evaluate(facts, on)
        opportunities, opportunity_findings = opportunity_summary(enrolment, on)
        findings += opportunity_findings
        coverage = year.coverage(enrolment, facts.uncovered, frameworks)
        protected = protected_time(enrolment, on)
    deadlines += _submission_deadlines(enrolment, tables.submissions.get(enrolment.pk, []))
    deadlines.sort(key=lambda d: d.due)
    findings.sort(key=lambda f: not f.is_breach)
    return Progress(
        staff_id=enrolment.person.staff_id,
        as_of=on,
        kind=enrolment.kind,
        asye_month=enrolment.asye_month(on),
        phase=enrolment.phase(on),
        caseload=_caseload(state, enrolment, on, table),
        supervision=_supervision(enrolment, on, tables.supervision),
        deadlines=tuple(DeadlineFacts(d.rule, d.what, d.due, d.state(on)) for d in deadlines),
        learning_opportunities=tuple(opportunities),
        findings=tuple(FindingFacts(f.rule, f.severity, f.message) for f in findings),
        coverage=coverage,
        protected=protected,
        programme=enrolment.programme_run.name,
    )
