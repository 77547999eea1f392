"""Supervision workflows: recording sessions and support, calendar feeds, reminders.

Small keyword-only functions, each in one transaction; the views, the admin-free demo and
the tests all go through them. They raise ValidationError with the rule ID when refused.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from academy.models import Person, PracticeGroup
from cohorts.models import Enrolment
from supervision import schedule as sched
from supervision import summaries
from supervision.models import (
    Attendance,
    CalendarFeed,
    ReminderLog,
    Session,
    SupervisionPolicy,
    SupportRecord,
    schedule_for,
    validate_supervision_date,
    with_schedule_data,
)

Kind = Session.Kind


def normalise_case_references(references: str | Iterable[str]) -> str:
    """One space-separated list, in the order given, each reference once."""
    if isinstance(references, str):
        references = references.replace(",", " ").split()
    seen = []
    for reference in references:
        reference = reference.strip()
        if reference and reference not in seen:
            seen.append(reference)
    return " ".join(seen)


@transaction.atomic
def record_session(
    *,
    kind: str,
    refusals: Sequence[str] = (),
    held_on: date,
    start_time: time,
    supervisor: Person,
    recorded_by: Person,
    attendance: Sequence[tuple[Enrolment, bool]],
    reflection: str,
    training_to_practice: str,
    appreciative_inquiry: bool = False,
    actions: str = "",
    case_references: str | Iterable[str] = "",
    course=None,
    today: date | None = None,
) -> Session:
    """Record one supervision and its register (SUP-CONTENT, SUP-GROUP)."""
    today = today or timezone.localdate()
    errors = {NON_FIELD_ERRORS: list(refusals)} if refusals else {}
    # Checked here rather than in Session.clean(): `today` is the service's (the demo and
    # the reminders run on a given day), not the clock's.
    try:
        validate_supervision_date(held_on, today=today)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not attendance:
        errors.setdefault(NON_FIELD_ERRORS, []).append("Nobody is on the register.")
    elif not any(attended for _, attended in attendance):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            "Nobody attended: there is no supervision to record."
        )
    if kind in (Kind.ONE_TO_ONE, Kind.JOINT) and len(attendance) != 1:
        errors.setdefault(NON_FIELD_ERRORS, []).append(f"A {Kind(kind).label} is for one worker.")
    if any(enrolment.person_id == supervisor.pk for enrolment, _ in attendance):
        errors.setdefault(NON_FIELD_ERRORS, []).append("Nobody supervises themselves.")
    # Every independent problem is reported in one response (issue 10 item 13): the register
    # and the record are checked too before anything is refused.
    session = Session(
        kind=kind,
        held_on=held_on,
        start_time=start_time,
        supervisor=supervisor,
        recorded_by=recorded_by,
        reflection=reflection,
        training_to_practice=training_to_practice,
        appreciative_inquiry=appreciative_inquiry,
        actions=actions,
        case_references=normalise_case_references(case_references),
        course=course,
    )
    register = [
        Attendance(session=session, enrolment=enrolment, attended=attended)
        for enrolment, attended in attendance
    ]
    for entry in register:
        try:
            entry.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    try:
        session.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    session.save()
    for entry in register:
        entry.session = session
        entry.save()
    # The overview's stored rows of everyone on the register (issue 17), in this transaction.
    summaries.refresh([entry.enrolment_id for entry in register], on=timezone.localdate())
    return session


def record_one_to_one(
    *, enrolment: Enrolment, recorded_by: Person, kind: str = Kind.ONE_TO_ONE, **content
) -> Session:
    """A 1:1 (SUP-FORTNIGHTLY) or a joint supervision of a co-worked case (COWORK-LEAD).

    The supervisor is the worker's PM; an administrator records on the PM's behalf.
    """
    if kind not in (Kind.ONE_TO_ONE, Kind.JOINT):
        raise ValidationError({"kind": "Choose a 1:1 or a joint supervision."})
    supervisor = enrolment.practice_group.practice_manager or recorded_by
    return record_session(
        kind=kind,
        supervisor=supervisor,
        recorded_by=recorded_by,
        attendance=[(enrolment, True)],
        **content,
    )


def record_group_session(
    *,
    group: PracticeGroup,
    recorded_by: Person,
    attendance: Sequence[tuple[Enrolment, bool]],
    **content,
) -> Session:
    """One PM group supervision for a practice group, with its register (SUP-GROUP)."""
    strangers = [e for e, _ in attendance if e.practice_group_id != group.pk]
    refusals = [
        f"{', '.join(e.person.full_name for e in strangers)} "
        f"{'is' if len(strangers) == 1 else 'are'} not in {group.name}."
    ]
    return record_session(
        kind=Kind.PM_GROUP,
        refusals=refusals if strangers else (),
        supervisor=group.practice_manager or recorded_by,
        recorded_by=recorded_by,
        attendance=attendance,
        **content,
    )


def record_assessor_session(
    *, assessor: Person, attendance: Sequence[tuple[Enrolment, bool]], **content
) -> Session:
    """An assessor's group session on portfolio and evidence (SUP-GROUP)."""
    strangers = [e for e, _ in attendance if e.assessor_id != assessor.pk]
    refusals = [
        f"{assessor.full_name} does not assess {', '.join(e.person.full_name for e in strangers)}."
    ]
    return record_session(
        kind=Kind.ASSESSOR_GROUP,
        refusals=refusals if strangers else (),
        supervisor=assessor,
        recorded_by=assessor,
        attendance=attendance,
        **content,
    )


