"""A published MASH rota for the demo academy (seed_demo step, after cohorts.demo.build).

Every demo academy team with current NQSWs gets the planner's rota for the first twelve
weeks from January of the academy year around `today`, published by its PM, through the
same services as the pages (MASH-ROTA). Then, through the services too: learning
opportunities offered and done for the September NQSWs (LEARNING-OPPS), the cohort's three
workshop days with attendance (WORKSHOPS), study days asked for and agreed (STUDY-DAYS) and
training time (PROTECTED-TIME) for nqsw.demo, and a trainee's study leave. A second run
finds them there and writes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.models import PracticeGroup
from cohorts.demo import EMAIL_DOMAIN, AcademyCalendar
from cohorts.models import Enrolment, academic_year
from learning import pathway_demo, services
from learning.models import (
    LearningOpportunity,
    LearningTimeKind,
    MashRota,
    OpportunityRecord,
    Workshop,
    WorkshopTheme,
)

WEEKS = 12


def demo_groups():
    with_nqsws = Enrolment.objects.current().filter(
        kind=Enrolment.Kind.ASYE, person__email__endswith=f"@{EMAIL_DOMAIN}"
    )
    return (
        PracticeGroup.objects.filter(pk__in=with_nqsws.values("practice_group_id"))
        .select_related("practice_manager")
        .order_by("name")
    )


@transaction.atomic
def build(today: date | None = None, people=None) -> dict:
    calendar = AcademyCalendar.around(today or timezone.localdate())
    january = calendar.january_start
    starts_on = january - timedelta(days=january.weekday())
    added = 0
    for group in demo_groups():
        if group.practice_manager is None:
            continue
        if MashRota.objects.filter(practice_group=group, starts_on=starts_on).exists():
            continue
        rota = services.propose_rota(
            practice_group=group, starts_on=starts_on, weeks=WEEKS, by=group.practice_manager
        )
        services.publish_rota(rota=rota, by=group.practice_manager)
        added += 1
    if people is not None:
        # The training pathway and a concern (learning/pathway_demo.py).
        pathway_demo.build(today=today or timezone.localdate(), people=people)
    return {"rotas": added, **build_learning(today or timezone.localdate(), people)}


# --- Learning opportunities, study days, workshops, protected time (seed_demo) -----------

# (opportunity, offered so many weeks into the ASYE, done so many weeks in or None).
OFFERS = [
    ("Child and Family Assessments", 1, 4),
    ("Child and Family Plans / Child Protection Plans", 2, 8),
    ("Section 47 Enquiries", 6, 10),
    ("Signs of Safety", 1, 3),
    ("Chairing Meetings", 8, None),
    ("Comprehensive Assessments", 10, None),
    ("Spend time at MASH", 12, None),  # done from the published rota's days
]
WORKSHOP_WEEKS = {1: 6, 2: 22, 3: 36}  # weeks after the September start, on a Wednesday


def _weeks_in(start: date, weeks: int) -> date:
    """A weekday `weeks` weeks after `start`."""
    day = start + timedelta(weeks=weeks)
    return day - timedelta(days=max(day.weekday() - 4, 0))


def _september_nqsws(calendar):
    return list(
        Enrolment.objects.current()
        .filter(
            kind=Enrolment.Kind.ASYE,
            asye_start=calendar.september_start,
            person__email__endswith=f"@{EMAIL_DOMAIN}",
        )
        .select_related("person", "practice_group__practice_manager", "cohort")
        .prefetch_related("extensions")
        .order_by("person__staff_id")
    )


def _opportunities(enrolment, today, full: bool) -> int:
    pm = enrolment.practice_group.practice_manager
    if pm is None or OpportunityRecord.objects.filter(enrolment=enrolment).exists():
        return 0
    added = 0
    for name, offered_weeks, done_weeks in OFFERS if full else OFFERS[:3]:
        offered_on = _weeks_in(enrolment.asye_start, offered_weeks)
        if offered_on > today:
            continue
        opportunity = LearningOpportunity.objects.get(name=name)
        services.offer_opportunity(
            enrolment=enrolment, opportunity=opportunity, on=offered_on, by=pm
        )
        added += 1
        if done_weeks is None or _weeks_in(enrolment.asye_start, done_weeks) > today:
            continue
        done_on = _weeks_in(enrolment.asye_start, done_weeks)
        observation = enrolment.observations.filter(observed_on__lte=done_on).first()
        allocation = (
            enrolment.person.allocations.filter(start_date__lte=done_on)
            .select_related("case")
            .first()
        )
        if name == "Section 47 Enquiries" and allocation is not None:
            evidence = {"evidence": "allocation", "case_reference": allocation.case.reference}
        elif name == "Child and Family Assessments" and observation is not None:
            evidence = {"evidence": "observation", "observation": observation}
        else:
            evidence = {"evidence": "note", "note": f"{name}: done with the team's support."}
        services.record_opportunity_done(
            enrolment=enrolment,
            opportunity=opportunity,
            on=max(done_on, offered_on),
            by=enrolment.person,
            **evidence,
        )
    return added


def _workshops(calendar, nqsws, today) -> int:
    if not nqsws:
        return 0
    cohort = nqsws[0].cohort
    added = 0
    for theme in WorkshopTheme.objects.all():
        held_on = _weeks_in(calendar.september_start, WORKSHOP_WEEKS.get(theme.number, 30))
        held_on -= timedelta(days=held_on.weekday() - 2)  # a Wednesday
        workshop, created = Workshop.objects.get_or_create(
            cohort=cohort,
            theme=theme,
            defaults={"held_on": held_on, "place": "University of Chichester, Bishop Otter"},
        )
        added += created
        if workshop.held_on > today or workshop.attendances.exists():
            continue
        for n, enrolment in enumerate(nqsws):
            by = enrolment.practice_group.practice_manager
            if by is None or enrolment.absence_on(workshop.held_on):
                continue
            # One NQSW missed the first day (shown as absent).
            services.record_workshop_attendance(
                enrolment=enrolment, workshop=workshop, attended=n != 1, by=by
            )
    return added


def _study_and_time(nqsw, trainee, today) -> int:
    if nqsw is None or nqsw.study_requests.exists():
        return 0
    pm = nqsw.practice_group.practice_manager
    agreed = services.request_study_days(
        enrolment=nqsw,
        first_day=_weeks_in(nqsw.asye_start, 9),
        days=Decimal(1),
        reason="Reading for the 6-month critical reflection",
        by=nqsw.person,
    )
    services.decide_study_days(request=agreed, agree=True, note="Agreed.", by=pm)
    services.request_study_days(
        enrolment=nqsw,
        first_day=today + timedelta(days=14 - today.weekday()),
        days=Decimal("0.5"),
        reason="Research on neglect for a court statement",
        by=nqsw.person,
    )
    for weeks, what, hours in [
        (2, "Child protection: the pathway's core course", None),
        (5, "Lite Bite: writing for court", Decimal(2)),
        (11, "Signs of Safety two-day course (day 1)", None),
    ]:
        on = _weeks_in(nqsw.asye_start, weeks)
        if on <= today:
            services.record_learning_time(
                enrolment=nqsw,
                kind=LearningTimeKind.objects.get(code="training"),
                on=on,
                hours=hours,
                what=what,
                by=nqsw.person,
            )
    if trainee is not None and trainee.practice_group.practice_manager is not None:
        services.record_study_allowance(
            enrolment=trainee,
            academic_year=academic_year(today),
            # OU: ½ day x 2 modules x 2 weeks = 2 days; Chichester: 2 weeks + 3 days.
            modules=2,
            study_weeks=2,
            by=trainee.practice_group.practice_manager,
        )
        services.request_study_days(
            enrolment=trainee,
            first_day=today + timedelta(days=7 - today.weekday()),
            days=Decimal(2),
            reason="Dissertation writing",
            by=trainee.person,
        )
    return 1


@transaction.atomic
def build_learning(today: date, people) -> dict:
    calendar = AcademyCalendar.around(today)
    nqsws = _september_nqsws(calendar)
    nqsw = next((e for e in nqsws if people and e.person_id == people["nqsw"].pk), None)
    offered = sum(
        _opportunities(e, today, full=e is nqsw or n % 2 == 0) for n, e in enumerate(nqsws)
    )
    trainee = (
        Enrolment.objects.filter(person=people["trainee"]).select_related("practice_group").first()
        if people and "trainee" in people
        else None
    )
    return {
        "opportunities": offered,
        "workshops": _workshops(calendar, nqsws, today),
        "study": _study_and_time(nqsw, trainee, today),
    }
