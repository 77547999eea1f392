"""A realistic caseload for every demo NQSW and trainee, dated relative to `today`.

`build(today=..., people=...)` is a seed_demo step, run after the academy's own step and
before supervision's (whose joint supervisions follow the co-worked cases made here).
Everything is recorded through `caseloads.services`, so every approval passed the same
checks a practice manager's would:

* each worker's caseload grows month by month within the cap band for their service and
  ASYE month (CAP-MAX, CAP-MIN), or the trainee caps (CAP-TRAINEE, CAP-UNQUALIFIED);
* child and family assessments close after about two months and are replaced, so every
  caseload has some history; the NQSW on maternity leave had her cases transferred the
  day before it began and a new caseload from her return (EXT-1);
* CP and CLA cases in ASYE months 1-6 have an experienced worker on them (SOLE-CP-CLA):
  the team's Grade 10/11 SW co-working, or a main-team social worker holding the case
  with the NQSW co-working; CA&I NQSWs co-work an S47 in month 5 and lead one from month
  8 (S47-EARLY);
* practice managers sign off CP and CLA visits two weeks into the ASYE (VISIT-SIGNOFF).

A few warnings are there on purpose: two NQSWs whose visits are not signed off yet
(VISIT-SIGNOFF) and one CLA NQSW below the band's minimum (CAP-MIN). There is exactly one
request waiting, for pm.demo to decide: a child and family assessment for nqsw.demo, asked
for by gm.demo and within her cap, and one earlier request of hers that was declined.

The wanted allocations are a pure function of the enrolments and `today`. A second run on
the same date finds them all and writes nothing; otherwise each worker whose allocations
differ from the plan (a later date, a click in the demo) has them recorded afresh, and
allocations of demo people that no plan wants are removed, as the supervision demo does
with its sessions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from academy.models import Person, Service
from caseloads import rules, services
from caseloads.models import Allocation, CapRule, Case, VisitSignOff
from caseloads.states import worker_from
from cohorts.demo import EMAIL_DOMAIN, AcademyCalendar
from cohorts.models import Enrolment
from cohorts.months import add_months

Role = Allocation.Role
Status = Allocation.Status

# Children held during each ASYE month (1-12), inside the cap band of the rules file with
# room to spare, so that the waiting request can be approved.
NQSW_TARGETS = {
    "CAI": [3, 5, 6, 7, 8, 8, 11, 13, 15, 15, 15, 15],
    "CLA": [6, 7, 7, 8, 9, 10, 10, 11, 11, 13, 16, 16],
    "FSP": [3, 5, 7, 8, 10, 12, 14, 15, 16, 18, 18, 18],
}
# Children during each month of a placement (a Chichester MA trainee holds at most 4 in
# the first semester, CAP-TRAINEE).
TRAINEE_TARGETS = {
    Enrolment.Programme.CHI_MA: [2, 3, 4, 4, 6, 7, 8, 8, 8, 8, 8, 8],
    Enrolment.Programme.OU_BA: [3, 5, 6, 8, 8, 8, 8, 8, 8, 8, 8, 8],
}
# The kinds of case each service's NQSWs take on, in turn.
NQSW_CASE_TYPES = {
    "CAI": ["C&F_ASSESSMENT", "CIN"],
    "CLA": ["CLA", "CLA", "COURT", "CLA"],
    "FSP": ["CIN", "CP", "CIN", "EH", "CP"],
}
TRAINEE_CASE_TYPES = ["CIN", "EH", "C&F_ASSESSMENT"]
CHILDREN_PER_CASE = [2, 3, 1, 2, 3, 2]
PREFIX = {
    "CIN": "CIN",
    "CP": "CP",
    "CLA": "CLA",
    "S47": "S47",
    "EH": "EH",
    "COURT": "CRT",
    "C&F_ASSESSMENT": "CFA",
    "OTHER": "OTH",
}
# Cases that close after a few months: (months, the ending recorded).
CLOSES = {
    "C&F_ASSESSMENT": (2, "Closure: assessment completed"),
    "S47": (2, "Closure: the section 47 enquiry concluded"),
}
SOLE_CP_CLA_LAST_MONTH = 6
SIGN_OFF_AFTER = timedelta(weeks=2)

NOT_SIGNED_OFF = {"D0039", "D0042"}  # Megan Powell (FS&P), Aisha Begum (CLA)
UNDER_MINIMUM = "D0043"  # Rhys Evans (CLA), started late: two children below the band
WAITING_REFERENCE = "CFA-990001"
DECLINED_REFERENCE = "CIN-990002"


@dataclass
class Planned:
    """One case and who is on it: the enrolled worker and, maybe, an experienced one."""

    reference: str
    case_type: str
    children: int
    service: Service
    start: date
    worker: Person
    role: str
    decider: Person
    requested_by: Person
    partner: Person | None = None
    partner_role: str = ""
    status: str = Status.APPROVED
    end: date | None = None  # the worker's last day on the case
    end_reason: str = ""
    partner_ends: bool = False  # the case closed, so the partner's allocation ends too
    reason: str = ""

    def allocations(self) -> list[tuple]:
        """What must be on record, in the form `_signature` reads back."""
        case = (self.reference, self.case_type, self.children, self.service.pk)
        found = [
            (*case, self.worker.pk, self.role, self.start, self.status, self.end, self.end_reason)
        ]
        if self.partner is not None:
            ends = self.end if self.partner_ends else None
            found.append(
                (
                    *case,
                    self.partner.pk,
                    self.partner_role,
                    self.start,
                    Status.ENDED if ends else Status.APPROVED,
                    ends,
                    self.end_reason if ends else "",
                )
            )
        return found


def _signature(allocation: Allocation) -> tuple:
    case = allocation.case
    return (
        case.reference,
        case.case_type,
        case.children,
        case.service_id,
        allocation.worker_id,
        allocation.role,
        allocation.start_date,
        allocation.status,
        allocation.end_date,
        allocation.end_reason,
    )


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass
class WorkerPlan:
    enrolment: Enrolment
    cases: list[Planned] = field(default_factory=list)
    number: int = 0

    def reference(self, case_type: str) -> str:
        self.number += 1
        return f"{PREFIX[case_type]}-{self.enrolment.person.staff_id[1:]}{self.number:02d}"


class Planner:
    """The wanted cases for each demo worker, as of `today`."""

    def __init__(self, today: date, people: dict[str, Person]):
        self.today = today
        self.people = people
        self.calendar = AcademyCalendar.around(today)
        self.services = {s.code: s for s in Service.objects.all()}
        self.grade10 = {
            p.practice_group_id: p
            for p in Person.objects.filter(role=Person.Role.GRADE10, practice_group__isnull=False)
        }

    # --- when the worker is on the job, and at which month ------------------------------

    def checkpoints(self, enrolment: Enrolment) -> list[tuple[date, int, date | None]]:
        """(day, month, last day of the working span or None) for each step up of the
        caseload so far: the start of each span, then the start of each later month."""
        found = []
        if enrolment.kind == Enrolment.Kind.ASYE:
            if enrolment.asye_start > self.today:
                return []
            spans = [(enrolment.asye_start, None)]
            for leave in sorted(enrolment.extensions.all(), key=lambda x: x.first_day):
                first, _ = spans[-1]
                spans[-1] = (first, leave.first_day - timedelta(days=1))
                spans.append((leave.last_day + timedelta(days=1), None))
            for first, last in spans:
                if first > self.today:
                    break
                month = enrolment.asye_month(first) or 1
                day = _weekday_on_or_after(first + timedelta(days=2 if month == 1 else 0))
                found.append((day, month, last))
                for later in range(month + 1, 13):
                    day = _weekday_on_or_after(enrolment.month_starts_on(later))
                    if day > self.today or (last is not None and day > last):
                        break
                    found.append((day, later, last))
            return [c for c in found if c[0] <= self.today]
        # A placement: from the September start, or the January start for next year's OU
        # students, one step each calendar month.
        begins = (
            self.calendar.january_start
            if enrolment.cohort.start_date > self.calendar.january_start
            else self.calendar.september_start
        )
        month_start = begins
        for month in range(1, 13):
            day = _weekday_on_or_after(month_start + timedelta(days=2 if month == 1 else 0))
            if day > self.today:
                break
            found.append((day, month, None))
            month_start = add_months(begins.replace(day=1), month)
        return found

    # --- the plan ---------------------------------------------------------------------

    def plan(self, enrolment: Enrolment) -> WorkerPlan:
        plan = WorkerPlan(enrolment)
        person = enrolment.person
        group = enrolment.practice_group
        pm = group.practice_manager
        service = group.service
        asye = enrolment.kind == Enrolment.Kind.ASYE
        if asye:
            targets = NQSW_TARGETS[service.code]
            types = NQSW_CASE_TYPES[service.code]
        else:
            targets = TRAINEE_TARGETS[enrolment.programme]
            types = TRAINEE_CASE_TYPES
        live: list[Planned] = []
        turn = 0
        steps = self.checkpoints(enrolment)
        for index, (day, month, last) in enumerate(steps):
            # Assessments and S47 enquiries close the day before this step.
            for case in [c for c in live if c.end is not None and c.end < day]:
                live.remove(case)
            target = targets[min(month, 12) - 1]
            if person.staff_id == UNDER_MINIMUM:
                target = max(1, target - 2)
            first_of_month = True
            while (held := sum(c.children for c in live)) < target:
                need = target - held
                case_type = types[turn % len(types)]
                role, partner, partner_role = Role.ALLOCATED, None, ""
                if asye and service.code == "CAI" and first_of_month and month in (5, 8):
                    # S47-EARLY: co-work (shadow) one in month 5, lead one from month 8.
                    case_type = "S47"
                    if month == 5:
                        role, partner, partner_role = (
                            Role.COWORKER,
                            self.people["social_worker_cai"],
                            Role.ALLOCATED,
                        )
                elif asye and case_type in ("CP", "CLA") and month <= SOLE_CP_CLA_LAST_MONTH:
                    # SOLE-CP-CLA: an experienced worker on the case, in turn the team's
                    # Grade 10/11 SW co-working or a main-team social worker holding it.
                    if turn % 2 or group.pk not in self.grade10:
                        partner = self.people[f"social_worker_{service.code.lower()}"]
                        role, partner_role = Role.COWORKER, Role.ALLOCATED
                    else:
                        partner, partner_role = self.grade10[group.pk], Role.COWORKER
                children = min(need, CHILDREN_PER_CASE[turn % len(CHILDREN_PER_CASE)])
                if case_type == "S47":
                    children = 1
                turn += 1
                first_of_month = False
                case = Planned(
                    reference=plan.reference(case_type),
                    case_type=case_type,
                    children=children,
                    service=service,
                    start=day,
                    worker=person,
                    role=role,
                    decider=pm,
                    requested_by=pm,
                    partner=partner,
                    partner_role=partner_role,
                )
                if case_type in CLOSES:
                    # Closed the day before the step `months` on, if that has come.
                    months, case.end_reason = CLOSES[case_type]
                    ends = [d for d, m, _ in steps if m == month + months and d > day]
                    if ends:
                        case.end = ends[0] - timedelta(days=1)
                        case.partner_ends = True
                    else:
                        case.end_reason = ""
                plan.cases.append(case)
                live.append(case)
            span_ends = index + 1 == len(steps) or steps[index + 1][2] != last
            if span_ends and last is not None and last < self.today:
                # Cases handed over the day the worker went on leave (EXT-1).
                for case in live:
                    if case.end is None or case.end > last:
                        case.end = last
                        case.end_reason = (
                            "Transfer: handed to colleagues in the team before maternity leave"
                        )
                        case.partner_ends = False
                live = []
        return plan

    def requests(self, plans: dict[int, WorkerPlan]) -> list[Planned]:
        """The one request waiting for pm.demo, and one of nqsw.demo's that was declined."""
        nqsw, gm = self.people["nqsw"], self.people["gm"]
        enrolment = (
            Enrolment.objects.current()
            .select_related("practice_group__service", "practice_group__practice_manager")
            .get(person=nqsw)
        )
        plan = plans[enrolment.pk]
        pm = enrolment.practice_group.practice_manager
        held = [
            rules.Holding(c.reference, c.case_type, c.children, c.role)
            for c in plan.cases
            if c.start <= self.today and (c.end is None or c.end >= self.today)
        ]
        worker = worker_from(nqsw, enrolment, self.today)
        cap = rules.binding_cap(worker, self.today, CapRule.objects.rows_in_force(self.today), held)
        room = cap.maximum - rules.caseload(held).count(cap.unit) if cap else 2
        found = [
            Planned(
                reference=WAITING_REFERENCE,
                case_type="C&F_ASSESSMENT",
                children=max(1, min(2, room)),
                service=enrolment.practice_group.service,
                start=self.today,
                worker=nqsw,
                role=Role.ALLOCATED,
                decider=pm,
                requested_by=gm,
                status=Status.REQUESTED,
                reason=(
                    "Duty referral from a primary school: a child and family assessment. "
                    "Suits her learning plan; the Grade 10 SW can shadow the first visit."
                ),
            )
        ]
        declined_on = _weekday_on_or_after(enrolment.asye_start + timedelta(weeks=6))
        if declined_on < self.today:
            found.append(
                Planned(
                    reference=DECLINED_REFERENCE,
                    case_type="CIN",
                    children=3,
                    service=enrolment.practice_group.service,
                    start=declined_on,
                    worker=nqsw,
                    role=Role.ALLOCATED,
                    decider=pm,
                    requested_by=gm,
                    status=Status.DECLINED,
                    reason=(
                        "Declined: three children with court proceedings likely; the case "
                        "needs an experienced worker. Offered a co-working role instead."
                    ),
                )
            )
        return found


