"""Study days (STUDY-DAYS): entitlement, taken and remaining for one enrolment.

An NQSW's entitlement is for the whole ASYE; a trainee's for each academic year (1
September to 31 August), from their university's figures (StudyAllowance). Days are
counted in half days. "Taken" is what the PM agreed; "asked" what awaits the PM; a new
request must fit in what is left after both, or it is refused with the numbers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cohorts.models import Enrolment, academic_year, academic_year_label
from learning.models import Learner, StudyAllowance, StudyDayRequest, StudyEntitlement

RULE = "STUDY-DAYS"
WORKING_DAYS_A_WEEK = 5


def number(days: Decimal) -> str:
    """3, 0.5, 10: no trailing zeros."""
    return f"{Decimal(days).normalize():f}"


def learner_of(enrolment: Enrolment) -> str:
    if enrolment.kind == Enrolment.Kind.ASYE:
        return Learner.NQSW
    return enrolment.programme or Learner.CHICHESTER_TRAINEE


@dataclass(frozen=True)
class StudyBalance:
    period: str  # "the ASYE" or "2026/27"
    academic_year: int | None  # None: the whole ASYE
    entitlement: Decimal
    taken: Decimal
    asked: Decimal
    explained: str  # how the entitlement is made up

    @property
    def remaining(self) -> Decimal:
        return self.entitlement - self.taken - self.asked

    def refusal(self, days: Decimal) -> str | None:
        """Why a request for `days` more is refused, with the numbers; None if it fits."""
        if days <= self.remaining:
            return None
        left = max(self.remaining, Decimal(0))
        return (
            f"{RULE}: {number(self.entitlement)} study day(s) for {self.period} "
            f"({self.explained}); {number(self.taken)} agreed and {number(self.asked)} awaiting "
            f"agreement leave {number(left)}: {number(days)} asked is "
            f"{number(days - left)} over."
        )


def entitlement_in_force(learner: str, on: date) -> StudyEntitlement | None:
    return (
        StudyEntitlement.objects.filter(learner=learner, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def period_year(enrolment: Enrolment, day: date) -> int | None:
    """The academic year a study day counts in; None where the entitlement covers the ASYE."""
    rule = entitlement_in_force(learner_of(enrolment), day)
    return academic_year(day) if rule is not None and rule.per_academic_year else None


def balance(enrolment: Enrolment, on: date, requests=None, exclude=None) -> StudyBalance:
    """The balance of the period `on` falls in. `requests`: the enrolment's requests, if
    already loaded; `exclude`: a request left out (the one being decided)."""
    learner = learner_of(enrolment)
    rule = entitlement_in_force(learner, on)
    if rule is None:
        return StudyBalance("this period", None, Decimal(0), Decimal(0), Decimal(0), "none set")
    year = academic_year(on) if rule.per_academic_year else None
    entitlement = rule.days
    parts = []
    if rule.days:
        parts.append(f"{number(rule.days)} day(s)")
    if rule.days_per_module_week or rule.adds_university_weeks:
        allowance = StudyAllowance.objects.filter(enrolment=enrolment, academic_year=year).first()
        modules = allowance.modules if allowance else 0
        weeks = allowance.study_weeks if allowance else 0
        if rule.days_per_module_week:
            entitlement += rule.days_per_module_week * modules * weeks
            parts.append(
                f"{number(rule.days_per_module_week)} day per module per week: "
                f"{modules} module(s), "
                f"{weeks} week(s)"
            )
        if rule.adds_university_weeks:
            entitlement += WORKING_DAYS_A_WEEK * weeks
            parts.append(f"{weeks} university study week(s)")
    if requests is None:
        requests = list(enrolment.study_requests.all())
    taken = asked = Decimal(0)
    for request in requests:
        if exclude is not None and request.pk == exclude.pk:
            continue
        if year is not None and academic_year(request.first_day) != year:
            continue
        if request.status == StudyDayRequest.Status.AGREED:
            taken += request.days
        elif request.status == StudyDayRequest.Status.REQUESTED:
            asked += request.days
    period = "the ASYE" if year is None else academic_year_label(year)
    return StudyBalance(period, year, entitlement, taken, asked, " + ".join(parts) or "none")
