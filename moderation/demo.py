"""Moderation in the demo academy, dated relative to `today` (a `manage.py seed_demo` step).

The demo's September cohort is at most a few months in, so nobody in it has reached a
panel. This step adds six NQSWs of last year's intake who began their ASYE twelve months
before this month: their year ended last month and they await the final panel. Their
portfolios are built by assessment's own demo timeline (through assessment's services),
their supervision by supervision's demo step.

* A 6-month panel that met about five months ago: every portfolio submitted on time,
  allocated (balanced), moderated with one concern raised, decided and signed off by the
  chair (chair.demo), then closed. One decision was deferred and later replaced by a new,
  signed version; one was not verified.
* The final panel, in about ten days: chaired by chair.demo. Portfolios were due four days
  ago. Four came in on time (one on a FAIL recommendation, so on a fail pathway); one was
  late and accepted late by the chair; one is still not in and flagged. Each NQSW went back
  to the moderator who read them at six months (MOD-ALLOCATE); one form is complete, with
  concerns for the chair, one is a draft. gm.demo is among the moderators.

Idempotent: every row is looked up before it is made, so a second run on the same day
writes nothing; a run on another day replaces last run's panels (their dates moved).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from academy.models import Person, PracticeGroup
from assessment import demo as portfolio_demo
from assessment import services as assessment_services
from assessment.models import Recommendation
from cohorts.demo import GROUPS, Member, first_working_day, person_for
from cohorts.models import Cohort, Enrolment
from cohorts.months import add_months
from moderation import services
from moderation.models import (
    Allocation,
    Decision,
    ExternalSampleItem,
    ModerationForm,
    ModerationRecord,
    Panel,
    PanelMember,
    ProgressionAuthorisation,
    Submission,
)
from moderation.services import Seat

Role = Person.Role

# Last year's NQSWs who await the final panel: (member, academy team). All names fictional.
EARLIER_NQSWS = [
    (Member("D0071", "Eleanor Vaughan"), "Worthing CA&I academy"),
    (Member("D0072", "Ravi Mistry"), "Bognor FS&P academy"),
    (Member("D0073", "Holly Chapman"), "Crawley CLA academy"),
    (Member("D0074", "Peter Lindqvist"), "Horsham CA&I academy"),
    (Member("D0075", "Sofia Marques"), "Crawley FS&P academy"),
    (Member("D0076", "Grace Adeyinka"), "Bognor CLA academy"),
]
FAILING = "D0072"  # the assessor recommends FAIL: on a fail pathway (MOD-FAIL-FULL)
CONCERNS = "D0073"  # a moderator raises concerns at both panels
REDECIDED = "D0074"  # 6-month decision deferred, then replaced by a new signed version
NOT_VERIFIED = "D0072"  # the 6-month panel did not agree the NQSW was on track
LATE_ACCEPTED = "D0076"  # submitted late to the final panel, accepted by the chair

# The panel's other members (MOD-PANEL), each with a demo sign-in of their own (issue 15
# item 2): they see only the anonymised portfolios allocated to them, while the panel is open.
SDL_ADULTS = Member("D0081", "Jonathan Reeve", "adults.demo")
SERVICE_USER = (Member("D0082", "Maureen Tate", "serviceuser.demo"), "Parents' and Carers' Forum")
UNIVERSITY = (Member("D0083", "Dr Alan Corbett", "university.demo"), "University of Chichester")


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def earlier_start(today: date) -> date:
    """The first working day of this month last year: month 12 ended last month."""
    first = add_months(today.replace(day=1), -12)
    return first_working_day(first.year, first.month)


# --- The people -------------------------------------------------------------------------------


def _enrol(person: Person, values: dict) -> Enrolment:
    """The person's one enrolment, created or brought to `values` (saved only if changed)."""
    enrolment = person.enrolments.order_by("pk").first()
    if enrolment is None:
        enrolment = Enrolment(person=person, **values)
    else:
        changed = [name for name, value in values.items() if getattr(enrolment, name) != value]
        if not changed:
            return enrolment
        for name, value in values.items():
            setattr(enrolment, name, value)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


def earlier_enrolments(today: date, people: dict[str, Person]) -> dict[str, Enrolment]:
    start = earlier_start(today)
    groups = {g.name: g for g in PracticeGroup.objects.filter(name__in=[g.name for g in GROUPS])}
    assessors = [people["assessor"], people["assessor_2"], people["assessor_3"]]
    found = {}
    for n, (member, group_name) in enumerate(EARLIER_NQSWS):
        group = groups[group_name]
        person = person_for(member, Role.NQSW, service=group.service)
        found[member.staff_id] = _enrol(
            person,
            {
                "cohort": Cohort.for_start(start),
                "kind": Enrolment.Kind.ASYE,
                "programme": "",
                "practice_group": group,
                "assessor": assessors[n % len(assessors)],
                "asye_start": start,
                "status": Enrolment.Status.ACTIVE,
                "end_date": None,
            },
        )
    return found