def demo_enrolments() -> list[Enrolment]:
    return list(
        Enrolment.objects.current()
        .filter(person__email__endswith=f"@{EMAIL_DOMAIN}")
        .select_related(
            "person", "cohort", "practice_group__service", "practice_group__practice_manager"
        )
        .prefetch_related("extensions")
        .order_by("person__staff_id")
    )


# --- Recording through the services ----------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _case(planned: Planned) -> Case:
    values = {
        "case_type": planned.case_type,
        "children": planned.children,
        "service": planned.service,
    }
    case = Case.objects.filter(reference=planned.reference).first()
    if case is None:
        case = Case(reference=planned.reference, **values)
    elif all(getattr(case, name) == value for name, value in values.items()):
        return case
    for name, value in values.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    return case


def _allocate(case, worker, role, planned: Planned, status: str) -> Allocation:
    allocation = services.request_allocation(
        case=case,
        worker=worker,
        role=role,
        start_date=planned.start,
        requested_by=planned.requested_by,
        # The demo's history, requested as it happened (ALLOC-BACKDATED).
        requested_at=_at(planned.start - timedelta(days=3), 10),
        # A declined request's note is the decider's reason, recorded with the decision.
        reason=planned.reason if worker == planned.worker and status != Status.DECLINED else "",
    )
    if status == Status.REQUESTED:
        return allocation
    if status == Status.DECLINED:
        services.decline_allocation(
            allocation=allocation, decided_by=planned.decider, reason=planned.reason
        )
    else:
        services.approve_allocation(
            allocation=allocation, decided_by=planned.decider, on=planned.start
        )
    # The services stamp "now"; the demo's history reads better with the days it happened.
    Allocation.objects.filter(pk=allocation.pk).update(
        requested_at=_at(planned.start - timedelta(days=3), 10),
        decided_at=_at(planned.start - timedelta(days=1), 15),
    )
    return allocation


