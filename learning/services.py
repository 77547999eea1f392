"""Writes of the learning record and its timetables: the MASH rota (MASH-ROTA), learning
opportunities, study days, the workshops' days and attendance, protected time. Keyword-only,
atomic, with the acting person."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from academy.models import Person, PracticeGroup
from caseloads.models import Allocation
from cohorts.models import Cohort, Enrolment
from learning import studydays, workshops
from learning.models import (
    CreditsState,
    EvidenceKind,
    LearningOpportunity,
    LearningTime,
    LearningTimeKind,
    MashDay,
    MashRota,
    MashSlotSetting,
    OpportunityRecord,
    StudyAllowance,
    StudyDayRequest,
    Workshop,
    WorkshopAttendance,
    WorkshopCredits,
    WorkshopTheme,
)
from learning.periods import proposal
from learning.rota import is_available


def propose_rota(
    *, practice_group: PracticeGroup, starts_on: date, weeks: int, by: Person
) -> MashRota:
    """A draft rota for the team holding the planner's proposal."""
    if weeks < 1:
        raise ValidationError({"weeks": "A rota is at least one week long."})
    if starts_on.weekday() != 0:
        raise ValidationError(
            {"starts_on": "MASH-ROTA: a rota runs in whole Monday-to-Friday weeks from a Monday."}
        )
    with transaction.atomic():
        ends_before = starts_on + timedelta(weeks=weeks)
        for other in MashRota.objects.select_for_update().filter(
            practice_group=practice_group, starts_on__lt=ends_before
        ):
            if other.ends_before > starts_on:
                raise ValidationError(
                    {
                        "starts_on": (
                            f"MASH-ROTA: {practice_group} already has a rota from "
                            f"{other.starts_on:%d/%m/%Y} to {other.last_day:%d/%m/%Y}; "
                            "change that one or choose another period."
                        )
                    }
                )
        rota = MashRota.objects.create(
            practice_group=practice_group, starts_on=starts_on, weeks=weeks, created_by=by
        )
        # With history rows, as a change of a day has (simple-history).
        bulk_create_with_history(
            [
                MashDay(rota=rota, date=slot.day, enrolment=slot.enrolment)
                for slot in proposal([practice_group], starts_on, weeks)
            ],
            MashDay,
        )
    return rota


def move_day(*, day: MashDay, to: date, by: Person) -> MashDay:
    """Move one NQSW's MASH day to another day of the rota, within the same rules as the
    proposal: a weekday in the period and the season, the NQSW available, once that week,
    the team's capacity not exceeded."""
    with transaction.atomic():
        rota = MashRota.objects.select_for_update().get(pk=day.rota_id)
        enrolment = day.enrolment
        name = enrolment.person.full_name
        if not rota.covers(to):
            raise ValidationError(
                {
                    "date": f"The rota runs from {rota.starts_on:%d/%m/%Y} to "
                    f"{rota.last_day:%d/%m/%Y}."
                }
            )
        if not is_available(enrolment, to):
            raise ValidationError(
                {
                    "date": f"MASH-ROTA: {name} cannot be at the MASH on {to:%A %d/%m/%Y} "
                    "(a weekend, before January's first working day, outside the ASYE or on "
                    "recorded leave)."
                }
            )
        monday = to - timedelta(days=to.weekday())
        same_week = rota.days.filter(
            enrolment=enrolment, date__gte=monday, date__lt=monday + timedelta(days=7)
        ).exclude(pk=day.pk)
        if same_week.exists():
            raise ValidationError(
                {"date": f"MASH-ROTA: {name} already has a MASH day in that week."}
            )
        capacity = MashSlotSetting.capacity_on(rota.starts_on)
        taken = rota.days.filter(date=to).exclude(pk=day.pk).count()
        if taken >= capacity:
            raise ValidationError(
                {
                    "date": f"MASH-ROTA: {to:%d/%m/%Y} already has {taken} of the team's "
                    f"{capacity} MASH place(s)."
                }
            )
        day.date = to
        day._change_reason = f"Moved by {by.full_name}"
        day.save(update_fields=["date"])
    return day


