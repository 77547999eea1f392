"""One enrolment's learning and development record on a date: what its page, the portfolio,
the NQSW's home page, `asye_status` and the moderation checklist read (a fixed number of
queries). Each part is computed by its own module; this puts them side by side."""

from dataclasses import dataclass, field
from datetime import date

from academy.findings import Finding
from cohorts.models import Enrolment
from learning import opportunities, studydays, workshops
from learning.models import StudyDayRequest
from learning.protected import ProtectedTime, protected_time


@dataclass
class LearningRecord:
    enrolment: Enrolment
    on: date
    opportunities: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    study: studydays.StudyBalance | None = None
    study_requests: list[StudyDayRequest] = field(default_factory=list)
    workshops: list = field(default_factory=list)  # workshops.WorkshopDay
    credits: str = ""
    protected: ProtectedTime | None = None
    learning_time: list = field(default_factory=list)  # LearningTime entered by hand

    def opportunity_counts(self) -> dict[str, int]:
        counts = {opportunities.NOT_OFFERED: 0, opportunities.OFFERED: 0, opportunities.DONE: 0}
        for state in self.opportunities:
            counts[state.state] += 1
        return counts


def enrolment_of(person) -> Enrolment | None:
    """The person's current enrolment, else their latest."""
    found = list(Enrolment.objects.for_listing().filter(person=person))
    current = [e for e in found if e.status in Enrolment.CURRENT_STATUSES]
    return max(
        current or found,
        key=lambda e: (e.asye_start or e.cohort.start_date, e.pk),
        default=None,
    )


def learning_record(enrolment: Enrolment, on: date) -> LearningRecord:
    states = opportunities.opportunities_for(enrolment, on)
    requests = list(enrolment.study_requests.select_related("decided_by"))
    return LearningRecord(
        enrolment=enrolment,
        on=on,
        opportunities=states,
        findings=opportunities.findings(enrolment, states, on),
        study=studydays.balance(enrolment, on, requests),
        study_requests=requests,
        workshops=workshops.workshop_days(enrolment, on),
        credits=workshops.credits_label(workshops.credits_of(enrolment))
        if enrolment.kind == Enrolment.Kind.ASYE
        else "",
        protected=protected_time(enrolment, on),
        learning_time=list(enrolment.learning_time.select_related("kind", "recorded_by")),
    )


def opportunity_summary(enrolment: Enrolment, on: date) -> tuple[list[dict], list[Finding]]:
    """issue 11's `learning_opportunities` ([{"name", "state"}]) and the LEARNING-OPPS
    findings, for home/progress.py."""
    states = opportunities.opportunities_for(enrolment, on)
    return [state.as_dict() for state in states], opportunities.findings(enrolment, states, on)
