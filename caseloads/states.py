"""The caseload read model: each worker's allocations on a date as the plain values of
`caseloads.rules`, and what the rules make of them.

`worker_states` (the board), `people_states`, `worker_state` and `allocation_findings` (a
request form's preview, and the approval check in `caseloads.services`) all go through one
loader, `_Snapshot`, in a constant number of queries however many workers. `enrolments_for`
and `worker_from` give the rules' view of people to the audit and the charts too.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Case, Q, Value, When, prefetch_related_objects
from django.utils import timezone

from academy.findings import WARNING, Finding
from academy.models import Person
from caseloads import rules
from caseloads.models import (
    Allocation,
    CapRule,
    RuleSetting,
    VisitSignOff,
    counting_q,
    settings_in_force,
)
from cohorts.models import Enrolment
from cohorts.months import add_days, add_months, calendar_months_between

# --- Building the rules' plain values ----------------------------------------------------


def enrolments_for(person_ids: Iterable[int]) -> dict[int, Enrolment]:
    """The enrolment the rules judge each person by (two queries): their current one, or
    else the latest they passed, so that someone who has completed the ASYE counts as an
    experienced worker whatever their job role still says."""
    person_ids = set(person_ids)
    if not person_ids:
        return {}
    found = (
        Enrolment.objects.filter(person_id__in=person_ids)
        .filter(
            Q(status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.DEFERRED])
            | Q(status=Enrolment.Status.PASSED)
        )
        .select_related("person", "cohort__programme", "practice_group__service", "visit_signoff")
        .prefetch_related("extensions")
        .order_by("person_id", "end_date")
    )
    chosen = {}
    for enrolment in found:
        # A current enrolment is never replaced; of passed ones the latest ends last.
        kept = chosen.get(enrolment.person_id)
        if kept is None or kept.status == Enrolment.Status.PASSED:
            chosen[enrolment.person_id] = enrolment
    return chosen


def _signed_off_on(enrolment: Enrolment) -> date | None:
    try:
        return enrolment.visit_signoff.signed_on
    except VisitSignOff.DoesNotExist:
        return None


def worker_from(person: Person, enrolment: Enrolment | None, on: date) -> rules.Worker:
    """The rules' view of a person on `on`; no queries when the relations are loaded."""
    if enrolment is None:
        group = person.practice_group
        if group is not None:
            service = group.service.code
        else:
            service = person.service.code if person.service_id else None
        return rules.Worker(
            staff_id=person.staff_id,
            name=person.full_name,
            role=person.role,
            qualified=person.is_qualified,
            service=service,
        )
    absence = enrolment.absence_on(on)  # reads the prefetched extensions
    return rules.Worker(
        staff_id=person.staff_id,
        name=person.full_name,
        role=person.role,
        qualified=person.is_qualified,
        service=enrolment.practice_group.service.code,
        kind=enrolment.kind,
        programme=enrolment.programme,
        programme_name=enrolment.programme_run.name,
        phase=enrolment.phase(on),
        asye_month=enrolment.asye_month(on),
        asye_start=enrolment.asye_start,
        # Trainees' placement months count from the cohort start (the Chichester semester).
        placement_month=max(1, calendar_months_between(enrolment.cohort.start_date, on) + 1),
        visits_signed_off_on=_signed_off_on(enrolment),
        on_leave_from=absence.first_day if absence else None,
        on_leave_until=absence.last_day if absence else None,
        enrolment_start=_enrolment_start(enrolment),
    )


def _enrolment_start(enrolment: Enrolment) -> date | None:
    """ALLOC-START: the first day of a current ASYE enrolment, its cohort's start or an
    earlier ASYE start. A trainee's placement has no recorded first day (their cohort is
    the ASYE's that follows), so none is checked."""
    if enrolment.status not in Enrolment.CURRENT_STATUSES or enrolment.kind != Enrolment.Kind.ASYE:
        return None
    return min(d for d in (enrolment.cohort.start_date, enrolment.asye_start) if d)