def publish_rota(*, rota: MashRota, by: Person) -> MashRota:
    with transaction.atomic():
        rota = MashRota.objects.select_for_update().get(pk=rota.pk)
        rota.published_at = timezone.now()
        rota.published_by = by
        rota.save(update_fields=["published_at", "published_by"])
    return rota


# --- LEARNING-OPPS ---------------------------------------------------------------------


def offer_opportunity(
    *, enrolment: Enrolment, opportunity: LearningOpportunity, on: date, by: Person
) -> OpportunityRecord:
    """The PM offers an NQSW an opportunity (LEARNING-OPPS)."""
    if enrolment.kind != Enrolment.Kind.ASYE:
        raise ValidationError("LEARNING-OPPS: learning opportunities are for NQSWs in the ASYE.")
    with transaction.atomic():
        record, created = OpportunityRecord.objects.select_for_update().get_or_create(
            enrolment=enrolment,
            opportunity=opportunity,
            defaults={"offered_on": on, "offered_by": by},
        )
        if not created:
            raise ValidationError(
                f"LEARNING-OPPS: {opportunity} was already offered on {record.offered_on:%d/%m/%Y}."
            )
    return record


def record_opportunity_done(
    *,
    enrolment: Enrolment,
    opportunity: LearningOpportunity,
    on: date,
    evidence: str,
    case_reference: str = "",
    observation=None,
    reflection_log=None,
    note: str = "",
    by: Person,
) -> OpportunityRecord:
    """The NQSW or the PM records an opportunity done, with its date and evidence
    (LEARNING-OPPS). Done without an earlier offer counts as offered that day."""
    allocation = None
    if evidence == EvidenceKind.ALLOCATION:
        allocation = (
            Allocation.objects.filter(
                worker=enrolment.person, case__reference=case_reference.strip()
            )
            .exclude(status=Allocation.Status.DECLINED)
            .order_by("-start_date")
            .first()
        )
        if allocation is None:
            raise ValidationError(
                {
                    "case_reference": f"LEARNING-OPPS: {enrolment.person.full_name} has no "
                    f"allocation of case {case_reference or '(none given)'}."
                }
            )
    if evidence == EvidenceKind.OBSERVATION and (
        observation is None or observation.enrolment_id != enrolment.pk
    ):
        raise ValidationError({"observation": "Choose one of this NQSW's direct observations."})
    if evidence == EvidenceKind.LOG and (
        reflection_log is None or reflection_log.enrolment_id != enrolment.pk
    ):
        raise ValidationError({"reflection_log": "Choose one of this NQSW's reflection logs."})
    if evidence == EvidenceKind.NOTE and not note.strip():
        raise ValidationError({"note": "Say what was done."})
    with transaction.atomic():
        record, _ = OpportunityRecord.objects.select_for_update().get_or_create(
            enrolment=enrolment,
            opportunity=opportunity,
            defaults={"offered_on": on, "offered_by": by},
        )
        if on < record.offered_on:
            raise ValidationError(
                {
                    "done_on": f"LEARNING-OPPS: it was offered on {record.offered_on:%d/%m/%Y}; "
                    "it cannot be done before."
                }
            )
        record.done_on = on
        record.done_recorded_by = by
        record.evidence = evidence
        record.allocation = allocation
        record.observation = observation if evidence == EvidenceKind.OBSERVATION else None
        record.reflection_log = reflection_log if evidence == EvidenceKind.LOG else None
        record.note = note.strip()
        record.full_clean()
        record.save()
    return record


# --- STUDY-DAYS ------------------------------------------------------------------------


def _lock(enrolment: Enrolment) -> Enrolment:
    """Serialise the writes that must fit in one entitlement (PostgreSQL row lock)."""
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def request_study_days(
    *, enrolment: Enrolment, first_day: date, days: Decimal, reason: str, by: Person
) -> StudyDayRequest:
    """The NQSW (or trainee) asks for study days; refused with the numbers when it does not
    fit in the entitlement left (STUDY-DAYS)."""
    if days <= 0 or (days * 2) % 1:
        raise ValidationError({"days": "STUDY-DAYS: ask for whole or half days."})
    with transaction.atomic():
        _lock(enrolment)
        why = studydays.balance(enrolment, first_day).refusal(days)
        if why:
            raise ValidationError({"days": why})
        return StudyDayRequest.objects.create(
            enrolment=enrolment,
            first_day=first_day,
            half_days=int(days * 2),
            reason=reason,
            requested_by=by,
        )