@transaction.atomic
def record_support(
    *,
    enrolment: Enrolment,
    recorded_by: Person,
    reason: str,
    from_date: date,
    until: date | None = None,
) -> SupportRecord:
    """SUP-THREE-WEEKLY: the PM records that the worker still needs fortnightly 1:1s."""
    record = SupportRecord(
        enrolment=enrolment,
        recorded_by=recorded_by,
        reason=(reason or "").strip(),
        from_date=from_date,
        until=until,
    )
    record.full_clean()
    record.save()
    summaries.refresh([enrolment.pk], on=timezone.localdate())  # SUP-THREE-WEEKLY's interval
    return record


# --- Calendar feeds -------------------------------------------------------------------------


def live_feed(person: Person) -> CalendarFeed | None:
    """The person's feed that still serves; one made before a password change does not."""
    feed = person.calendar_feeds.filter(revoked_at__isnull=True).select_related("person__user")
    found = feed.first()
    return found if found is not None and found.serves() else None


@transaction.atomic
def revoke_feed(*, person: Person) -> int:
    """Revoke the person's live feed URL, if any; returns how many were revoked."""
    return person.calendar_feeds.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def regenerate_feed(*, person: Person) -> CalendarFeed:
    """A new private feed URL; the old one (if any) stops working at once."""
    # Lock the person's row so two clicks cannot both pass the "one live feed" check.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    revoke_feed(person=person)
    return CalendarFeed.objects.create(
        person=person, owner_fingerprint=CalendarFeed.fingerprint_of(person.user)
    )


# --- Reminders --------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _send_once(*, recipient: Person, kind: str, today: date, subject: str, body: str, summary):
    """Send one reminder unless it already went today: the log row is written first, in
    the same transaction, so the unique constraint settles a race between two runs."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                recipient=recipient, kind=kind, sent_on=today, summary=summary[:200]
            )
            EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
    except IntegrityError:
        return "skipped"
    except OSError:
        # The mail server refused or was unreachable: the log row was rolled back with
        # it, so the next run (or a re-run today) tries again.
        return "failed"
    return "sent"


def send_reminders(*, today: date | None = None) -> ReminderRun:
    """SUP-OVERDUE: each PM gets a digest of their overdue and due-this-week NQSWs; each
    NQSW whose supervision is due this week or overdue gets their next due date.

    Decision: nobody is emailed when nothing is due within the due-soon window, so the
    daily run does not send the same "on track" message every day.
    """
    today = today or timezone.localdate()
    policies = SupervisionPolicy.all_versions()
    enrolments = with_schedule_data(
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE)
        .select_related("person", "practice_group__practice_manager", "cohort__programme")
    )
    by_pm: dict[int, tuple[Person, list]] = {}
    run = ReminderRun()
    rows = []
    for enrolment in enrolments:
        plan = schedule_for(enrolment, today=today, policies=policies)
        if plan is None or plan.state not in (sched.OVERDUE, sched.DUE_SOON):
            continue
        rows.append((enrolment, plan))
        pm = enrolment.practice_group.practice_manager
        if pm is not None:
            by_pm.setdefault(pm.pk, (pm, []))[1].append((enrolment, plan))

    for enrolment, plan in rows:
        person = enrolment.person
        context = {"person": person, "plan": plan, "today": today}
        outcome = _send_once(
            recipient=person,
            kind=ReminderLog.Kind.NQSW_DUE,
            today=today,
            subject=f"Supervision {plan.status}: next due {plan.next_due:%d/%m/%Y}",
            body=render_to_string("supervision/email/nqsw_reminder.txt", context),
            summary=f"{plan.status}, due {plan.next_due}",
        )
        getattr(run, outcome).append(f"{person.staff_id} nqsw")

    for pm, items in by_pm.values():
        items.sort(key=lambda item: (item[1].next_due, item[0].person.full_name))
        overdue = [item for item in items if item[1].state == sched.OVERDUE]
        due = [item for item in items if item[1].state == sched.DUE_SOON]
        context = {"pm": pm, "overdue": overdue, "due": due, "today": today}
        outcome = _send_once(
            recipient=pm,
            kind=ReminderLog.Kind.PM_DIGEST,
            today=today,
            subject=f"Supervision: {len(overdue)} overdue, {len(due)} due this week",
            body=render_to_string("supervision/email/pm_digest.txt", context),
            summary=f"{len(overdue)} overdue, {len(due)} due",
        )
        getattr(run, outcome).append(f"{pm.staff_id} pm")
    return run
