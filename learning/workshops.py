"""Where one NQSW stands on the university's resilience workshops and the optional credits
(WORKSHOPS): each of the three days with its date and attendance, for their cohort; and
whether a day may still move (the scheduling pages and learning/services.py ask the same)."""

from dataclasses import dataclass
from datetime import date

from cohorts.models import Enrolment
from learning.models import CreditsState, Workshop, WorkshopCredits, WorkshopTheme

RULE = "WORKSHOPS"
ATTENDED, ABSENT, TO_COME, NOT_RECORDED, NOT_SCHEDULED = (
    "attended",
    "absent",
    "to_come",
    "not_recorded",
    "not_scheduled",
)
LABELS = {
    ATTENDED: "Attended",
    ABSENT: "Absent",
    TO_COME: "To come",
    NOT_RECORDED: "Attendance not recorded",
    NOT_SCHEDULED: "No date set",
}


@dataclass(frozen=True)
class WorkshopDay:
    theme: WorkshopTheme
    workshop: Workshop | None
    state: str

    @property
    def label(self) -> str:
        return LABELS[self.state]


def workshop_days(enrolment: Enrolment, on: date) -> list[WorkshopDay]:
    """The three days for an NQSW's cohort (none for a trainee: the workshops are the
    ASYE's). Three queries."""
    if enrolment.kind != Enrolment.Kind.ASYE:
        return []
    workshops = {w.theme_id: w for w in Workshop.objects.filter(cohort_id=enrolment.cohort_id)}
    attended = dict(
        enrolment.workshop_attendances.filter(workshop__in=list(workshops.values())).values_list(
            "workshop_id", "attended"
        )
    )
    days = []
    for theme in WorkshopTheme.objects.all():
        workshop = workshops.get(theme.pk)
        if workshop is None:
            state = NOT_SCHEDULED
        elif workshop.pk in attended:
            state = ATTENDED if attended[workshop.pk] else ABSENT
        elif workshop.held_on > on:
            state = TO_COME
        else:
            state = NOT_RECORDED
        days.append(WorkshopDay(theme, workshop, state))
    return days


def credits_of(enrolment: Enrolment) -> WorkshopCredits | None:
    return WorkshopCredits.objects.filter(enrolment=enrolment).first()


def credits_label(credits: WorkshopCredits | None) -> str:
    return credits.get_state_display() if credits else CreditsState.NOT_TAKEN.label


def fixed_because(workshop: Workshop, recorded: int, today: date) -> str:
    """Why a workshop's date can no longer change, or "" while it can (WORKSHOPS). `recorded`
    is how many NQSWs have attendance recorded for it. A day may move up to and including
    the day itself (a day called off that morning), never once attendance is recorded:
    attendance belongs to the day the NQSWs were, or were not, there."""
    if recorded:
        return (
            f"{RULE}: attendance is already recorded for {recorded} NQSW(s) on "
            f"{workshop.held_on:%d/%m/%Y}, so the day keeps its date: moving it would record "
            "those NQSWs as present or absent on a day they never had."
        )
    if workshop.held_on < today:
        return (
            f"{RULE}: this workshop was held on {workshop.held_on:%d/%m/%Y}; a day already held "
            "keeps its date. Record its attendance on the NQSWs' learning records."
        )
    return ""