def _supervision(today: date, people, enrolments) -> None:
    """Their supervision record (supervision's own demo step), if it is not there yet."""
    from supervision import demo as supervision_demo

    missing = [e for e in enrolments if not e.supervision_attendances.exists()]
    if missing:
        supervision_demo.build(today=today, people=people)


def _portfolio(enrolment: Enrolment, on: date) -> None:
    """Assessment's demo timeline up to `on`; the failing NQSW gets a FAIL recommendation."""
    listed = Enrolment.objects.for_listing().get(pk=enrolment.pk)
    if enrolment.person.staff_id != FAILING:
        portfolio_demo.portfolio(listed, on)
        return
    portfolio_demo.portfolio(listed, on, gaps=frozenset({"recommendation"}))
    final = listed.reviews.filter(kind="final", signed_off_at__isnull=False).exists()
    if final and not listed.recommendations.exists():
        assessment_services.save_recommendation(
            enrolment=listed,
            by=listed.assessor,
            sign_off=True,
            outcome=Recommendation.Outcome.FAIL,
            rationale=(
                "The written work stays descriptive and the analysis of risk has not developed "
                "since the 6-month review, despite the support plan agreed under CAPABILITY. "
                "The third observation showed the same gaps."
            ),
        )


# --- The panels -------------------------------------------------------------------------------


def panel_seats(people: dict[str, Person]) -> list[Seat]:
    sdl_adults = person_for(SDL_ADULTS, Role.ADULT_SERVICES_LEAD)
    service_user = person_for(SERVICE_USER[0], Role.EXTERNAL_PANEL_MEMBER)
    university = person_for(UNIVERSITY[0], Role.EXTERNAL_PANEL_MEMBER)
    return [
        Seat(PanelMember.Role.CHAIR, people["chair"]),
        Seat(PanelMember.Role.DEPUTY_CHAIR, people["deputy_chair"]),
        Seat(PanelMember.Role.LD_OFFICER, people["ld_officer"]),
        Seat(PanelMember.Role.SDL_ADULTS, sdl_adults),
        Seat(PanelMember.Role.GROUP_MANAGER, people["gm_cai"]),
        Seat(PanelMember.Role.GROUP_MANAGER, people["gm_cla"]),
        Seat(PanelMember.Role.GROUP_MANAGER, people["gm_fsp"]),
        Seat(PanelMember.Role.SERVICE_USER, service_user, organisation=SERVICE_USER[1]),
        Seat(PanelMember.Role.UNIVERSITY, university, organisation=UNIVERSITY[1]),
    ]


def _demo_panels(people) -> list[Panel]:
    return list(
        Panel.objects.filter(
            members__role=PanelMember.Role.CHAIR, members__person=people["chair"]
        ).distinct()
    )


def _clear(panel: Panel) -> None:
    """A panel from a run on another day: remove it and everything hanging off it."""
    submissions = Submission.objects.filter(panel=panel)
    for model, lookup in [
        (ProgressionAuthorisation, "decision__submission__in"),
        (ModerationRecord, "submission__in"),
        (Decision, "submission__in"),
        (ModerationForm, "allocation__submission__in"),
        (Allocation, "submission__in"),
        (ExternalSampleItem, "submission__in"),
    ]:
        for row in model.objects.filter(**{lookup: submissions}):
            stored = getattr(row, "file", None)
            if stored:
                stored.delete(save=False)
            row.delete()
    for submission in submissions:
        if submission.pdf:
            submission.pdf.delete(save=False)
        submission.delete()
    panel.delete()


def _panel(kind: str, held_on: date, people) -> Panel:
    for panel in _demo_panels(people):
        if panel.kind == kind and panel.held_on == held_on:
            return panel
    return services.set_up_panel(
        kind=kind,
        held_on=held_on,
        venue="County Hall, Chichester: committee room 2",
        by=people["ld_officer"],
        seats=panel_seats(people),
    )


def _enter(panel: Panel, enrolments, people) -> dict[str, Submission]:
    entered = {s.enrolment_id: s for s in panel.submissions.all()}
    missing = [e for e in enrolments if e.pk not in entered]
    if missing:
        services.enter_for_panel(panel=panel, enrolments=missing, by=people["ld_officer"])
        entered = {s.enrolment_id: s for s in panel.submissions.all()}
    return {e.person.staff_id: entered[e.pk] for e in enrolments}


