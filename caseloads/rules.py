"""The caseload rules as pure functions over plain values (no database access).

The allocation services, the board, the CSV audit and the dashboards all call `evaluate` or
`evaluate_request`, so they can never disagree. Each rule ID is from
`shared/domain/asye-rules.md`; every finding names the rule, the worker, the numbers and,
for a cap, the cap row.

Severities (the rules file states those of CAP-MAX, CAP-MIN and CAP-OWN; the rest are
decided here):

| rule          | severity | why                                                              |
|---------------|----------|------------------------------------------------------------------|
| CAP-MAX       | breach   | stated; counted in children, or in cases for CAP-ASWP             |
| CAP-MIN       | warning  | stated                                                           |
| CAP-OWN       | warning  | stated                                                           |
| SOLE-CP-CLA   | breach   | "may not have sole responsibility"                               |
| S47-TRAINEE   | breach   | "may not be on an S47 case in any role"                          |
| S47-EARLY     | breach   | "may not lead ... before month 8", "in months 1-4 on none"       |
| G10-NO-OWN    | breach   | "holds no cases of their own" (only co-working), in CA&I only    |
| VISIT-SIGNOFF | warning  | the sign-off governs who *completes visits*; the system records  |
|               |          | who is on a case, not who visits, and a signed-off colleague may |
|               |          | do the visits, so holding the case without it is a prompt        |
| MONTH-1       | warning  | an NQSW with no current enrolment: no ASYE month, caps unchecked |
| ON-LEAVE      | warning  | (inferred, issue 10) a request for a worker on recorded leave    |
|               |          | (an EXT-1 absence) on the date judged: the PM decides, the       |
|               |          | rules do not forbid it                                           |
| ALLOC-START   | breach   | (inferred) no allocation starts before the worker's enrolment    |
| ALLOC-BACKDATED | breach | (inferred) more than `alloc_backdated_days` (14) before the      |
|               |          | request without a stated reason; with one, a note (backdated)    |

Decisions where the rules are silent:

- Before the start date of an ASYE enrolment the worker is "not yet in the ASYE"
  (MONTH-3), which S47-TRAINEE calls a trainee: the trainee cap (CAP-TRAINEE, 10 children)
  and S47-TRAINEE apply, not the NQSW table, whose rows are keyed by ASYE month. The
  protections of the first months (SOLE-CP-CLA, VISIT-SIGNOFF) already apply, as in month 1.
- A trainee's enrolment that reaches its ASYE start (an OU trainee's January) follows the
  NQSW rules from then on; after month 12 (plus extensions) everyone follows the
  experienced-worker rules: no NQSW cap, no SOLE-CP-CLA, no S47 limits.
- When several caps apply the one with least headroom wins and is reported once; on a tie
  the more specific row is named (Chichester first semester, then OU unqualified, then the
  NQSW row, then the trainee row).
- CAP-MIN uses the band of the row that applies; it is a warning even at zero children,
  except while the worker is on recorded leave (EXT-1): nobody is short of experience
  while away.
- ON-LEAVE is raised for a request only (`evaluate_request`); a case already held during
  leave is for the PM's board, not a finding on every page.
- CAP-OWN compares the children on own (`allocated`) cases with the whole caseload, both in
  children, in CA&I months 5-6. The guidance's "7-8 of 10" is kept as a share (70-80 %,
  a RuleSetting) rounded outwards to whole children, so small caseloads are not flagged
  merely because no whole number falls inside the share.
- The Chichester first semester is months 1-4 of the placement counted from the cohort
  start date (the cap table's row months); the OU unqualified period is the last
  `ou_unqualified_months` calendar months before the ASYE start (4: September to December
  for a January start).
- A worker holds a case once: `evaluate_request` replaces any holding of the proposed case
  (a change of role) instead of counting its children twice.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from academy.findings import BREACH, WARNING, Finding
from academy.models import Person
from cohorts.models import Enrolment
from cohorts.months import calendar_months_between

# Values this app's models take from here (Allocation.Role, CapRule.Unit, CapRule.AppliesTo).
ALLOCATED, COWORKER = "allocated", "coworker"
CHILDREN, CASES = "children", "cases"
# Enrolment.phase (MONTH-3), which is not a choice field.
BEFORE, DURING, AFTER = "before", "during", "after"
# The choices of the ground and the spine, referenced rather than retyped.
ASYE, TRAINEE = Enrolment.Kind.ASYE, Enrolment.Kind.TRAINEE
OU_BA, CHI_MA = Enrolment.Programme.OU_BA, Enrolment.Programme.CHI_MA
ROLE_NQSW, ROLE_TRAINEE = Person.Role.NQSW, Person.Role.TRAINEE
ROLE_GRADE10, ROLE_ASWP = Person.Role.GRADE10, Person.Role.ASWP

# CapRule.applies_to values, most specific first (the order names a cap on a tie).
CHI_MA_FIRST_SEMESTER = "chi_ma_first_semester"
OU_UNQUALIFIED = "ou_unqualified"
NQSW = "nqsw"
TRAINEE_ROWS = "trainee"
ASWP = "aswp"
SPECIFICITY = [CHI_MA_FIRST_SEMESTER, OU_UNQUALIFIED, NQSW, TRAINEE_ROWS, ASWP]

# Stated in the guidance, so code rather than data.
SOLE_CP_CLA_LAST_MONTH = 6  # "for their first 6 months"
S47_COWORK_FROM_MONTH = 5  # "Months 5-7 ... begin to shadow duty workers ... S47 enquiries"
S47_LEAD_FROM_MONTH = 8  # "Month 8 (April) ... undertaking S47's on their own"
CAP_OWN_MONTHS = (5, 6)  # "month 5-6 caseload of 10 (of which 7-8 will be 'own' cases"
CAP_OWN_SERVICE = "CAI"
G10_NO_OWN_SERVICE = "CAI"
S47_EARLY_SERVICE = "CAI"
VISIT_CASE_TYPES = SOLE_CASE_TYPES = ("CP", "CLA")

# Breaches that depend only on who the worker is and on the case, never on other
# allocations: a request can be refused for them at once (the others wait for approval).
CERTAIN_AT_REQUEST = frozenset(
    {"S47-TRAINEE", "S47-EARLY", "G10-NO-OWN", "ALLOC-START", "ALLOC-BACKDATED"}
)


@dataclass(frozen=True)
class CapRow:
    """One row of the cap table in force (CapRule.as_row)."""

    applies_to: str
    maximum: int
    service: str | None = None
    month_from: int = 1
    month_to: int | None = None
    minimum: int = 0
    unit: str = CHILDREN
    rule_id: str = ""
    source: str = ""
    effective_from: date = date(2016, 10, 1)

    def covers(self, month: int) -> bool:
        return month >= self.month_from and (self.month_to is None or month <= self.month_to)

    @property
    def months(self) -> str:
        if self.month_to is None:
            return f"{self.month_from}+"
        if self.month_to == self.month_from:
            return str(self.month_from)
        return f"{self.month_from}-{self.month_to}"


@dataclass(frozen=True)
class Settings:
    """Inferred thresholds kept as data (RuleSetting); the defaults are the seeded values."""

    cap_own_min_percent: int = 70
    cap_own_max_percent: int = 80
    ou_unqualified_months: int = 4
    alloc_backdated_days: int = 14

    @classmethod
    def from_values(cls, values: Mapping[str, int]) -> "Settings":
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in known})


@dataclass(frozen=True)
class Worker:
    """What the rules need to know about a worker on one date.

    `kind`, `phase` and the months come from the worker's current enrolment; without one
    they are None and the worker is judged by `role` alone.
    """

    staff_id: str
    name: str
    role: str
    qualified: bool = False  # a qualified, registered role (Person.QUALIFIED_ROLES)
    service: str | None = None  # CAI, CLA or FSP
    kind: str | None = None  # "asye" or "trainee"
    programme: str = ""  # OU_BA or CHI_MA for trainees
    # The early career programme the months count in, for the words (issue 14): "ASYE",
    # "ECDP"; the rules read only the months.
    programme_name: str = "ASYE"
    phase: str | None = None  # "before", "during" or "after" the ASYE (MONTH-3)
    asye_month: int | None = None  # MONTH-1/2, None outside the ASYE
    asye_start: date | None = None
    placement_month: int | None = None  # trainees: calendar months from the cohort start
    visits_signed_off_on: date | None = None  # VISIT-SIGNOFF
    # ON-LEAVE: the recorded absence (EXT-1) covering the date judged, first and last day.
    on_leave_from: date | None = None
    on_leave_until: date | None = None
    # The first day of the current enrolment (the ASYE start, or a trainee's placement).
    enrolment_start: date | None = None

    @property
    def who(self) -> str:
        return f"{self.name} ({self.staff_id})"


@dataclass(frozen=True)
class Colleague:
    """Another worker on the same case."""

    staff_id: str
    experienced: bool  # an experienced registered social worker (see `is_experienced`)
    role: str = COWORKER


@dataclass(frozen=True)
class Holding:
    """One case on the worker's caseload, from that worker's side."""

    case_ref: str
    case_type: str
    children: int
    role: str  # "allocated" (own case) or "coworker"
    others: tuple[Colleague, ...] = ()


@dataclass(frozen=True)
class Caseload:
    """CAP-COUNT: children on every active case, own and co-worked together."""

    children: int
    cases: int
    own_children: int
    coworked_children: int

    def count(self, unit: str) -> int:
        return self.cases if unit == CASES else self.children


def caseload(holdings: Iterable[Holding]) -> Caseload:
    holdings = list(holdings)
    own = sum(h.children for h in holdings if h.role == ALLOCATED)
    total = sum(h.children for h in holdings)
    return Caseload(
        children=total, cases=len(holdings), own_children=own, coworked_children=total - own
    )


# --- Who the worker is on the date -----------------------------------------------------------


def amount(count: int, unit: str) -> str:
    """A count in a cap's unit, in words: "1 child", "2 children", "1 case"."""
    if unit == CASES:
        return f"{count} case{'' if count == 1 else 's'}"
    return f"{count} {'child' if count == 1 else 'children'}"


