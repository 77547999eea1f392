"""Writes and shared reads for the training pathway (TRAINING-MANDATORY), concerns and the
PiP (CAPABILITY) and move-on (MOVE-ON). Keyword-only, atomic, with the acting person."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from academy.findings import BREACH, WARNING, Finding
from academy.models import Person, PracticeGroup
from cohorts import services as cohort_services
from cohorts.models import Cohort, Enrolment, Extension
from cohorts.months import add_months
from learning.models import (
    AbsenceDecision,
    Attendance,
    CancellationPolicy,
    Concern,
    MoveOn,
    PathwayCourse,
)
from learning.pathway_access import decides_absence_as, manages_enrolment_as_gm, move_on_enrolments
from learning.services import history_reason

# --- The training pathway (TRAINING-MANDATORY) -----------------------------------------------


@transaction.atomic
def publish_course(
    *, kind: str, title: str, held_on: date, places: int, cohort: Cohort, by: Person
) -> PathwayCourse:
    course = PathwayCourse(
        kind=kind, title=title, held_on=held_on, places=places, cohort=cohort, published_by=by
    )
    course.full_clean()
    course.save()
    return course


def eligible_enrolments(course: PathwayCourse):
    """Who may have a place: the cohort's current enrolments and, for a September cohort,
    the OU trainees whose ASYE starts within its academic year (the guidance: OU trainees
    "join the September cohort on the training courses and Lite Bites prior to
    qualifying")."""
    cohort = course.cohort
    q = Q(cohort=cohort)
    if cohort.intake == Cohort.Intake.SEPTEMBER:
        q |= Q(
            kind=Enrolment.Kind.TRAINEE,
            programme=Enrolment.Programme.OU_BA,
            asye_start__gt=cohort.start_date,
            asye_start__lt=date(cohort.start_date.year + 1, 9, 1),
        )
    return Enrolment.objects.current().filter(q)


def book_place(*, course: PathwayCourse, enrolment: Enrolment, by: Person) -> Attendance:
    with transaction.atomic():
        course = PathwayCourse.objects.select_for_update().get(pk=course.pk)
        if not eligible_enrolments(course).filter(pk=enrolment.pk).exists():
            raise ValidationError(
                f"{enrolment.person.full_name} is not in {course.cohort} (nor an OU trainee "
                "joining its courses)."
            )
        taken = course.attendances.count()
        if taken >= course.places:
            raise ValidationError(f"All {course.places} places on {course.title} are taken.")
        try:
            with transaction.atomic():
                return Attendance.objects.create(course=course, enrolment=enrolment, recorded_by=by)
        except IntegrityError as e:
            raise ValidationError(
                f"{enrolment.person.full_name} already has a place on this course."
            ) from e


@transaction.atomic
def record_attendance(*, attendance: Attendance, status: str, by: Person) -> Attendance:
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if attendance.decisions.exists() and status != attendance.status:
        raise ValidationError(
            "TRAINING-MANDATORY: the managers have already decided on this absence; it stays "
            "as recorded."
        )
    attendance.status = status
    attendance.recorded_by = by
    attendance._change_reason = f"Recorded by {by.full_name}"
    attendance.full_clean()
    attendance.save()
    return attendance


def decide_absence(
    *, attendance: Attendance, as_role: str, authorised: bool, note: str = "", by: Person
) -> AbsenceDecision:
    """TRAINING-MANDATORY: the PM's or the GM's decision on one absence, recorded once."""
    if not attendance.is_absence:
        raise ValidationError("Only a cancellation or a non-attendance is authorised.")
    if as_role not in decides_absence_as(by.user, attendance):
        raise ValidationError(
            "TRAINING-MANDATORY: only the NQSW's practice manager and group manager decide "
            "on an absence from pathway training."
        )
    decision = AbsenceDecision(
        attendance=attendance, as_role=as_role, authorised=authorised, note=note, decided_by=by
    )
    decision.full_clean()
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as e:
        raise ValidationError("TRAINING-MANDATORY: this manager has already decided.") from e
    return decision


# Where a final panel's submissions are read: through the enrolment, by the panel's kind,
# as this app may not import moderation (moderation -> assessment -> learning).
FINAL_PANEL = "final"


def decisions_frozen_because(enrolment: Enrolment, final_submitted: bool) -> str:
    """Why the absence decisions of this NQSW can no longer change, or "" while they can
    (TRAINING-MANDATORY). Frozen once the ASYE is over: the enrolment finished (passed,
    failed, withdrawn) or the portfolio submitted to its final moderation panel, which
    reads the record as it was. A 6-month panel does not freeze them: the ASYE goes on."""
    if enrolment.status not in Enrolment.CURRENT_STATUSES:
        return (
            "TRAINING-MANDATORY: the ASYE of "
            f"{enrolment.person.full_name} is over ({enrolment.get_status_display().lower()}); "
            "its absence decisions stay as they were."
        )
    if final_submitted:
        return (
            f"TRAINING-MANDATORY: {enrolment.person.full_name}'s portfolio is submitted to the "
            "final moderation panel; its absence decisions stay as the panel reads them."
        )
    return ""


def final_submitted(enrolment: Enrolment) -> bool:
    return bool(final_submitted_among([enrolment.pk]))


def final_submitted_among(enrolment_ids) -> set[int]:
    """Which of these enrolments have their portfolio submitted to a final panel (one
    query, for a list of places)."""
    return set(
        Enrolment.objects.filter(
            pk__in=enrolment_ids,
            moderation_submissions__panel__kind=FINAL_PANEL,
            moderation_submissions__submitted_at__isnull=False,
        ).values_list("pk", flat=True)
    )


def change_absence_decision(
    *, decision: AbsenceDecision, authorised: bool, note: str = "", reason: str, by: Person
) -> AbsenceDecision:
    """TRAINING-MANDATORY: the manager in the decision's role (the PM, or a GM, of the
    NQSW's team: the one who decided or whoever holds the role now) changes it, with a
    reason kept on the decision and in its history. The verdict in force is the changed
    one, so the authorisation and the flags, which are read from it, follow."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "TRAINING-MANDATORY: say why the decision changes."})
    with transaction.atomic():
        decision = (
            AbsenceDecision.objects.select_for_update()
            .select_related(
                "attendance__enrolment__person",
                "attendance__enrolment__practice_group",
            )
            .get(pk=decision.pk)
        )
        attendance = decision.attendance
        if decision.as_role not in decides_absence_as(by.user, attendance):
            raise ValidationError(
                f"TRAINING-MANDATORY: only the NQSW's {decision.get_as_role_display().lower()} "
                "changes this decision."
            )
        enrolment = attendance.enrolment
        why = decisions_frozen_because(enrolment, final_submitted(enrolment))
        if why:
            raise ValidationError(why)
        note = "" if authorised else note.strip()
        if authorised == decision.authorised and note == decision.note:
            raise ValidationError("TRAINING-MANDATORY: that is the decision already recorded.")
        decision.authorised = authorised
        decision.note = note
        decision.decided_by = by
        decision.changed_at = timezone.now()
        decision.change_reason = reason
        decision.full_clean()
        verdict = "authorised" if authorised else "refused"
        why = f"Changed to {verdict} by {by.full_name}: {reason}"
        decision._change_reason = history_reason(why)
        decision.save()
    return decision


def cancellation_counts(enrolments, today: date | None = None):
    """Enrolments annotated with `cancellations` (pathway cancellations) that reach the
    policy's threshold (3 by default): the Professional Practice list."""
    flag_at = CancellationPolicy.flag_at_on(today or timezone.localdate())
    # The few enrolments with that many cancellations are found from the cancellations
    # first: counting every current NQSW's places made the list grow with the academy
    # (issue 17).
    reaching = (
        Attendance.objects.filter(status=Attendance.Status.CANCELLED)
        .values("enrolment")
        .annotate(n=Count("pk"))
        .filter(n__gte=flag_at)
        .values("enrolment")
    )
    return (
        enrolments.filter(pk__in=reaching)
        .annotate(
            cancellations=Count(
                "pathway_attendances",
                filter=Q(pathway_attendances__status=Attendance.Status.CANCELLED),
            )
        )
        .filter(cancellations__gte=flag_at)
        .select_related("person", "practice_group")
        .order_by("-cancellations", "person__full_name")
    )


def attendance_findings(attendance: Attendance, flag_at: int, cancellations: int) -> list:
    """The flags on one place: an unauthorised absence, and the repeated cancellations."""
    findings = []
    name = attendance.enrolment.person.full_name
    if attendance.is_unauthorised_absence:
        verdict = attendance.authorisation
        findings.append(
            Finding(
                "TRAINING-MANDATORY",
                BREACH if verdict == "refused" else WARNING,
                f"TRAINING-MANDATORY: {name}'s {attendance.get_status_display().lower()} is "
                + (
                    "not authorised (refused)."
                    if verdict == "refused"
                    else "not authorised yet: both the PM and the GM must authorise it."
                ),
            )
        )
    if cancellations >= flag_at:
        findings.append(
            Finding(
                "TRAINING-MANDATORY",
                WARNING,
                f"TRAINING-MANDATORY: {name} has cancelled {cancellations} pathway sessions "
                f"({flag_at} or more are flagged to Professional Practice).",
                numbers={"cancellations": cancellations, "flag_at": flag_at},
            )
        )
    return findings


# --- Concerns and the PiP (CAPABILITY) -------------------------------------------------------


def _not_future(day: date, field: str, label: str, today: date | None = None):
    if day > (today or timezone.localdate()):
        raise ValidationError({field: f"The {label} cannot be in the future."})


def _locked(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def raise_concern(
    *,
    enrolment: Enrolment,
    what: str,
    evidence: str,
    raised_on: date,
    by: Person,
    today: date | None = None,
) -> Concern:
    if by.pk not in (enrolment.assessor_id, enrolment.practice_group.practice_manager_id):
        raise ValidationError(
            "CAPABILITY: the NQSW's assessor or practice manager raises a concern."
        )
    _not_future(raised_on, "raised_on", "date the concern was raised", today)
    cohort_services.lock_enrolment(enrolment)
    concern = Concern(
        enrolment=enrolment, what=what, evidence=evidence, raised_on=raised_on, raised_by=by
    )
    concern.full_clean()
    concern.save()
    return concern


@transaction.atomic
def review_concern(*, concern: Concern, support: str, by: Person) -> Concern:
    """The SDL – Professional Practice reviews the concern and records the added support."""
    concern = _locked(concern)
    if concern.status not in (Concern.Status.RAISED, Concern.Status.SUPPORT):
        raise ValidationError(f"This concern is already {concern.get_status_display().lower()}.")
    if not support.strip():
        raise ValidationError({"support": "CAPABILITY: say what added support is in place."})
    concern.status = Concern.Status.SUPPORT
    concern.support = support
    concern.reviewed_by = by
    concern.save()
    return concern


@transaction.atomic
def resolve_concern(
    *, concern: Concern, resolved_on: date, by: Person, today: date | None = None
) -> Concern:
    concern = _locked(concern)
    if concern.status not in (Concern.Status.RAISED, Concern.Status.SUPPORT):
        raise ValidationError(f"This concern is already {concern.get_status_display().lower()}.")
    _not_future(resolved_on, "resolved_on", "date it was resolved", today)
    if resolved_on < concern.raised_on:
        raise ValidationError({"resolved_on": "A concern is resolved after it is raised."})
    concern.status = Concern.Status.RESOLVED
    concern.resolved_on = resolved_on
    concern.reviewed_by = concern.reviewed_by or by
    concern.save()
    return concern


@transaction.atomic
def start_pip(
    *, concern: Concern, gm_advised_on: date, pip_started_on: date, by: Person
) -> Concern:
    """CAPABILITY: unresolved after added support, the GM is advised and the NQSW moves onto
    the Performance Improvement Policy."""
    concern = _locked(concern)
    if concern.status != Concern.Status.SUPPORT:
        raise ValidationError(
            "CAPABILITY: the PiP follows a review with added support that did not resolve "
            "the concern: record the added support first."
        )
    if gm_advised_on < concern.raised_on:
        raise ValidationError({"gm_advised_on": "The GM is advised after the concern is raised."})
    if pip_started_on < gm_advised_on:
        raise ValidationError({"pip_started_on": "The PiP starts once the GM has been advised."})
    concern.status = Concern.Status.PIP
    concern.gm_advised_on = gm_advised_on
    concern.pip_started_on = pip_started_on
    concern.full_clean()
    concern.save()
    return concern


@transaction.atomic
def record_pip_outcome(
    *, concern: Concern, outcome: str, ended_on: date, notes: str, by: Person
) -> Concern:
    """CAPABILITY: the PiP's outcome, which feeds the final assessment."""
    concern = _locked(concern)
    if concern.status != Concern.Status.PIP or concern.pip_outcome:
        raise ValidationError("There is no PiP awaiting an outcome on this concern.")
    concern.pip_outcome = outcome
    concern.pip_ended_on = ended_on
    concern.pip_outcome_notes = notes
    concern.full_clean()
    concern.save()
    return concern


# --- Move-on (MOVE-ON) -----------------------------------------------------------------------

MOVE_ON_MONTH = 11  # "moving to the main Practice Group in July" (month 11, September start)


def move_on_opens(enrolment: Enrolment) -> date | None:
    return enrolment.month_starts_on(MOVE_ON_MONTH)


def destinations_for(enrolment: Enrolment):
    """The practice groups of the NQSW's service other than their academy team (inferred:
    "each service will decide how they wish to disperse the NQSWs")."""
    return (
        PracticeGroup.objects.filter(service_id=enrolment.practice_group.service_id)
        .exclude(pk=enrolment.practice_group_id)
        .order_by("name")
    )


@transaction.atomic
def record_move_on(
    *, enrolment: Enrolment, destination: PracticeGroup, by: Person, today: date | None = None
) -> MoveOn:
    today = today or timezone.localdate()
    enrolment = cohort_services.lock_enrolment(enrolment)
    if not (by.role == Person.Role.ADMIN or manages_enrolment_as_gm(by, enrolment)):
        raise ValidationError("MOVE-ON: a group manager of the NQSW's service records the move.")
    opens = move_on_opens(enrolment)
    if enrolment.kind != Enrolment.Kind.ASYE or opens is None:
        raise ValidationError("MOVE-ON is for NQSWs in their ASYE.")
    if today < opens:
        raise ValidationError(
            f"MOVE-ON: the destination is recorded from ASYE month {MOVE_ON_MONTH} "
            f"({opens:%d/%m/%Y} for {enrolment.person.full_name})."
        )
    if not destinations_for(enrolment).filter(pk=destination.pk).exists():
        raise ValidationError(
            {"destination": f"MOVE-ON: choose a practice group of {enrolment.service}."}
        )
    existing = MoveOn.objects.filter(enrolment=enrolment).first()
    if existing is not None and existing.moved_on is not None:
        raise ValidationError("MOVE-ON: this NQSW has already moved.")
    move = existing or MoveOn(enrolment=enrolment)
    move.destination = destination
    move.recorded_by = by
    move.recorded_on = today
    move.save()
    return move


def _may_lack_destination(enrolments, today: date):
    """The current NQSWs of `enrolments` in their ASYE with no destination whose month 11 has
    begun by `today` on the unextended calendar, narrowed in SQL. Every extension pushes
    month 11 later (each is at least a month), so this holds everyone `without_destination`
    lists, and exactly them for an NQSW without extensions."""
    # Month 11 begins on the first of the month, ten months after the start's month: it has
    # begun by `today` for a start before this day.
    started_before = add_months(today.replace(day=1), 2 - MOVE_ON_MONTH)
    return enrolments.current().filter(
        kind=Enrolment.Kind.ASYE, move_on__isnull=True, asye_start__lt=started_before
    )


def without_destination(enrolments, today: date, limit: int | None = None):
    """MOVE-ON: current NQSWs in month 11 or later of their ASYE with no destination yet
    (the group manager's home page calls this with the enrolments they see), by name; the
    first `limit` of them when given, read a slice at a time so a service's whole list is
    not loaded to show its start (plain LIMIT queries: PostgreSQL would materialise a
    held cursor's every row first)."""
    candidates = (
        _may_lack_destination(enrolments, today)
        # The programme sets month 11 (move_on_opens): read with the rows, not one by one.
        .select_related("person", "practice_group", "cohort__programme")
        .prefetch_related("extensions")
        .order_by("person__full_name", "pk")
    )

    def opened(batch):
        return [e for e in batch if (move_on_opens(e) or today) <= today]

    if limit is None:
        return opened(candidates)
    found, offset, size = [], 0, max(limit, 100)
    while len(found) < limit:
        batch = list(candidates[offset : offset + size])
        found += opened(batch)
        if len(batch) < size:
            break
        offset += size
    return found[:limit]


def count_without_destination(enrolments, today: date) -> int:
    """How many `without_destination` would list, counted in SQL so the move-on page stays
    flat as a service grows (issue 17): only NQSWs with extensions are read, to move month
    11 by them."""
    candidates = _may_lack_destination(enrolments, today)
    extended = Exists(Extension.objects.filter(enrolment=OuterRef("pk")))
    plain = candidates.filter(~extended).count()
    others = candidates.filter(extended).prefetch_related("extensions")
    return plain + sum(1 for e in others if (move_on_opens(e) or today) <= today)


def apply_move_ons(*, today: date | None = None) -> list[MoveOn]:
    """MOVE-ON takes effect at the end of the ASYE: each NQSW whose ASYE has ended joins the
    recorded destination, through cohorts/services.py (the person's history shows it)."""
    today = today or timezone.localdate()
    moved = []
    pending = MoveOn.objects.filter(
        moved_on__isnull=True,
        enrolment__status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.PASSED],
    ).select_related("enrolment__person", "destination")
    for move in pending.prefetch_related("enrolment__extensions"):
        ended = move.enrolment.planned_end()
        if ended is None or ended >= today:
            continue
        with transaction.atomic():
            cohort_services.move_to_practice_group(
                enrolment=move.enrolment,
                practice_group=move.destination,
                reason=f"MOVE-ON: end of the ASYE on {ended:%d/%m/%Y}",
            )
            move.moved_on = ended + timedelta(days=1)
            move.save(update_fields=["moved_on"])
        moved.append(move)
    return moved


def without_destination_for(user, today: date | None = None, limit: int | None = None):
    """MOVE-ON for a home page: the NQSWs the user records move-on for (a GM's service)
    in month 11 or later with no destination yet, the same NQSWs the move-on page counts
    (`count_without_destination` of `move_on_enrolments`); the first `limit` by name when
    given. One whose ASYE has ended while their enrolment is still current stays on the
    list: a destination recorded then takes effect at the next `apply_move_on`."""
    today = today or timezone.localdate()
    return without_destination(move_on_enrolments(user), today, limit)
