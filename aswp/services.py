"""Writes on the ASWP route (issue 13): keyword-only, atomic, taking the acting person.

Appointments that must not exceed the places are serialised by locking the policy row in
force (select_for_update on PostgreSQL; SQLite's IMMEDIATE transactions hold the write
lock already), and the database refuses any change to a signed decision (migration 0002).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from academy.models import Person
from aswp import rules
from aswp.models import (
    ELIGIBLE_ROLES,
    Application,
    AssessmentStep,
    AswpPolicy,
    Consultation,
    Decision,
    NamedSupervisor,
    PeerAttendance,
    PeerSession,
    Round,
    Stage,
)

APPLICATION_TEXT = ("experience", "practice_reflection", "advanced_evidence")


def aswps_in_post():
    return Person.objects.filter(role=Person.Role.ASWP, user__is_active=True)


@transaction.atomic
def set_places(*, places: int, effective_from: date, by: Person) -> AswpPolicy:
    """ASWP-PLACES: a new dated row; the other numbers carry on from the row in force."""
    current = AswpPolicy.in_force(effective_from)
    policy = AswpPolicy(
        effective_from=effective_from,
        places=places,
        assessment_weeks=current.assessment_weeks,
        min_colleague_interviews=current.min_colleague_interviews,
        set_by=by,
    )
    policy.validate_constraints(exclude=["effective_from"])
    policy, _ = AswpPolicy.objects.update_or_create(
        effective_from=effective_from,
        defaults={
            "places": places,
            "assessment_weeks": policy.assessment_weeks,
            "min_colleague_interviews": policy.min_colleague_interviews,
            "set_by": by,
        },
    )
    return policy


@transaction.atomic
def open_round(
    *,
    name: str,
    opens_on: date,
    closes_on: date,
    interview_first: bool,
    panel: Iterable[Person],
    by: Person,
) -> Round:
    round_ = Round(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        interview_first=interview_first,
        created_by=by,
    )
    round_.full_clean()
    round_.save()
    round_.panel.set(list(panel))
    return round_


def _check_applicant(person: Person) -> None:
    if person.role not in ELIGIBLE_ROLES:
        raise ValidationError(
            f"ASWP-PATHWAY: the route is for experienced social workers (Grade 10/11 or social "
            f"worker); {person.full_name} is a {person.get_role_display().lower()}."
        )


@transaction.atomic
def save_application(
    *,
    round: Round,
    applicant: Person,
    submit: bool = False,
    today: date | None = None,
    **text: str,
) -> Application:
    """Save the applicant's own words as a draft, or submit them by the closing date."""
    today = today or timezone.localdate()
    _check_applicant(applicant)
    application = (
        Application.objects.select_for_update().filter(round=round, applicant=applicant).first()
    )
    if application is None:
        if not round.is_open(today):
            raise ValidationError(
                f"The round {round} is open from {round.opens_on:%d/%m/%Y} to "
                f"{round.closes_on:%d/%m/%Y}."
            )
        application = Application(round=round, applicant=applicant)
    elif application.is_submitted:
        raise ValidationError("This application is submitted: it can no longer be changed.")
    for name in APPLICATION_TEXT:
        if name in text:
            setattr(application, name, text[name].strip())
    if submit:
        if today > round.closes_on:
            raise ValidationError(f"The round closed on {round.closes_on:%d/%m/%Y}.")
        empty = {
            name: "Write this before you submit."
            for name in APPLICATION_TEXT
            if not getattr(application, name)
        }
        if empty:
            raise ValidationError(empty)
        application.submitted_at = timezone.now()
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def write_statement(*, application: Application, statement: str, by: Person) -> Application:
    """The supporting statement, by the applicant's own manager (PM or GM of their group)."""
    if by.pk not in application.manager_ids or by.pk == application.applicant_id:
        raise ValidationError(
            f"Only {application.applicant.full_name}'s manager writes the supporting statement."
        )
    if application.assessment_starts_on or application.decision_or_none:
        raise ValidationError("The assessment has begun: the statement is kept as it was.")
    if not statement.strip():
        raise ValidationError({"statement": "Write the supporting statement."})
    application.statement = statement.strip()
    application.statement_by = by
    application.statement_at = timezone.now()
    application.save(update_fields=["statement", "statement_by", "statement_at"])
    return application


@transaction.atomic
def record_shortlisting(
    *, application: Application, shortlisted: bool, panel: str, reasons: str, by: Person
) -> Application:
    """The senior-management interview of a round that has one (ASWP-PATHWAY)."""
    if not application.round.interview_first:
        raise ValidationError("This round has no interview before assessment.")
    if application.stage != Stage.AWAITING_INTERVIEW:
        raise ValidationError(
            f"ASWP-PATHWAY: shortlisting follows a complete application; this one is "
            f"{application.get_stage_display().lower()}."
        )
    if not panel.strip() or not reasons.strip():
        raise ValidationError("ASWP-PATHWAY: record the interview panel and reasons.")
    application.shortlisted = shortlisted
    application.shortlist_panel = panel.strip()
    application.shortlist_reasons = reasons.strip()
    application.shortlisted_by = by
    application.full_clean()
    application.save(
        update_fields=["shortlisted", "shortlist_panel", "shortlist_reasons", "shortlisted_by"]
    )
    return application


@transaction.atomic
def start_assessment(*, application: Application, starts_on: date, by: Person) -> Application:
    if application.stage != Stage.AWAITING_ASSESSMENT:
        raise ValidationError(
            f"ASWP-PATHWAY: the assessment follows a complete application"
            f"{' and a shortlisting' if application.round.interview_first else ''}; this one is "
            f"{application.get_stage_display().lower()}."
        )
    application.assessment_starts_on = starts_on
    application.assessment_started_by = by
    application.save(update_fields=["assessment_starts_on", "assessment_started_by"])
    return application