def headroom_words(headroom: int, unit: str) -> str:
    """What is left under the cap: "1 child", "none: at the cap", "2 cases over the cap"."""
    if headroom > 0:
        return amount(headroom, unit)
    if headroom == 0:
        return "none: at the cap"
    return f"none: {amount(-headroom, unit)} over the cap"


def nqsw_month(worker: Worker) -> int | None:
    """The ASYE month the NQSW rules use, or None when they do not apply.

    During the ASYE, its month; before the start of an ASYE enrolment, month 1.
    """
    if worker.phase == DURING:
        return worker.asye_month
    if worker.phase == BEFORE and worker.kind == ASYE:
        return 1
    return None


def is_trainee(worker: Worker) -> bool:
    """A student on placement: a trainee enrolment before its ASYE start, or by role."""
    if worker.kind is None:
        return worker.role == ROLE_TRAINEE
    return worker.kind == TRAINEE and worker.phase == BEFORE


def trainee_cap_applies(worker: Worker) -> bool:
    """CAP-TRAINEE: trainees, and anyone else not yet in the ASYE (S47-TRAINEE's reading)."""
    return is_trainee(worker) or not_yet_in_asye(worker)


def not_yet_in_asye(worker: Worker) -> bool:
    """S47-TRAINEE's "anyone not yet in the ASYE"."""
    if worker.kind is None:
        return worker.role == ROLE_TRAINEE
    return worker.phase == BEFORE


