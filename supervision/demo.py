"""A believable supervision history for the demo academy, dated relative to `today`.

`build(today, people)` is a seed_demo step (run after cohorts.demo.build). For every current
demo ASYE enrolment it records, through the same services as the pages:

* weekly PM group supervision for each academy team in weeks 1-6 of the September start,
  then a monthly one (SUP-WEEKLY, SUP-GROUP);
* 1:1s a day or two before each due date from the schedule (SUP-FORTNIGHTLY,
  SUP-THREE-WEEKLY), none during the extended NQSW's maternity leave;
* a monthly assessor group session for each assessor's NQSWs (SUP-GROUP);
* a joint supervision a week into each co-worked case in caseloads' demo, except for the
  overdue NQSWs, whose records so show the COWORK-LEAD warning (COWORK-LEAD);
* a "more frequent support" record for one NQSW once month 9 has begun.

A few NQSWs (OVERDUE) have had no 1:1 for about four weeks, so the overdue list has
something to show. The history is a pure function of the enrolments and `today`: a second
run with the same date finds every session already there and writes nothing; on a later
date it adds what has happened since and removes what no longer fits (moved dates).
"""

from collections.abc import Iterable
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from academy.models import Person
from cohorts.demo import EMAIL_DOMAIN
from cohorts.models import Enrolment
from supervision import cowork, services
from supervision import schedule as sched
from supervision.models import Session, SupervisionPolicy, SupportRecord

Kind = Session.Kind

# Jack Harrington (pm.demo's team), Zara Hussain, Sam Whitaker: no 1:1 for four weeks.
OVERDUE = {"D0032", "D0038", "D0045"}
OVERDUE_GAP_DAYS = 28
SUPPORTED = "D0034"  # Ruth Osei keeps fortnightly 1:1s from month 9
JOINT_FOR = "D0031"  # nqsw.demo
JOINT_CASE = "CP-40117"