def _record(cases: list[Planned]) -> int:
    """Record one worker's cases in date order: endings before the cases that start the
    day after, so every approval sees the caseload as it was on its start date."""
    events = []
    for planned in cases:
        events.append((planned.start, 1, planned.reference, "start", planned))
        if planned.end is not None:
            events.append((planned.end + timedelta(days=1), 0, planned.reference, "end", planned))
    made = {}
    count = 0
    for _, _, _, kind, planned in sorted(events, key=lambda e: e[:3]):
        if kind == "start":
            case = _case(planned)
            partner = None
            if planned.partner is not None:
                partner = _allocate(
                    case, planned.partner, planned.partner_role, planned, Status.APPROVED
                )
            status = Status.APPROVED if planned.status == Status.ENDED else planned.status
            mine = _allocate(case, planned.worker, planned.role, planned, status)
            made[planned.reference] = (mine, partner)
            count += 1 + (partner is not None)
        else:
            mine, partner = made[planned.reference]
            ending = [mine] + ([partner] if partner is not None and planned.partner_ends else [])
            for allocation in ending:
                services.end_allocation(
                    allocation=allocation,
                    ended_by=planned.decider,
                    end_date=planned.end,
                    end_reason=planned.end_reason,
                )
    return count


def _sync_signoffs(enrolments: list[Enrolment], today: date) -> None:
    existing = {s.enrolment_id: s for s in VisitSignOff.objects.filter(enrolment__in=enrolments)}
    for enrolment in enrolments:
        wanted = None
        if (
            enrolment.kind == Enrolment.Kind.ASYE
            and enrolment.asye_start <= today
            and enrolment.person.staff_id not in NOT_SIGNED_OFF
        ):
            wanted = _weekday_on_or_after(enrolment.asye_start + SIGN_OFF_AFTER)
            if wanted > today:
                wanted = None
        found = existing.get(enrolment.pk)
        if found is not None and found.signed_on == wanted:
            continue
        if found is not None:
            found.delete()
        if wanted is not None:
            services.sign_off_visits(
                enrolment=enrolment,
                signed_by=enrolment.practice_group.practice_manager,
                signed_on=wanted,
            )