def is_experienced(worker: Worker) -> bool:
    """An experienced registered social worker: qualified, and not before or in the ASYE."""
    if worker.phase in (BEFORE, DURING):
        return False
    return worker.qualified or worker.phase == AFTER


def in_ou_unqualified_period(worker: Worker, on: date, settings: Settings) -> bool:
    """CAP-UNQUALIFIED: an OU trainee between finishing study and starting the ASYE."""
    if not (is_trainee(worker) and worker.programme == OU_BA and worker.asye_start):
        return False
    return on < worker.asye_start and (
        calendar_months_between(on, worker.asye_start) <= settings.ou_unqualified_months
    )


# --- The cap table ---------------------------------------------------------------------------


def in_force(rows: Iterable[CapRow], on: date) -> list[CapRow]:
    """The rows in force on `on`: for each (applies to, service, first month), the latest
    version whose effective_from is on or before `on`."""
    latest: dict[tuple, CapRow] = {}
    for row in rows:
        if row.effective_from > on:
            continue
        key = (row.applies_to, row.service, row.month_from)
        if key not in latest or row.effective_from > latest[key].effective_from:
            latest[key] = row
    return sorted(latest.values(), key=lambda r: (r.applies_to, r.service or "", r.month_from))


def applicable_caps(
    worker: Worker, on: date, caps: Iterable[CapRow], settings: Settings = Settings()
) -> list[CapRow]:
    """Every row of the cap table in force on `on` that applies to the worker."""
    month = nqsw_month(worker)
    trainee = is_trainee(worker)
    found = []
    for row in in_force(caps, on):
        if row.applies_to == NQSW:
            applies = (
                worker.phase == DURING
                and month is not None
                and row.service == worker.service
                and row.covers(month)
            )
        elif row.applies_to == TRAINEE_ROWS:
            applies = trainee_cap_applies(worker)
        elif row.applies_to == CHI_MA_FIRST_SEMESTER:
            applies = (
                trainee
                and worker.programme == CHI_MA
                and worker.placement_month is not None
                and row.covers(worker.placement_month)
            )
        elif row.applies_to == OU_UNQUALIFIED:
            applies = in_ou_unqualified_period(worker, on, settings)
        elif row.applies_to == ASWP:
            applies = worker.role == ROLE_ASWP
        else:
            applies = False
        if applies:
            found.append(row)
    return _narrowest_nqsw_band(found)