@dataclass
class WorkerState:
    """One worker's caseload on a date, and what the rules make of it."""

    person: Person
    enrolment: Enrolment | None
    on: date
    worker: rules.Worker
    allocations: list[Allocation]  # counting on `on` (ALLOC-APPROVE), with their cases
    holdings: list[rules.Holding]
    requests: list[Allocation]  # waiting for the PM, with their cases
    caps: list[rules.CapRow]  # the cap table in force on `on`
    settings: rules.Settings
    findings: list[Finding] = field(default_factory=list)
    # For each waiting request (by pk): the findings the caseload would have if approved.
    request_findings: dict[int, list[Finding]] = field(default_factory=dict)

    @property
    def caseload(self) -> rules.Caseload:
        return rules.caseload(self.holdings)

    @property
    def cap(self) -> rules.CapRow | None:
        """The tightest cap that applies (None: no cap, an experienced worker)."""
        return rules.binding_cap(self.worker, self.on, self.caps, self.holdings, self.settings)

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.is_breach]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def misses_visit_signoff(self) -> bool:
        """VISIT-SIGNOFF's warning: CP or CLA work held with no sign-off recorded (the
        managers' waiting list and the board's stored row both read it here)."""
        return any(f.rule == "VISIT-SIGNOFF" for f in self.findings)


def worker_states(
    enrolments: Iterable[Enrolment],
    on: date,
    cap_table: list[rules.CapRow] | None = None,
    setting_rows=None,
) -> list[WorkerState]:
    """The caseload state of each enrolment's worker on `on`, in the order given.

    A constant number of queries however many enrolments (pass
    `Enrolment.objects.visible_to(user).current().for_listing()` for the board). Pass
    `cap_table_all_versions()` and the RuleSetting rows (all versions) if already read, and
    they are not read again.
    """
    enrolments = list(enrolments)
    prefetch_related_objects(
        enrolments,
        "person",
        "cohort__programme",
        "practice_group__service",
        "extensions",
        "visit_signoff",
    )
    people = [enrolment.person for enrolment in enrolments]
    return _states(people, {e.person_id: e for e in enrolments}, on, cap_table, setting_rows)


def people_states(people: Iterable[Person], on: date) -> list[WorkerState]:
    """As `worker_states`, for people (with or without a current enrolment)."""
    people = list(people)
    prefetch_related_objects(people, "service", "practice_group__service")
    return _states(people, enrolments_for(p.pk for p in people), on)


def worker_state(person: Person, on: date) -> WorkerState:
    return people_states([person], on)[0]