def _submit(submission: Submission, enrolment: Enrolment, day: date, *, by_assessor=False):
    if submission.is_submitted:
        return submission
    by = enrolment.assessor if by_assessor else enrolment.person
    return services.submit_portfolio(submission=submission, by=by, at=_at(day, 16))


FORM = {
    "agreement": "yes",
    "review_three": "yes",
    "review_six": "yes",
    "final_report": "yes",
    "supervision": "yes",
    "reduced_workload": "yes",
    "protected_time": "yes",
    "reflection_logs": "yes",
    "development_plans": "yes",
    "observations": "yes",
    "accurate": "yes",
    "valid": "yes",
    "robust": "yes",
    "sufficient": "yes",
    "strengths": "Reflective logs that use research and the law; the child's voice is clear "
    "in the observations.",
    "gaps": "Little yet on court work.",
    "comments": "The evidence supports the assessor's judgement.",
}


def _form(allocation: Allocation, day: date, *, complete=True, **changes) -> None:
    if ModerationForm.objects.filter(allocation=allocation).exists():
        return
    services.record_form(
        allocation=allocation,
        by=allocation.moderator.person,
        values={**FORM, **changes},
        complete=complete,
        at=_at(day),
    )


def six_month_panel(today: date, people, enrolments: dict[str, Enrolment]) -> Panel:
    some = next(iter(enrolments.values()))
    held_on = _weekday_on_or_after(some.month_starts_on(7) + timedelta(days=21))
    panel = _panel(Panel.Kind.SIX_MONTHS, held_on, people)
    if not panel.is_open:
        return panel
    entries = _enter(panel, list(enrolments.values()), people)
    for n, (staff_id, submission) in enumerate(entries.items()):
        day = panel.submissions_due_on - timedelta(days=1 + n % 3)
        enrolment = enrolments[staff_id]
        if not submission.is_submitted:
            _portfolio(enrolment, day)
            _submit(submission, enrolment, day, by_assessor=n % 2 == 1)
    services.allocate_automatically(panel=panel, by=people["ld_officer"])
    read_on = held_on - timedelta(days=4)
    for staff_id, submission in entries.items():
        for allocation in submission.allocations.select_related("moderator__person"):
            if staff_id == CONCERNS:
                _form(
                    allocation,
                    read_on,
                    final_report="na",
                    observations="no",
                    robust="no",
                    concerns=True,
                    concern_details="Only one observation by month 6, and the 3-month review was "
                    "signed off five weeks late. Is the support plan enough?",
                    comments="Progress is described, but the evidence for it is thin.",
                )
            elif staff_id == NOT_VERIFIED:
                _form(
                    allocation,
                    read_on,
                    final_report="na",
                    accurate="no",
                    sufficient="no",
                    comments="The review says 'on track'; the logs and the written work do not "
                    "show the analysis that would support that.",
                )
            else:
                _form(allocation, read_on, final_report="na")
    chair = people["chair"]
    for staff_id, submission in entries.items():
        if submission.decisions.exists():
            continue
        if staff_id == NOT_VERIFIED:
            services.record_decision(
                submission=submission,
                by=chair,
                verdict=Decision.Verdict.NOT_VERIFIED,
                reasons="The panel does not agree the NQSW is on track: the analysis in the "
                "written work is descriptive. Concerns go to the Service Development Lead "
                "(CAPABILITY) and the assessor sets a support plan.",
                sign_off=True,
                at=_at(held_on, 12),
            )
        elif staff_id == REDECIDED:
            services.record_decision(
                submission=submission,
                by=chair,
                verdict=Decision.Verdict.DEFERRED,
                reasons="The 6-month review is not mapped to the PCF: deferred until the "
                "assessor adds the evidence map.",
                sign_off=True,
                at=_at(held_on, 12),
            )
            services.record_decision(
                submission=submission,
                by=chair,
                verdict=Decision.Verdict.VERIFIED,
                reasons="With the review mapped, the evidence supports the assessor's judgement "
                "of progress.",
                change_reason="The assessor mapped the 6-month review to the PCF and the KSS, "
                "as the panel asked.",
                sign_off=True,
                at=_at(held_on + timedelta(days=7), 12),
            )
        else:
            services.record_decision(
                submission=submission,
                by=chair,
                verdict=Decision.Verdict.VERIFIED,
                reasons="The portfolio supports the assessor's judgement of progress at six "
                "months.",
                sign_off=True,
                at=_at(held_on, 12),
            )
    return services.close_panel(panel=panel, by=chair, at=_at(held_on + timedelta(days=8)))


