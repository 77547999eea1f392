"""COWORK-LEAD: joint supervision of a co-worked case, expected soon after co-working starts.

`cowork_findings` is pure (plain values in, findings out); `warnings_for` reads one worker's
allocations (caseloads.Allocation) and joint supervisions for their supervision record.

Decisions where the rules are silent:

* A co-worked case is one where the worker holds an approved (or since ended) allocation
  and another worker holds one too, at least one of the two as `coworker`: the NQSW
  co-working an experienced worker's case, or an experienced co-worker on the NQSW's own.
* Co-working starts on the later of the two allocations' start dates; requests and declined
  allocations do not count (ALLOC-APPROVE). One finding per case, from its first co-working.
* "The first supervision interval" is the policy's `cowork_joint_days` (14 days, inferred:
  one fortnightly interval), counted from the day co-working starts, inclusive at both ends.
* A joint supervision counts when the worker attended it and it names the case's reference
  (a joint supervision must name its case). Read literally, a joint supervision held after
  the window does not lift the warning; the message then says when the first one was held.
* Before the window closes there is no warning, only a note of the date it is due by.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from academy.findings import NOTE, WARNING, Finding
from cohorts.months import add_days
from supervision import schedule as sched

RULE = "COWORK-LEAD"  # its findings are a WARNING after the window, a NOTE before


@dataclass(frozen=True)
class CoWorking:
    case_reference: str
    starts: date
    partner: str  # the other worker, as shown to the reader


@dataclass(frozen=True)
class JointSupervision:
    held_on: date
    case_references: frozenset[str]


def cowork_findings(
    *,
    coworkings: Iterable[CoWorking],
    joint: Iterable[JointSupervision],
    today: date,
    policies: Sequence[sched.Policy] = (),
) -> list[Finding]:
    joint = sorted(joint, key=lambda j: j.held_on)
    first_by_case: dict[str, CoWorking] = {}
    for coworking in coworkings:
        held = first_by_case.get(coworking.case_reference)
        if coworking.starts <= today and (held is None or coworking.starts < held.starts):
            first_by_case[coworking.case_reference] = coworking
    findings = []
    for reference, coworking in sorted(first_by_case.items()):
        days = sched.policy_on(policies, coworking.starts).cowork_joint_days
        due_by = add_days(coworking.starts, days)
        about_case = [
            j.held_on
            for j in joint
            if reference in j.case_references and j.held_on >= coworking.starts
        ]
        if any(day <= due_by for day in about_case):
            continue
        if today <= due_by:
            findings.append(
                Finding(
                    RULE,
                    NOTE,
                    f"{reference} is co-worked with {coworking.partner} from "
                    f"{coworking.starts:%d/%m/%Y}: a joint supervision is expected by "
                    f"{due_by:%d/%m/%Y}.",
                    case_ref=reference,
                    due=due_by,
                )
            )
            continue
        late = f" The first was on {about_case[0]:%d/%m/%Y}." if about_case else ""
        findings.append(
            Finding(
                RULE,
                WARNING,
                f"no joint supervision recorded for co-worked case {reference} (with "
                f"{coworking.partner}) within {days} days of the co-working starting on "
                f"{coworking.starts:%d/%m/%Y}, i.e. by {due_by:%d/%m/%Y}.{late} Case "
                "decisions stay with the experienced allocated worker and their PM.",
                case_ref=reference,
                due=due_by,
            )
        )
    return findings


def coworkings_for(enrolment) -> list[CoWorking]:
    """The worker's co-worked cases from caseloads' allocations (two queries)."""
    from caseloads.models import Allocation

    counted = [Allocation.Status.APPROVED, Allocation.Status.ENDED]
    mine = list(
        Allocation.objects.filter(worker_id=enrolment.person_id, status__in=counted)
        .select_related("case")
        .order_by("start_date")
    )
    if not mine:
        return []
    others = (
        Allocation.objects.filter(case_id__in={a.case_id for a in mine}, status__in=counted)
        .exclude(worker_id=enrolment.person_id)
        .select_related("worker")
    )
    by_case = {}
    for other in others:
        by_case.setdefault(other.case_id, []).append(other)
    coworkings = []
    for own in mine:
        for other in by_case.get(own.case_id, []):
            if Allocation.Role.COWORKER not in (own.role, other.role):
                continue
            starts = max(own.start_date, other.start_date)
            ends = min(
                own.end_date or date.max,
                other.end_date or date.max,
            )
            if starts <= ends:
                coworkings.append(CoWorking(own.case.reference, starts, other.worker.full_name))
    return coworkings


def warnings_for(enrolment, *, today: date) -> list[Finding]:
    """The COWORK-LEAD findings for one worker's record (a fixed number of queries)."""
    from supervision.models import Attendance, Session, SupervisionPolicy

    coworkings = coworkings_for(enrolment)
    if not coworkings:
        return []
    joint = [
        JointSupervision(a.session.held_on, frozenset(a.session.case_reference_list))
        for a in Attendance.objects.filter(
            enrolment=enrolment, attended=True, session__kind=Session.Kind.JOINT
        ).select_related("session")
    ]
    return cowork_findings(
        coworkings=coworkings,
        joint=joint,
        today=today,
        policies=SupervisionPolicy.all_versions(),
    )