REFLECTIONS = [
    "Reflected on a first home visit: how the worries were shared with the family and what "
    "the child's voice added.",
    "Talked through a strategy discussion and the NQSW's part in it; what went well, what "
    "they would say differently.",
    "Explored the anxiety of holding risk over a weekend and how the duty arrangements "
    "support the worker.",
    "Reflected on writing a child and family assessment: analysis rather than description.",
    "Looked at a difficult conversation with a parent and how curiosity kept it open.",
    "Reviewed the week's caseload: priorities, what could wait and who to ask.",
]
TRAINING_LINKS = [
    "Signs of Safety training: used the three columns to map a case with the family.",
    "Pathway session on chronologies: started one for a long-running CIN case.",
    "Resilience workshop (day 1): agreed a routine for protected reflection time.",
    "Court skills Lite Bite: prepared for the first statement with a template.",
    "Assessment and analysis training: used the hypotheses method in a C&F assessment.",
]
GROUP_THEMES = [
    "Group reflection on first visits and what surprised everyone.",
    "Peer discussion of managing a first S47 as a co-worker.",
    "Appreciative Inquiry: what went well this month and why.",
    "Links between the pathway training on neglect and current cases.",
]
ACTIONS = [
    "Book a shadowing session with the Grade 10 SW.",
    "Update the chronology before the next visit.",
    "Bring a reflective log draft to the next supervision.",
    "",
]


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _months_between(first: date, last: date) -> Iterable[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _content(n: int, *, group: bool = False) -> dict:
    themes = GROUP_THEMES if group else REFLECTIONS
    return {
        "reflection": themes[n % len(themes)],
        "training_to_practice": TRAINING_LINKS[n % len(TRAINING_LINKS)],
        "appreciative_inquiry": group or n % 3 == 0,
        "actions": ACTIONS[n % len(ACTIONS)],
    }


def _key(kind, held_on, start_time, supervisor_id, enrolment_ids) -> tuple:
    return (kind, held_on, start_time, supervisor_id, frozenset(enrolment_ids))


class Plan:
    """The sessions the demo wants, keyed so that existing ones are recognised."""

    def __init__(self, today: date):
        self.today = today
        self.wanted: dict[tuple, dict] = {}

    def add(self, *, kind, held_on, start_time, supervisor, attendance, content, refs=""):
        if held_on > self.today or not any(attended for _, attended in attendance):
            return
        key = _key(kind, held_on, start_time, supervisor.pk, [e.pk for e, _ in attendance])
        self.wanted[key] = {
            "kind": kind,
            "held_on": held_on,
            "start_time": start_time,
            "supervisor": supervisor,
            "attendance": attendance,
            "content": content,
            "refs": refs,
        }


def _group_sessions(plan: Plan, enrolments: list[Enrolment]):
    by_group = {}
    for enrolment in enrolments:
        by_group.setdefault(enrolment.practice_group, []).append(enrolment)
    for group, members in by_group.items():
        if group.practice_manager is None:
            continue
        first_start = min(e.asye_start for e in members)
        # Weeks 1-6: every Thursday of the team's first six weeks.
        thursday = first_start + timedelta(days=(3 - first_start.weekday()) % 7)
        days = [thursday + timedelta(weeks=n) for n in range(6)]
        # Then the first Thursday of each month.
        for year, month in _months_between(days[-1] + timedelta(days=1), plan.today):
            day = _first_weekday_of_month(year, month, 3)
            if day > days[-1]:
                days.append(day)
        for n, day in enumerate(days):
            present = [e for e in members if e.asye_start <= day <= e.planned_end()]
            # Somebody is usually away (leave, court, a visit that could not move).
            attendance = [(e, (n + e.pk) % 7 != 0 and not _on_leave(e, day)) for e in present]
            plan.add(
                kind=Kind.PM_GROUP,
                held_on=day,
                start_time=time(14, 0),
                supervisor=group.practice_manager,
                attendance=attendance,
                content=_content(n, group=True),
            )


def _assessor_sessions(plan: Plan, enrolments: list[Enrolment]):
    by_assessor = {}
    for enrolment in enrolments:
        if enrolment.assessor_id:
            by_assessor.setdefault(enrolment.assessor, []).append(enrolment)
    for assessor, members in by_assessor.items():
        first_start = min(e.asye_start for e in members)
        for n, (year, month) in enumerate(_months_between(first_start, plan.today)):
            day = _first_weekday_of_month(year, month, 2) + timedelta(weeks=1)
            present = [e for e in members if e.asye_start <= day <= e.planned_end()]
            plan.add(
                kind=Kind.ASSESSOR_GROUP,
                held_on=day,
                start_time=time(13, 30),
                supervisor=assessor,
                attendance=[(e, not _on_leave(e, day)) for e in present],
                content={
                    **_content(n, group=True),
                    "reflection": "Portfolio session: the critical reflection log and "
                    "mapping evidence to the PCF and the KSS.",
                },
            )


def _on_leave(enrolment: Enrolment, day: date) -> bool:
    return any(x.first_day <= day <= x.last_day for x in enrolment.extensions.all())


def _one_to_ones(plan: Plan, enrolment: Enrolment, policies, support):
    """1:1s a day or two before each due date, worked out by the schedule itself."""
    pm = enrolment.practice_group.practice_manager
    if pm is None:
        return
    cutoff = plan.today
    if enrolment.person.staff_id in OVERDUE:
        cutoff -= timedelta(days=OVERDUE_GAP_DAYS)
    mine = [
        sched.SessionRecord(w["held_on"], w["kind"], attended)
        for w in plan.wanted.values()
        for e, attended in w["attendance"]
        if e.pk == enrolment.pk
    ]
    n = 0
    while True:
        due = sched.build_schedule(
            start=enrolment.asye_start,
            today=enrolment.planned_end(),
            shifts=enrolment.shifts(),
            policies=policies,
            support=support,
            sessions=mine,
        ).next_due
        if due is None:
            return
        held = _weekday_on_or_before(due - timedelta(days=(enrolment.pk + n) % 3))
        if held < enrolment.asye_start:
            held = due
        for leave in enrolment.extensions.all():
            if leave.first_day <= held <= leave.last_day:
                # No supervision while on leave: the first weekday back instead.
                held = leave.last_day + timedelta(days=1)
                while held.weekday() >= 5:
                    held += timedelta(days=1)
        if held > cutoff:
            return
        plan.add(
            kind=Kind.ONE_TO_ONE,
            held_on=held,
            start_time=time(10, 0) if n % 2 else time(11, 30),
            supervisor=pm,
            attendance=[(enrolment, True)],
            content=_content(n + enrolment.pk),
        )
        mine.append(sched.SessionRecord(held, Kind.ONE_TO_ONE))
        n += 1


def _support(enrolments: list[Enrolment], today: date) -> dict[int, SupportRecord]:
    found = {}
    for enrolment in enrolments:
        if enrolment.person.staff_id != SUPPORTED:
            continue
        month_9 = enrolment.month_starts_on(9)
        records = SupportRecord.objects.filter(enrolment=enrolment)
        # An earlier run on another date may have left a record that no longer fits.
        records.exclude(from_date=month_9).delete()
        if today < month_9:
            records.delete()
            continue
        record = records.first() or services.record_support(
            enrolment=enrolment,
            recorded_by=enrolment.practice_group.practice_manager,
            reason=(
                "Still building confidence with S47 enquiries after a difficult case in "
                "March; agreed to keep fortnightly 1:1s and review at the 9-month review."
            ),
            from_date=month_9,
        )
        found[enrolment.pk] = record
    return found


def _joint(plan: Plan, enrolments: list[Enrolment]):
    """A joint supervision a week into each co-worked case (caseloads' demo allocations),
    except for the overdue NQSWs, whose records so show the COWORK-LEAD warning. With no
    co-worked cases in the demo, one for nqsw.demo on a made-up reference."""
    any_coworking = False
    for enrolment in enrolments:
        for coworking in cowork.coworkings_for(enrolment):
            any_coworking = True
            if enrolment.person.staff_id in OVERDUE:
                continue
            _add_joint(
                plan,
                enrolment,
                _weekday_on_or_before(coworking.starts + timedelta(days=7)),
                coworking.case_reference,
            )
    if any_coworking:
        return
    for enrolment in enrolments:
        if enrolment.person.staff_id == JOINT_FOR:
            day = _weekday_on_or_before(enrolment.asye_start + timedelta(weeks=9))
            _add_joint(plan, enrolment, day, JOINT_CASE)


def _add_joint(plan: Plan, enrolment: Enrolment, day: date, reference: str):
    if day >= enrolment.asye_start:
        plan.add(
            kind=Kind.JOINT,
            held_on=day,
            start_time=time(15, 30),
            supervisor=enrolment.practice_group.practice_manager,
            attendance=[(enrolment, True)],
            content={
                **_content(4),
                "reflection": "Joint supervision with the experienced social worker on a "
                "co-worked case: the plan, who does what, and how decisions stay with the "
                "allocated worker and their PM (COWORK-LEAD).",
            },
            refs=reference,
        )


def demo_enrolments() -> list[Enrolment]:
    return list(
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, person__email__endswith=f"@{EMAIL_DOMAIN}")
        .exclude(asye_start__isnull=True)
        .select_related("person", "assessor", "practice_group__practice_manager")
        .prefetch_related("extensions")
        .order_by("person__staff_id")
    )