@transaction.atomic
def record_step(
    *, application: Application, kind: str, held_on: date, seen: str, notes: str, by: Person
) -> AssessmentStep:
    if application.decision_or_none is not None:
        raise ValidationError("The panel has decided: the assessment is closed.")
    step = AssessmentStep(
        application=application,
        kind=kind,
        held_on=held_on,
        seen=seen.strip(),
        notes=notes.strip(),
        recorded_by=by,
    )
    step.full_clean()
    step.save()
    return step


def assessment_findings(
    application: Application, on: date, policy: AswpPolicy | None = None
) -> list:
    """What the page and the overview show: missing steps and a late assessment."""
    if application.assessment_starts_on is None or application.decision_or_none is not None:
        return []
    policy = policy or AswpPolicy.in_force(application.assessment_starts_on)
    kinds = [step.kind for step in application.steps.all()]
    findings = [
        rules.decision_finding(kinds, min_colleagues=policy.min_colleague_interviews),
        rules.overdue_finding(
            starts_on=application.assessment_starts_on,
            weeks=policy.assessment_weeks,
            on=on,
            name=application.applicant.full_name,
        ),
    ]
    return [finding for finding in findings if finding]


def decide(
    *,
    application: Application,
    outcome: str,
    reasons: str,
    panel: str,
    appointed_from: date | None,
    by: Person,
    today: date | None = None,
) -> Decision:
    """The panel's decision, signed as it is recorded (ASWP-PATHWAY). An appointment makes
    the person an ASWP (ASWP-PLACES permitting), recorded in the person's history."""
    today = today or timezone.localdate()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.decision_or_none is not None:
            raise ValidationError("The panel has already decided: a signed decision stands.")
        if application.assessment_starts_on is None:
            raise ValidationError("ASWP-PATHWAY: the decision follows the assessment.")
        policy = AswpPolicy.in_force(application.assessment_starts_on)
        kinds = list(application.steps.values_list("kind", flat=True))
        refusal = rules.decision_finding(kinds, min_colleagues=policy.min_colleague_interviews)
        if refusal:
            raise ValidationError(refusal.message)
        decision = Decision(
            application=application,
            outcome=outcome,
            reasons=reasons.strip(),
            panel=panel.strip(),
            appointed_from=appointed_from if outcome == Decision.Outcome.APPOINTED else None,
            decided_on=today,
            signed_by=by,
        )
        decision.full_clean()
        if decision.appointed:
            appoint(
                person=application.applicant,
                from_date=appointed_from,
                reason=f"ASWP-PATHWAY: appointed by the panel's decision of {today:%d/%m/%Y}",
                by=by,
            )
        decision.save()
    return decision


def appoint(*, person: Person, from_date: date, reason: str, by: Person) -> Person:
    """Make `person` an ASWP from `from_date` (ASWP-PLACES), in the person's history."""
    with transaction.atomic():
        in_force = AswpPolicy.objects.filter(effective_from__lte=from_date).first()
        if in_force is not None:
            # Serialises two appointments racing for the last place.
            AswpPolicy.objects.select_for_update().filter(pk=in_force.pk).first()
        places = (in_force or AswpPolicy.in_force(from_date)).places
        held = aswps_in_post().exclude(pk=person.pk).count()
        refusal = rules.places_finding(
            places=places, held=held, name=f"appointing {person.full_name}"
        )
        if refusal:
            raise ValidationError(refusal.message)
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.role = Person.Role.ASWP
        # simple-history keeps at most 100 characters of a reason (PostgreSQL refuses more):
        # the date and who come first, so a long panel reason is what gets cut.
        why = f"ASWP from {from_date:%d/%m/%Y} (by {by.full_name}): {reason}"
        person._change_reason = why if len(why) <= 100 else why[:99] + "…"
        person.save(update_fields=["role"])
    return person


@transaction.atomic
def name_supervisor(
    *, aswp: Person, supervisor: Person, from_date: date, by: Person
) -> NamedSupervisor:
    named = NamedSupervisor.objects.filter(aswp=aswp).first() or NamedSupervisor(aswp=aswp)
    named.supervisor = supervisor
    named.from_date = from_date
    named.full_clean()
    named._change_reason = f"Named by {by.full_name}"
    named.save()
    return named


@transaction.atomic
def record_consultation(
    *, aswp: Person, held_on: date, colleague: Person, case_reference: str, advice: str = ""
) -> Consultation:
    """ASWP-ROLE: advice to a colleague, recorded by the ASWP who gave it."""
    if aswp.role != Person.Role.ASWP:
        raise ValidationError("ASWP-ROLE: consultations are recorded by ASWPs.")
    consultation = Consultation(
        aswp=aswp,
        held_on=held_on,
        colleague=colleague,
        case_reference=case_reference.strip().upper(),
        advice=advice.strip(),
    )
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def record_peer_session(
    *, held_on: date, topic: str, attendance: Iterable[tuple[Person, bool]], by: Person
) -> PeerSession:
    register = list(attendance)
    strangers = [p.full_name for p, _ in register if p.role != Person.Role.ASWP]
    if strangers:
        raise ValidationError(
            f"The peer support group is for ASWPs: {', '.join(strangers)} is not one."
        )
    if not any(attended for _, attended in register):
        raise ValidationError("Nobody attended: there is no session to record.")
    session = PeerSession(held_on=held_on, topic=topic.strip(), recorded_by=by)
    session.full_clean()
    session.save()
    PeerAttendance.objects.bulk_create(
        PeerAttendance(session=session, aswp=person, attended=attended)
        for person, attended in register
    )
    return session