def _narrowest_nqsw_band(rows: list[CapRow]) -> list[CapRow]:
    """Of the NQSW rows covering the worker's month, the one that starts latest: the
    guidance's open-ended last band ("10+") gives way to the rows a two-year programme adds
    for months 13-24 (issue 14). The seeded ASYE bands never overlap, so nothing changes
    for them."""
    nqsw = [row for row in rows if row.applies_to == NQSW]
    if len(nqsw) < 2:
        return rows
    keep = max(nqsw, key=lambda row: row.month_from)
    return [row for row in rows if row.applies_to != NQSW or row is keep]


def _specificity(row: CapRow) -> int:
    return SPECIFICITY.index(row.applies_to) if row.applies_to in SPECIFICITY else len(SPECIFICITY)


def binding_cap(
    worker: Worker,
    on: date,
    caps: Iterable[CapRow],
    holdings: Iterable[Holding],
    settings: Settings = Settings(),
) -> CapRow | None:
    """The cap with least headroom for this caseload (the tightest), or None for no cap."""
    load = caseload(holdings)
    rows = applicable_caps(worker, on, caps, settings)
    if not rows:
        return None
    return min(rows, key=lambda r: (r.maximum - load.count(r.unit), _specificity(r)))


def describe_cap(row: CapRow, worker: Worker) -> str:
    """The cap row as a practice manager would look it up, e.g. "CLA in ASYE month 3"."""
    if row.applies_to == NQSW:
        label = f"{row.service} in {worker.programme_name} month {worker.asye_month}"
    elif row.applies_to == CHI_MA_FIRST_SEMESTER:
        label = (
            "Chichester MA trainees in the first semester "
            f"(placement month {worker.placement_month})"
        )
    elif row.applies_to == OU_UNQUALIFIED:
        label = "OU trainees between study and the ASYE"
    elif row.applies_to == TRAINEE_ROWS:
        label = (
            "trainees" if is_trainee(worker) else f"workers not yet in the {worker.programme_name}"
        )
    elif row.applies_to == ASWP:
        label = "ASWPs"
    else:
        label = row.applies_to
    return f"{label} ({row.rule_id})" if row.rule_id else label


def _cap_numbers(row: CapRow, worker: Worker, load: Caseload) -> dict:
    return {
        "children": load.children,
        "cases": load.cases,
        "own_children": load.own_children,
        "coworked_children": load.coworked_children,
        "count": load.count(row.unit),
        "unit": row.unit,
        "minimum": row.minimum,
        "cap": row.maximum,
        "cap_row": describe_cap(row, worker),
        "cap_months": row.months,
        "cap_effective_from": row.effective_from.isoformat(),
        "asye_month": worker.asye_month,
    }