@transaction.atomic
def build(today: date | None = None, people: dict[str, Person] | None = None) -> dict:
    """Create or bring up to date the demo supervision history; returns a few counts."""
    today = today or timezone.localdate()
    enrolments = [e for e in demo_enrolments() if e.asye_start <= today]
    policies = SupervisionPolicy.all_versions()
    support = _support(enrolments, today)

    plan = Plan(today)
    _group_sessions(plan, enrolments)
    _assessor_sessions(plan, enrolments)
    _joint(plan, enrolments)
    for enrolment in enrolments:
        periods = [support[enrolment.pk].as_period()] if enrolment.pk in support else []
        _one_to_ones(plan, enrolment, policies, periods)

    # Sync: keep what is wanted and already there, delete the rest, add the missing.
    demo_ids = {e.pk for e in demo_enrolments()}
    existing = {}
    for session in (
        Session.objects.filter(attendances__enrolment_id__in=demo_ids)
        .prefetch_related("attendances")
        .distinct()
    ):
        key = _key(
            session.kind,
            session.held_on,
            session.start_time,
            session.supervisor_id,
            [a.enrolment_id for a in session.attendances.all()],
        )
        if key in plan.wanted and key not in existing:
            existing[key] = session
        else:
            session.delete()
    added = 0
    for key, wanted in plan.wanted.items():
        if key in existing:
            continue
        services.record_session(
            kind=wanted["kind"],
            held_on=wanted["held_on"],
            start_time=wanted["start_time"],
            supervisor=wanted["supervisor"],
            recorded_by=wanted["supervisor"],
            attendance=wanted["attendance"],
            case_references=wanted["refs"],
            today=today,
            **wanted["content"],
        )
        added += 1
    return {"sessions": len(plan.wanted), "added": added, "support": len(support)}