def decide_study_days(
    *, request: StudyDayRequest, agree: bool, note: str = "", by: Person
) -> StudyDayRequest:
    """The PM agrees or refuses (STUDY-DAYS). Agreeing checks the entitlement again."""
    with transaction.atomic():
        _lock(request.enrolment)
        request = StudyDayRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != StudyDayRequest.Status.REQUESTED:
            raise ValidationError(
                f"STUDY-DAYS: this request is already {request.get_status_display().lower()}."
            )
        if agree:
            current = studydays.balance(request.enrolment, request.first_day, exclude=request)
            why = current.refusal(request.days)
            if why:
                raise ValidationError(why)
        request.status = StudyDayRequest.Status.AGREED if agree else StudyDayRequest.Status.REFUSED
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save()
    return request


def record_study_allowance(
    *, enrolment: Enrolment, academic_year: int, modules: int, study_weeks: int, by: Person
) -> StudyAllowance:
    """The PM records a trainee's university figures for a year (STUDY-DAYS)."""
    if enrolment.kind != Enrolment.Kind.TRAINEE:
        raise ValidationError("STUDY-DAYS: an NQSW's 3 study days need no university figures.")
    with transaction.atomic():
        allowance, _ = StudyAllowance.objects.update_or_create(
            enrolment=enrolment,
            academic_year=academic_year,
            defaults={"modules": modules, "study_weeks": study_weeks, "recorded_by": by},
        )
    return allowance


# --- WORKSHOPS -------------------------------------------------------------------------

# simple-history keeps at most 100 characters of a reason (PostgreSQL refuses more).
HISTORY_REASON_LENGTH = 100


def history_reason(text: str) -> str:
    return text if len(text) <= HISTORY_REASON_LENGTH else text[: HISTORY_REASON_LENGTH - 1] + "…"


def _workshop_day_to_come(held_on: date, today: date) -> None:
    if held_on < today:
        raise ValidationError(
            {"held_on": "WORKSHOPS: a workshop is scheduled for a day to come, not the past."}
        )


def schedule_workshop(
    *,
    theme: WorkshopTheme,
    cohort: Cohort,
    held_on: date,
    place: str,
    by: Person,
    today: date | None = None,
) -> Workshop:
    """The L&D officer sets the day of one of the three resilience workshops for a cohort
    (WORKSHOPS): once per cohort and theme, on a weekday of the cohort's ASYE year."""
    today = today or timezone.localdate()
    _workshop_day_to_come(held_on, today)
    with transaction.atomic():
        if Workshop.objects.filter(cohort=cohort, theme=theme).exists():
            raise ValidationError(
                {"theme": f"WORKSHOPS: {theme} already has a date for {cohort}: change that one."}
            )
        workshop = Workshop(theme=theme, cohort=cohort, held_on=held_on, place=place.strip())
        workshop.full_clean()
        workshop._change_reason = history_reason(f"Scheduled by {by.full_name}")
        try:
            with transaction.atomic():
                workshop.save()
        except IntegrityError as e:  # scheduled at the same moment by someone else
            raise ValidationError(
                {"theme": f"WORKSHOPS: {theme} already has a date for {cohort}."}
            ) from e
    return workshop