class _Snapshot:
    """Everything the rules need about some workers on one date, in a fixed number of
    queries: their counting allocations and waiting requests, everyone else on those cases
    (SOLE-CP-CLA asks who they are), the cap table and the thresholds in force."""

    def __init__(
        self,
        people: list[Person],
        enrolments: dict[int, Enrolment],
        on: date,
        extra_case_ids: Iterable[int] = (),
        companions: Iterable[Allocation] = (),
        cap_table: list[rules.CapRow] | None = None,
        setting_rows=None,
    ):
        self.people, self.enrolments, self.on = people, enrolments, on
        ids = {person.pk for person in people}
        # One query for the workers' counting allocations and waiting requests and for
        # everyone else counting on the same cases (issue 11: a home page's budget).
        counting = counting_q(on)
        theirs = Q(worker_id__in=ids) & (counting | Q(status=Allocation.Status.REQUESTED))
        cases = Allocation.objects.filter(theirs).values("case_id")
        extra_case_ids = set(extra_case_ids)
        # theirs | counting on (their cases or the extra ones), written with the cases
        # first: each of theirs is on one of their cases, so it is the same rows, and the
        # case_id index then finds them (an OR across the two read every allocation, 60,000
        # at 10,000 NQSWs: issue 17). Sorted here, not by the database.
        on_cases = Q(case_id__in=cases)
        if extra_case_ids:
            on_cases |= Q(case_id__in=extra_case_ids)
        found = list(
            Allocation.objects.filter(on_cases & (theirs | counting))
            .order_by()
            .annotate(
                is_counting=Case(
                    When(counting, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .select_related("case", "worker__service", "worker__practice_group__service")
        )
        self.held = defaultdict(list)
        self.waiting = defaultdict(list)
        for allocation in sorted(found, key=lambda a: a.pk):
            if allocation.worker_id not in ids:
                continue
            if allocation.is_counting:
                self.held[allocation.worker_id].append(allocation)
            elif allocation.status == Allocation.Status.REQUESTED:
                self.waiting[allocation.worker_id].append(allocation)
        for waiting in self.waiting.values():
            waiting.sort(key=lambda a: (a.requested_at, a.pk))
        # SOLE-CP-CLA: a request made together with another (decided_with) is judged with
        # its companion on the case, as the one decision approves both.
        companions = list(companions)
        wanted = {
            a.decided_with_id for found in self.waiting.values() for a in found if a.decided_with_id
        } - {c.pk for c in companions}
        if wanted:
            companions += list(
                Allocation.objects.filter(
                    pk__in=wanted, status=Allocation.Status.REQUESTED
                ).select_related("worker__service", "worker__practice_group__service")
            )
        self.companion_of = {}
        for companion in companions:
            if companion.decided_with_id:
                self.companion_of[companion.decided_with_id] = companion
        case_ids = {
            a.case_id
            for group in (self.held, self.waiting)
            for found in group.values()
            for a in found
        } | extra_case_ids
        on_cases = [a for a in found if a.is_counting and a.case_id in case_ids]
        self.workers = {p.pk: worker_from(p, enrolments.get(p.pk), on) for p in people}
        colleague_enrolments = enrolments_for({a.worker_id for a in [*on_cases, *companions]} - ids)
        self.on_case = defaultdict(list)
        for allocation in on_cases:
            self.on_case[allocation.case_id].append(allocation)
            if allocation.worker_id not in self.workers:
                self.workers[allocation.worker_id] = worker_from(
                    allocation.worker, colleague_enrolments.get(allocation.worker_id), on
                )
        for companion in companions:
            if companion.worker_id not in self.workers:
                self.workers[companion.worker_id] = worker_from(
                    companion.worker, colleague_enrolments.get(companion.worker_id), on
                )
        self.caps = (
            CapRule.objects.rows_in_force(on)
            if cap_table is None
            else rules.in_force([row for row in cap_table if row.effective_from <= on], on)
        )
        self.settings = (
            RuleSetting.objects.in_force(on)
            if setting_rows is None
            else settings_in_force(setting_rows, on)
        )

    def holding(self, allocation: Allocation, companion: Allocation | None = None) -> rules.Holding:
        """The allocation's case as the rules see it from its worker's side (with its
        companion request, when one is given or was asked for together)."""
        others = [
            other
            for other in self.on_case[allocation.case_id]
            if other.worker_id != allocation.worker_id
        ]
        companion = companion or (self.companion_of.get(allocation.pk) if allocation.pk else None)
        if companion is not None and companion.worker_id not in {o.worker_id for o in others}:
            others.append(companion)
        return rules.Holding(
            case_ref=allocation.case.reference,
            case_type=allocation.case.case_type,
            children=allocation.case.children,
            role=allocation.role,
            others=tuple(
                rules.Colleague(
                    staff_id=self.workers[other.worker_id].staff_id,
                    experienced=rules.is_experienced(self.workers[other.worker_id]),
                    role=other.role,
                )
                for other in others
            ),
        )

    def state(self, person: Person) -> WorkerState:
        worker = self.workers[person.pk]
        allocations = sorted(self.held[person.pk], key=lambda a: a.case.reference)
        holdings = [self.holding(a) for a in allocations]
        state = WorkerState(
            person=person,
            enrolment=self.enrolments.get(person.pk),
            on=self.on,
            worker=worker,
            allocations=allocations,
            holdings=holdings,
            requests=self.waiting[person.pk],
            caps=self.caps,
            settings=self.settings,
            findings=rules.evaluate(worker, self.on, self.caps, holdings, settings=self.settings),
        )
        for request in state.requests:
            state.request_findings[request.pk] = self.findings_with(state, request)
        return state

    def findings_with(
        self, state: WorkerState, allocation: Allocation, companion: Allocation | None = None
    ) -> list[Finding]:
        return rules.evaluate_request(
            state.worker,
            self.on,
            self.caps,
            state.holdings,
            self.holding(allocation, companion),
            settings=self.settings,
        ) + rules.start_findings(
            state.worker, allocation.case.reference, allocation.start_date, self.settings
        )


def _states(
    people: list[Person],
    enrolments: dict[int, Enrolment],
    on: date,
    cap_table=None,
    setting_rows=None,
) -> list[WorkerState]:
    snapshot = _Snapshot(people, enrolments, on, cap_table=cap_table, setting_rows=setting_rows)
    return [snapshot.state(person) for person in people]


def allocation_findings(
    allocation: Allocation, on: date | None = None, *, companion: Allocation | None = None
) -> list[Finding]:
    """What the worker's caseload would be on `on` with `allocation` on it ("would hold"),
    and with `companion` (the other half of a request made together) on the case too.

    `on` defaults to the later of today and the allocation's start. Works for an unsaved
    allocation too (the request form's preview).
    """
    on = max(on or timezone.localdate(), allocation.start_date)
    worker = allocation.worker
    snapshot = _Snapshot(
        [worker],
        enrolments_for([worker.pk]),
        on,
        extra_case_ids=[allocation.case_id],
        companions=[companion] if companion is not None else [],
    )
    return snapshot.findings_with(snapshot.state(worker), allocation, companion)


# --- The next change of cap band --------------------------------------------------------------

# How far ahead `next_band` looks when the enrolment gives no end (a trainee's placement).
HORIZON_MONTHS = 24


@dataclass(frozen=True)
class NextBand:
    starts: date
    minimum: int
    maximum: int
    unit: str = rules.CHILDREN


def cap_table_all_versions() -> list[rules.CapRow]:
    """Every cap row, past and future effective dates included: a later row's date is a
    date on which the band can change."""
    return [row.as_row() for row in CapRule.objects.select_related("service")]


def _row_key(row: rules.CapRow | None):
    if row is None:
        return None
    return (row.applies_to, row.service, row.month_from, row.effective_from)


def next_band(state: WorkerState, table: list[rules.CapRow]) -> NextBand | None:
    """The first later date on which the cap row that applies changes, for the caseload
    held on `state.on` (one caseload page, the NQSW's home and `asye_status` all read it).

    Rows change only on the first of a month (ASYE and placement months, MONTH-1/2), on
    the ASYE start, or on a cap row's effective date, so those are the dates tried. A
    change to another row with the same numbers counts (CA&I months 1-4 and 5-6 are both
    0-10). None when the next change is the end of the ASYE (no cap applies after it,
    MONTH-3) or nothing changes within HORIZON_MONTHS.
    """
    enrolment, on = state.enrolment, state.on
    if enrolment is None or state.worker.phase == rules.AFTER:
        return None
    end = enrolment.planned_end()
    if enrolment.end_date is not None and (end is None or enrolment.end_date < end):
        end = enrolment.end_date
    # Up to the first day after the ASYE (when no cap applies any more), or a horizon.
    last = add_days(end, 1) if end else add_months(on, HORIZON_MONTHS)
    months = calendar_months_between(on, last) + 1
    candidates = {add_months(on.replace(day=1), n) for n in range(1, months + 1)}
    candidates |= {row.effective_from for row in table}
    if enrolment.asye_start is not None:
        candidates.add(enrolment.asye_start)
    current = _row_key(state.cap)
    for day in sorted(d for d in candidates if on < d <= last):
        worker = worker_from(state.person, enrolment, day)
        row = rules.binding_cap(worker, day, table, state.holdings, state.settings)
        if _row_key(row) != current:
            if row is None:
                return None
            return NextBand(starts=day, minimum=row.minimum, maximum=row.maximum, unit=row.unit)
    return None