@transaction.atomic
def build(*, today: date | None = None, people: dict[str, Person]) -> dict:
    """Create or bring up to date the demo caseloads; returns a few counts."""
    today = today or timezone.localdate()
    enrolments = demo_enrolments()
    planner = Planner(today, people)
    plans = {e.pk: planner.plan(e) for e in enrolments}
    extra = planner.requests(plans)
    for planned in extra:
        owner = next(e.pk for e in enrolments if e.person_id == planned.worker.pk)
        plans[owner].cases.append(planned)

    # A case with a last day is recorded approved, then ended (only approved ones end).
    for plan in plans.values():
        for planned in plan.cases:
            if planned.end is not None:
                planned.status = Status.ENDED

    wanted = {
        pk: sorted(sig for c in plan.cases for sig in c.allocations()) for pk, plan in plans.items()
    }
    owner_of = {c.reference: pk for pk, plan in plans.items() for c in plan.cases}
    existing = defaultdict(list)
    stale = []
    for allocation in Allocation.objects.filter(
        worker__email__endswith=f"@{EMAIL_DOMAIN}"
    ).select_related("case"):
        owner = owner_of.get(allocation.case.reference)
        (existing[owner] if owner is not None else stale).append(allocation)
    for enrolment in enrolments:
        # Allocations of the worker on cases of no plan belong to them too.
        existing[enrolment.pk] += [a for a in stale if a.worker_id == enrolment.person_id]
    added = 0
    out_of_date = [pk for pk in plans if sorted(_signature(a) for a in existing[pk]) != wanted[pk]]
    # Remove everything out of date first: a worker's plan may reuse a case reference that
    # another's stale rows still hold.
    references = set()
    for pk in out_of_date:
        for allocation in existing[pk]:
            references.add(allocation.case.reference)
            allocation.delete()
    for allocation in stale:
        if allocation.pk is not None:  # not already deleted with its worker's
            references.add(allocation.case.reference)
            allocation.delete()
    Case.objects.filter(reference__in=references, allocations__isnull=True).delete()
    for pk in out_of_date:
        added += _record(plans[pk].cases)
    _sync_signoffs(enrolments, today)
    return {
        "allocations": sum(len(w) for w in wanted.values()),
        "added": added,
        "waiting": sum(1 for c in extra if c.status == Status.REQUESTED),
    }