# --- Evaluation ------------------------------------------------------------------------------


def evaluate(
    worker: Worker,
    on: date,
    caps: Iterable[CapRow],
    holdings: Sequence[Holding],
    *,
    settings: Settings = Settings(),
    proposed_ref: str | None = None,
) -> list[Finding]:
    """Every finding for the worker holding `holdings` on `on`.

    `caps` may be the whole cap table: only the rows in force on `on` are used. With
    `proposed_ref` (see `evaluate_request`) the messages say "would".
    """
    caps = list(caps)
    holdings = list(holdings)
    load = caseload(holdings)
    would = proposed_ref is not None
    holds = "would hold" if would else "holds"
    findings: list[Finding] = []

    def on_case(holding: Holding) -> str:
        verb = "would be on" if holding.case_ref == proposed_ref else "is on"
        return f"{verb} {holding.case_type} case {holding.case_ref} as {_role(holding.role)}"

    def case_numbers(holding: Holding, **extra) -> dict:
        return {
            "case_type": holding.case_type,
            "children": holding.children,
            "role": holding.role,
            "asye_month": worker.asye_month,
            **extra,
        }

    # ON-LEAVE (inferred): a new case for a worker who is away on the date judged.
    away = worker.on_leave_until is not None
    if away and would:
        since = f" from {worker.on_leave_from:%d/%m/%Y}" if worker.on_leave_from else ""
        findings.append(
            Finding(
                "ON-LEAVE",
                WARNING,
                f"ON-LEAVE: {worker.who} is on recorded leave (EXT-1){since} until "
                f"{worker.on_leave_until:%d/%m/%Y}, so would not be working case "
                f"{proposed_ref} on {on:%d/%m/%Y}.",
                case_ref=proposed_ref,
                numbers={
                    "on_leave_from": worker.on_leave_from.isoformat()
                    if worker.on_leave_from
                    else None,
                    "on_leave_until": worker.on_leave_until.isoformat(),
                },
            )
        )

    # CAP-MAX and CAP-MIN: against the tightest row that applies.
    row = binding_cap(worker, on, caps, holdings, settings)
    if row is not None:
        count = load.count(row.unit)
        if count > row.maximum:
            findings.append(
                Finding(
                    "CAP-MAX",
                    BREACH,
                    f"CAP-MAX: {worker.who} {holds} {count} {row.unit}; the cap for "
                    f"{describe_cap(row, worker)} is {row.maximum}.",
                    numbers=_cap_numbers(row, worker, load),
                )
            )
        short = [
            r
            for r in applicable_caps(worker, on, caps, settings)
            if load.count(r.unit) < r.minimum and not away
        ]
        if short:
            low = max(short, key=lambda r: r.minimum - load.count(r.unit))
            findings.append(
                Finding(
                    "CAP-MIN",
                    WARNING,
                    f"CAP-MIN: {worker.who} {holds} {load.count(low.unit)} {low.unit}; the band "
                    f"for {describe_cap(low, worker)} is {low.minimum}-{low.maximum}, so they may "
                    "not be getting enough experience.",
                    numbers=_cap_numbers(low, worker, load),
                )
            )

    month = nqsw_month(worker)
    in_asye = worker.phase == DURING

    # CAP-OWN: CA&I months 5-6, 7-8 of the 10 children on own cases.
    if (
        in_asye
        and worker.service == CAP_OWN_SERVICE
        and month in CAP_OWN_MONTHS
        and load.children > 0
    ):
        lowest = load.children * settings.cap_own_min_percent // 100
        highest = -(-load.children * settings.cap_own_max_percent // 100)
        if not lowest <= load.own_children <= highest:
            findings.append(
                Finding(
                    "CAP-OWN",
                    WARNING,
                    f"CAP-OWN: {worker.who} {holds} {load.own_children} of {load.children} "
                    f"children on own cases; in CAI ASYE months 5-6 (now month {month}) the "
                    "guidance expects "
                    f"{settings.cap_own_min_percent}-{settings.cap_own_max_percent}% on own cases "
                    f"(here {lowest}-{highest}), the rest co-worked.",
                    numbers={
                        "children": load.children,
                        "own_children": load.own_children,
                        "coworked_children": load.coworked_children,
                        "expected_own_from": lowest,
                        "expected_own_to": highest,
                        "asye_month": month,
                        "min_percent": settings.cap_own_min_percent,
                        "max_percent": settings.cap_own_max_percent,
                    },
                )
            )

    for holding in holdings:
        # SOLE-CP-CLA: months 1-6, an experienced registered social worker on every CP/CLA case.
        if (
            month is not None
            and month <= SOLE_CP_CLA_LAST_MONTH
            and holding.case_type in SOLE_CASE_TYPES
            and not any(other.experienced for other in holding.others)
        ):
            findings.append(
                Finding(
                    "SOLE-CP-CLA",
                    BREACH,
                    f"SOLE-CP-CLA: {worker.who} {on_case(holding)} with no experienced registered "
                    "social worker allocated or co-working; in ASYE months 1-6 (now month "
                    f"{month}) an NQSW may not have sole responsibility for a CP or CLA case.",
                    numbers=case_numbers(holding, experienced_colleagues=0),
                    case_ref=holding.case_ref,
                )
            )

        # VISIT-SIGNOFF: the PM's dated sign-off before an NQSW completes CP or CLA visits.
        signed = worker.visits_signed_off_on
        if (
            month is not None
            and holding.case_type in VISIT_CASE_TYPES
            and (signed is None or signed > on)
        ):
            findings.append(
                Finding(
                    "VISIT-SIGNOFF",
                    WARNING,
                    f"VISIT-SIGNOFF: {worker.who} {on_case(holding)}, but their practice manager "
                    f"has not signed off their CP and CLA visits by {on.isoformat()}; until then "
                    "someone signed off must complete the visits.",
                    numbers=case_numbers(
                        holding, signed_off_on=signed.isoformat() if signed else None
                    ),
                    case_ref=holding.case_ref,
                )
            )

        if holding.case_type == "S47":
            # S47-TRAINEE: nobody not yet in the ASYE is on an S47, in any role.
            if not_yet_in_asye(worker):
                findings.append(
                    Finding(
                        "S47-TRAINEE",
                        BREACH,
                        f"S47-TRAINEE: {worker.who} {on_case(holding)}; a trainee, or anyone not "
                        "yet in the ASYE, may not be on a section 47 enquiry in any role.",
                        numbers=case_numbers(holding),
                        case_ref=holding.case_ref,
                    )
                )
            # S47-EARLY: CA&I, none in months 1-4, co-work only in 5-7, lead from month 8.
            elif in_asye and worker.service == S47_EARLY_SERVICE:
                if month < S47_COWORK_FROM_MONTH:
                    why = "in ASYE months 1-4 an NQSW in CAI is on no section 47 enquiry"
                elif month < S47_LEAD_FROM_MONTH and holding.role == ALLOCATED:
                    why = (
                        "an NQSW in CAI may not lead (be allocated) a section 47 enquiry "
                        "before ASYE month 8; in months 5-7 they may co-work one, "
                        "supported by the academy's Grade 10/11 SW"
                    )
                else:
                    why = None
                if why:
                    findings.append(
                        Finding(
                            "S47-EARLY",
                            BREACH,
                            f"S47-EARLY: {worker.who} {on_case(holding)} in ASYE month {month}; "
                            f"{why}.",
                            numbers=case_numbers(holding),
                            case_ref=holding.case_ref,
                        )
                    )

        # G10-NO-OWN: in CA&I the academy's Grade 10/11 SW only co-works.
        if (
            worker.role == ROLE_GRADE10
            and worker.service == G10_NO_OWN_SERVICE
            and holding.role == ALLOCATED
        ):
            findings.append(
                Finding(
                    "G10-NO-OWN",
                    BREACH,
                    f"G10-NO-OWN: {worker.who} {on_case(holding)}; in CAI the academy's Grade "
                    "10/11 SW holds no cases of their own, only co-worked ones.",
                    numbers=case_numbers(holding),
                    case_ref=holding.case_ref,
                )
            )

    # An NQSW the system cannot place in the ASYE: say so rather than pass them silently.
    if worker.role == ROLE_NQSW and worker.kind is None:
        findings.append(
            Finding(
                "MONTH-1",
                WARNING,
                f"MONTH-1: {worker.who} is an NQSW with no current enrolment, so their ASYE month "
                f"is unknown and no NQSW cap was checked ({holds} {load.children} children).",
                numbers={"children": load.children, "cases": load.cases},
            )
        )
    return findings


def evaluate_request(
    worker: Worker,
    on: date,
    caps: Iterable[CapRow],
    holdings: Sequence[Holding],
    proposed: Holding,
    *,
    settings: Settings = Settings(),
) -> list[Finding]:
    """The findings the caseload WOULD have on `on` with `proposed` added ("would hold")."""
    kept = [h for h in holdings if h.case_ref != proposed.case_ref]
    return evaluate(
        worker, on, caps, [*kept, proposed], settings=settings, proposed_ref=proposed.case_ref
    )


def is_backdated(start: date, requested_on: date, settings: Settings = Settings()) -> bool:
    """ALLOC-BACKDATED: more than `alloc_backdated_days` before the request."""
    return (requested_on - start).days > settings.alloc_backdated_days


def start_findings(
    worker: Worker, case_ref: str, start: date, settings: Settings = Settings()
) -> list[Finding]:
    """ALLOC-START (inferred): no allocation starts before the worker's enrolment, so past
    monthly figures are not rewritten."""
    findings = []
    begun = worker.enrolment_start
    # An OU trainee holds work before the ASYE cohort starts (CAP-UNQUALIFIED).
    if (
        begun is not None
        and start < begun
        and not in_ou_unqualified_period(worker, start, settings)
    ):
        findings.append(
            Finding(
                "ALLOC-START",
                BREACH,
                f"ALLOC-START: {case_ref} cannot start for {worker.who} on "
                f"{start:%d/%m/%Y}, before their enrolment began on {begun:%d/%m/%Y}.",
                numbers={"start_date": start.isoformat(), "enrolment_start": begun.isoformat()},
                case_ref=case_ref,
            )
        )
    return findings


def backdated_findings(
    who: str,
    case_ref: str,
    start: date,
    requested_on: date,
    *,
    backdated_reason: str = "",
    settings: Settings = Settings(),
) -> list[Finding]:
    """ALLOC-BACKDATED (inferred): a start more than `alloc_backdated_days` before the
    request needs a stated reason (judged once, when the request is made)."""
    findings = []
    days = (requested_on - start).days
    if is_backdated(start, requested_on, settings) and not backdated_reason.strip():
        findings.append(
            Finding(
                "ALLOC-BACKDATED",
                BREACH,
                f"ALLOC-BACKDATED: {case_ref} for {who} would start {start:%d/%m/%Y}, "
                f"{days} days before it was requested ({requested_on:%d/%m/%Y}); more than "
                f"{settings.alloc_backdated_days} days back needs a stated reason.",
                numbers={
                    "start_date": start.isoformat(),
                    "requested_on": requested_on.isoformat(),
                    "days": days,
                    "allowed_days": settings.alloc_backdated_days,
                },
                case_ref=case_ref,
            )
        )
    return findings


def refusals(findings: Iterable[Finding], case_ref: str) -> list[Finding]:
    """The breaches that refuse an allocation to `case_ref` at approval.

    Breaches of the whole caseload (CAP-MAX) and breaches about that case; a breach
    already standing on another case is for the board and the audit, not this request.
    """
    return [f for f in findings if f.is_breach and f.case_ref in (None, case_ref)]


def certain_refusals(findings: Iterable[Finding], case_ref: str) -> list[Finding]:
    """The breaches that refuse a request at once (CERTAIN_AT_REQUEST)."""
    return [f for f in refusals(findings, case_ref) if f.rule in CERTAIN_AT_REQUEST]


def _role(role: str) -> str:
    return "co-worker" if role == COWORKER else "allocated worker"
