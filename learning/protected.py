"""The protected time (PROTECTED-TIME): the share of an NQSW's working time to date spent on
learning and development, against the policy's 10%.

Counted: time recorded by hand (LearningTime), workshops attended (WORKSHOPS), agreed
study days (STUDY-DAYS) and the PM group supervisions and assessor group sessions
attended, each at its kind's default length (LearningTimeKind). Working time: the weekdays
of the ASYE up to the date, recorded leave excepted (EXT-1), at the policy's working week.
A fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cohorts.models import Enrolment
from learning.models import LearningTimeKind, ProtectedTimePolicy, StudyDayRequest

RULE = "PROTECTED-TIME"
# supervision.Session kinds by their stored value: this app never imports supervision
# (supervision reads the MASH rota), so it reads the attendances through the enrolment.
SUPERVISION_KINDS = {"pm_group": "group_supervision", "assessor_group": "assessor_session"}


@dataclass(frozen=True)
class ProtectedTime:
    on: date
    hours: Decimal
    working_hours: Decimal
    target_percent: Decimal
    by_kind: tuple[tuple[str, Decimal], ...]

    @property
    def share(self) -> Decimal:
        if not self.working_hours:
            return Decimal(0)
        return (self.hours * 100 / self.working_hours).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def target_hours(self) -> Decimal:
        return (self.working_hours * self.target_percent / 100).quantize(Decimal("0.1"))

    @property
    def met(self) -> bool:
        return self.share >= self.target_percent

    def as_dict(self) -> dict:
        return {
            "hours": float(self.hours),
            "working_hours": float(self.working_hours),
            "share": float(self.share),
            "target": float(self.target_percent),
            "met": self.met,
        }


def working_days(enrolment: Enrolment, first: date, last: date) -> int:
    days = 0
    day = first
    while day <= last:
        if day.weekday() < 5 and enrolment.absence_on(day) is None:
            days += 1
        day += timedelta(days=1)
    return days


def protected_time(enrolment: Enrolment, on: date) -> ProtectedTime | None:
    """None before the ASYE starts, and for a trainee (the 10% is the ASYE's)."""
    if enrolment.kind != Enrolment.Kind.ASYE or enrolment.asye_start is None:
        return None
    if on < enrolment.asye_start:
        return None
    end = min(on, enrolment.planned_end() or on)
    policy = ProtectedTimePolicy.in_force(end)
    kinds = {k.code: k for k in LearningTimeKind.objects.all()}

    def length(code: str) -> Decimal:
        kind = kinds.get(code)
        return kind.default_hours if kind else Decimal(0)

    hours = defaultdict(Decimal)
    for entry in enrolment.learning_time.filter(on__lte=end).select_related("kind"):
        hours[entry.kind.name] += entry.hours
    attended = enrolment.workshop_attendances.filter(
        attended=True, workshop__held_on__lte=end
    ).count()
    if attended:
        hours[kinds["workshop"].name if "workshop" in kinds else "Workshops"] += attended * length(
            "workshop"
        )
    half_days = sum(
        enrolment.study_requests.filter(
            status=StudyDayRequest.Status.AGREED, first_day__lte=end
        ).values_list("half_days", flat=True)
    )
    if half_days:
        hours[kinds["study_day"].name if "study_day" in kinds else "Study days"] += (
            Decimal(half_days) / 2 * length("study_day")
        )
    sessions = enrolment.supervision_attendances.filter(
        attended=True, session__kind__in=list(SUPERVISION_KINDS), session__held_on__lte=end
    ).values_list("session__kind", flat=True)
    for session_kind in sessions:
        code = SUPERVISION_KINDS[session_kind]
        hours[kinds[code].name if code in kinds else code] += length(code)
    days = working_days(enrolment, enrolment.asye_start, end)
    return ProtectedTime(
        on=end,
        hours=sum(hours.values(), Decimal(0)),
        working_hours=(policy.weekly_hours / 5 * days).quantize(Decimal("0.1")),
        target_percent=policy.share_percent,
        by_kind=tuple(sorted(hours.items())),
    )