def _second_readers(panel: Panel, entries: dict[str, Submission], people) -> None:
    """The adult-services lead and the external members each read one submitted portfolio
    as a second moderator (MOD-ALLOCATE), so that each of their demo sign-ins has exactly
    the panel member's view with something in it (issue 15 item 2). Not the portfolios on a
    fail pathway or with concerns, whose forms the demo writes."""
    readable = [
        submission
        for staff_id, submission in entries.items()
        if submission.is_submitted and staff_id not in (FAILING, CONCERNS)
    ]
    Role = PanelMember.Role
    seats = (Role.SDL_ADULTS, Role.SERVICE_USER, Role.UNIVERSITY)
    members = panel.members.filter(role__in=seats, person__isnull=False).order_by("role", "pk")
    for n, member in enumerate(members):
        if (
            not readable
            or Allocation.objects.filter(moderator=member, submission__in=readable).exists()
        ):
            continue
        submission = readable[n % len(readable)]
        if not submission.allocations.filter(moderator=member).exists():
            services.allocate_to(submission=submission, moderator=member, by=people["ld_officer"])


def final_panel(today: date, people, enrolments: dict[str, Enrolment]) -> Panel:
    held_on = _weekday_on_or_after(today + timedelta(days=10))
    panel = _panel(Panel.Kind.FINAL, held_on, people)
    entries = _enter(panel, list(enrolments.values()), people)
    services.allocate_automatically(panel=panel, by=people["ld_officer"])
    gm_demo = people["gm_cai"]
    # The one still not in: someone gm.demo does not read, so gm.demo has portfolios to read.
    not_in = next(
        staff_id
        for staff_id, submission in reversed(entries.items())
        if staff_id not in (FAILING, LATE_ACCEPTED, CONCERNS)
        and not submission.allocations.filter(moderator__person=gm_demo).exists()
    )
    for n, (staff_id, submission) in enumerate(entries.items()):
        enrolment = enrolments[staff_id]
        if staff_id == not_in or submission.is_submitted:
            continue
        if staff_id == LATE_ACCEPTED:
            _portfolio(enrolment, today)
            if submission.late_accepted_at is None:
                services.accept_late(
                    submission=submission, by=people["chair"], at=_at(today - timedelta(days=1))
                )
            _submit(submission, enrolment, today, by_assessor=True)
            continue
        day = panel.submissions_due_on - timedelta(days=1 + n % 3)
        _portfolio(enrolment, day)
        _submit(submission, enrolment, day, by_assessor=staff_id == FAILING)
    entries = _enter(panel, list(enrolments.values()), people)  # as submitted now
    _second_readers(panel, entries, people)
    for staff_id, submission in entries.items():
        if not submission.is_submitted:
            continue
        for allocation in submission.allocations.select_related("moderator__person"):
            if staff_id == CONCERNS:
                _form(
                    allocation,
                    today - timedelta(days=1),
                    robust="no",
                    concerns=True,
                    concern_details="The third observation came in month 11; the panel should "
                    "hear from the assessor how the gaps raised at six months were closed.",
                    comments="A PASS is plausible but the evidence of progress since six "
                    "months is thin.",
                )
            elif staff_id == FAILING:
                _form(
                    allocation,
                    today,
                    complete=False,
                    accurate="",
                    valid="",
                    robust="",
                    sufficient="",
                    comments="Reading: the FAIL looks well evidenced so far.",
                )
    return panel


@transaction.atomic
def build(today: date | None = None, *, people: dict[str, Person]) -> dict[str, Panel]:
    """Add the earlier NQSWs and the two panels around `today`; return the panels."""
    today = today or timezone.localdate()
    enrolments = earlier_enrolments(today, people)
    _supervision(today, people, list(enrolments.values()))
    six_held = _weekday_on_or_after(
        next(iter(enrolments.values())).month_starts_on(7) + timedelta(days=21)
    )
    final_held = _weekday_on_or_after(today + timedelta(days=10))
    for panel in _demo_panels(people):
        if (panel.kind, panel.held_on) not in {
            (Panel.Kind.SIX_MONTHS, six_held),
            (Panel.Kind.FINAL, final_held),
        }:
            _clear(panel)
    six = six_month_panel(today, people, enrolments)
    final = final_panel(today, people, enrolments)
    for enrolment in enrolments.values():
        _portfolio(enrolment, today)
    return {"six_months": six, "final": final}
