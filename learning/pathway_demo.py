"""The training pathway and a concern for the demo academy (called from learning.demo).

The September cohort gets six pathway courses and Lite Bites sessions from its start, with
pm.demo's team booked on each. Attendance is recorded for the sessions already held. Jack
Harrington (D0032) has cancelled three: two authorised by both his PM and GM, the third
authorised by his PM only, so still unauthorised and waiting on gm.demo (their home and
badge show it), and he is on Professional Practice's list (TRAINING-MANDATORY). Ruth Osei
(D0034) had a concern raised by her assessor, reviewed with added support and resolved;
nobody is on the PiP (CAPABILITY). A second run finds the
courses there and writes nothing.
"""

from datetime import date, timedelta

from django.db import transaction

from cohorts.demo import DEMO_GROUP, AcademyCalendar
from cohorts.models import Cohort, Enrolment
from learning import pathway_services as services
from learning.models import AbsenceDecision, Attendance, PathwayCourse

CANCELLING = "D0032"
CONCERN = "D0034"
# (days after the September start, kind, title)
COURSES = [
    (14, "course", "Child and family assessment"),
    (28, "lite_bites", "Lite Bites: writing chronologies"),
    (42, "course", "Signs of Safety"),
    (63, "course", "Section 47 enquiries"),
    (84, "lite_bites", "Lite Bites: preparing for court"),
    (112, "course", "Chairing meetings"),
]
PM, GM = AbsenceDecision.AsRole.PRACTICE_MANAGER, AbsenceDecision.AsRole.GROUP_MANAGER


@transaction.atomic
def build(*, today: date, people) -> dict:
    calendar = AcademyCalendar.around(today)
    cohort = Cohort.objects.filter(
        intake=Cohort.Intake.SEPTEMBER, start_date=date(calendar.september_start.year, 9, 1)
    ).first()
    if cohort is None or PathwayCourse.objects.filter(cohort=cohort).exists():
        return {"courses": 0}
    ld = people["ld_officer"]
    team = list(
        Enrolment.objects.current()
        .filter(cohort=cohort, kind=Enrolment.Kind.ASYE, practice_group__name=DEMO_GROUP)
        .select_related("person", "practice_group__practice_manager")
        .prefetch_related("extensions")
        .order_by("person__staff_id")
    )
    courses = []
    for days, kind, title in COURSES:
        courses.append(
            services.publish_course(
                kind=kind,
                title=title,
                held_on=calendar.september_start + timedelta(days=days),
                places=12,
                cohort=cohort,
                by=ld,
            )
        )
    cancelled = 0
    for course in courses:
        for enrolment in team:
            if enrolment.absence_on(course.held_on):
                continue  # on recorded leave (maternity): not booked
            place = services.book_place(course=course, enrolment=enrolment, by=ld)
            if enrolment.person.staff_id == CANCELLING and cancelled < 3:
                place = services.record_attendance(
                    attendance=place, status=Attendance.Status.CANCELLED, by=ld
                )
                cancelled += 1
                _decide(place, enrolment, people, gm_too=cancelled < 3)
            elif course.held_on < today:
                services.record_attendance(
                    attendance=place, status=Attendance.Status.ATTENDED, by=ld
                )
    _resolved_concern(today, people)
    return {"courses": len(courses)}


def _decide(place, enrolment, people, *, gm_too):
    services.decide_absence(
        attendance=place,
        as_role=PM,
        authorised=True,
        note="Court hearing",
        by=enrolment.practice_group.practice_manager,
    )
    if gm_too:
        services.decide_absence(
            attendance=place, as_role=GM, authorised=True, note="Court hearing", by=people["gm"]
        )


def _resolved_concern(today, people):
    enrolment = (
        Enrolment.objects.current()
        .filter(person__staff_id=CONCERN)
        .select_related("assessor", "practice_group")
        .first()
    )
    if enrolment is None or enrolment.assessor is None or enrolment.asye_start >= today:
        return
    raised_on = max(enrolment.asye_start, today - timedelta(days=42))
    concern = services.raise_concern(
        enrolment=enrolment,
        what="Assessments describe the family but do not analyse risk.",
        evidence="Direct observation 1; two child and family assessments returned by the PM.",
        raised_on=raised_on,
        by=enrolment.assessor,
        today=today,
    )
    services.review_concern(
        concern=concern,
        support="Fortnightly assessor sessions on analysis; shadowing with the Practice "
        "Improvement Team.",
        by=people["deputy_chair"],
    )
    services.resolve_concern(
        concern=concern,
        resolved_on=max(raised_on, today - timedelta(days=7)),
        by=people["deputy_chair"],
        today=today,
    )