def reschedule_workshop(
    *,
    workshop: Workshop,
    held_on: date,
    place: str,
    reason: str,
    by: Person,
    today: date | None = None,
) -> Workshop:
    """Move a workshop to another day (or venue) before it is held, with a reason kept in
    its history (WORKSHOPS). Refused once the day has passed or any attendance is
    recorded: attendance is recorded against the day the NQSWs were (or were not) there,
    and moving the day would leave it pointing at a day they never had."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "WORKSHOPS: say why the workshop moves."})
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        why = workshops.fixed_because(workshop, workshop.attendances.count(), today)
        if why:
            raise ValidationError(why)
        _workshop_day_to_come(held_on, today)
        place = place.strip()
        if held_on == workshop.held_on and place == workshop.place:
            raise ValidationError("WORKSHOPS: that is the date and venue it already has.")
        before = workshop.held_on
        workshop.held_on = held_on
        workshop.place = place
        workshop.full_clean()
        moved = f"from {before:%d/%m/%Y} " if held_on != before else "venue "
        workshop._change_reason = history_reason(f"Moved {moved}by {by.full_name}: {reason}")
        workshop.save()
    return workshop


def record_workshop_attendance(
    *, enrolment: Enrolment, workshop: Workshop, attended: bool, by: Person
) -> WorkshopAttendance:
    """Attended or absent, for an NQSW of the workshop's cohort, once the day has come."""
    if enrolment.kind != Enrolment.Kind.ASYE or enrolment.cohort_id != workshop.cohort_id:
        raise ValidationError("WORKSHOPS: the workshop is for the NQSWs of its cohort.")
    with transaction.atomic():
        # Locked, so the day cannot move while its first attendance is being recorded.
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if workshop.held_on > timezone.localdate():
            raise ValidationError(
                "WORKSHOPS: attendance is recorded on or after the day "
                f"({workshop.held_on:%d/%m/%Y})."
            )
        attendance, _ = WorkshopAttendance.objects.update_or_create(
            workshop=workshop,
            enrolment=enrolment,
            defaults={"attended": attended, "recorded_by": by},
        )
    return attendance


def record_workshop_credits(
    *, enrolment: Enrolment, state: str, on: date, by: Person
) -> WorkshopCredits:
    """The optional credits: not taken, assignment submitted (on `on`), credits awarded
    (on `on`, after the submission)."""
    if enrolment.kind != Enrolment.Kind.ASYE:
        raise ValidationError("WORKSHOPS: the credits are for NQSWs in the ASYE.")
    with transaction.atomic():
        credits = WorkshopCredits.objects.select_for_update().filter(
            enrolment=enrolment
        ).first() or WorkshopCredits(enrolment=enrolment)
        if state == CreditsState.NOT_TAKEN:
            credits.submitted_on = credits.awarded_on = None
        elif state == CreditsState.SUBMITTED:
            credits.submitted_on, credits.awarded_on = on, None
        elif state == CreditsState.AWARDED:
            if credits.submitted_on is None:
                raise ValidationError(
                    {"state": "WORKSHOPS: credits are awarded once the assignment is submitted."}
                )
            if on < credits.submitted_on:
                raise ValidationError(
                    {
                        "on": "WORKSHOPS: credits are awarded on or after the submission "
                        f"({credits.submitted_on:%d/%m/%Y})."
                    }
                )
            credits.awarded_on = on
        else:
            raise ValidationError({"state": "Unknown state of the credits."})
        credits.state = state
        credits.recorded_by = by
        credits.full_clean()
        credits.save()
    return credits


# --- PROTECTED-TIME --------------------------------------------------------------------


def record_learning_time(
    *,
    enrolment: Enrolment,
    kind: LearningTimeKind,
    on: date,
    hours: Decimal | None,
    what: str,
    by: Person,
) -> LearningTime:
    """Time on learning and development within the ASYE, at the kind's default length
    unless given (PROTECTED-TIME)."""
    if enrolment.kind != Enrolment.Kind.ASYE or enrolment.asye_start is None:
        raise ValidationError("PROTECTED-TIME: the 10% protected time is the ASYE's.")
    if on < enrolment.asye_start:
        raise ValidationError(
            {"on": f"PROTECTED-TIME: the ASYE starts on {enrolment.asye_start:%d/%m/%Y}."}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "PROTECTED-TIME: record time once it is spent."})
    with transaction.atomic():
        entry = LearningTime(
            enrolment=enrolment,
            kind=kind,
            on=on,
            hours=hours or kind.default_hours,
            what=what,
            recorded_by=by,
        )
        entry.full_clean()
        entry.save()
    return entry
