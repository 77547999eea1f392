"""Demo portfolios for the demo academy's NQSWs, at the stage their ASYE month has reached.

`cohorts.demo.build` (run by `manage.py seed_demo`) creates the people and enrolments; this
step gives every current ASYE enrolment of the demo academy a portfolio whose records are
dated on a believable year's timeline, up to `today` and never beyond. nqsw.demo's portfolio
has gaps for the checks to find: no self-assessment at the start (NAT-SELF), their first log
still waiting for the assessor's feedback (LOGS), and, once due, the second piece of written
work not assessed, no observation by anyone but the assessor (OBS-THREE) and a missing
piece of children's feedback (NAT-EVIDENCE).

Everything goes through the services, so the demo obeys the same rules as the pages. It is
idempotent: each record is looked up by its natural key first, so a second run on the same
day adds nothing, and a run on a later day adds only what has come due since.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from academy import csvfiles
from assessment import frameworks, services
from assessment.models import (
    PLANNED_REVIEW_FIELDS,
    AssessorFeedback,
    DevelopmentPlan,
    DirectObservation,
    Framework,
    FrameworkElement,
    PortfolioPdf,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessment,
    SupportAgreement,
    WrittenWork,
    review_kind,
)
from cohorts.demo import ECDP, EMAIL_DOMAIN, SEPTEMBER_NQSWS
from cohorts.models import Enrolment, Programme

NQSW_DEMO = SEPTEMBER_NQSWS[0][0].staff_id  # nqsw.demo: the portfolio with gaps
# What nqsw.demo has not done yet (the keys of TIMELINE below).
GAPS = {"self-start", "log-1-feedback", "written-2-assessed", "obs-2", "child-2"}


@dataclass(frozen=True)
class Item:
    key: str
    month: int  # the ASYE month it happens in
    day: int  # days into that month (negative: before the month begins)
    make: Callable  # make(enrolment, on, elements) -> None
    evidences: tuple[str, ...] = ()  # "PCF 1", "KSS 2"...


def _elements(enrolment, labels, on):
    """The statements named by `labels` ("KSS 3") in force on `on` for the enrolment's
    programme: an ECDP portfolio's record names none of the ASYE's (issue 14)."""
    wanted = {tuple(label.split()) for label in labels}
    frameworks = Framework.objects.in_force(on, enrolment.programme_run)
    return [
        e
        for e in FrameworkElement.objects.filter(framework__in=frameworks).select_related(
            "framework"
        )
        if (e.framework.code, str(e.number)) in wanted
    ]


def _ref(enrolment, n):
    return f"{enrolment.practice_group.service.code}/{enrolment.asye_start.year}/{n:04d}"


# --- Making each kind of record (skipped when it exists) ---------------------------------------


def agreement(enrolment, on, elements):
    if enrolment.agreements.exists():
        return
    # The programme's other points (the ECDP pilot's 12- and 18-month reviews, issue 14) are
    # planned like the 3- and 6-month: a few days before they are due.
    planned = {
        review_kind(point.month): enrolment.month_starts_on(point.month) - timedelta(days=5)
        for point in enrolment.programme_run.points.all()
        if review_kind(point.month) not in PLANNED_REVIEW_FIELDS
    }
    services.save_agreement(
        enrolment=enrolment,
        by=enrolment.assessor,
        sign_off=True,
        planned=planned,
        agreed_on=on,
        three_month_review_on=enrolment.month_starts_on(4) - timedelta(days=5),
        six_month_review_on=enrolment.month_starts_on(7) - timedelta(days=5),
        nine_month_review_on=None,
        final_review_on=enrolment.planned_end() - timedelta(days=10),
        panel_on=enrolment.planned_end() + timedelta(days=21),
        supervision_frequency=(
            "Weekly in weeks 1 to 6; 1:1 every 14 days from week 7; every 21 days from "
            "month 9 unless more support is needed."
        ),
        workload_protection=(
            "Caseload built up within the academy caps; no sole CP or CLA cases before "
            "month 7; co-working with the Grade 10/11 social worker."
        ),
        protected_time="Half a day each week, booked in the diary, for study and the portfolio.",
        other_support="Monthly assessor group sessions on evidence and reflection.",
    )


def plan(period):
    needs = {
        "months_0_3": (
            "Getting to know the procedures; chronologies.",
            "Shadowing; guided reading.",
        ),
        "months_3_6": ("Section 47 enquiries; court skills.", "Co-work an S47; attend court."),
        "months_6_12": ("Leading CP conferences; analysis.", "Present at conference; supervision."),
    }[period]

    def make(enrolment, on, elements):
        if enrolment.development_plans.filter(period=period).exists():
            return
        services.save_development_plan(
            enrolment=enrolment,
            by=enrolment.assessor,
            period=period,
            agreed_on=on,
            learning_needs=needs[0],
            actions=needs[1],
            support="The practice manager and the academy's Grade 10/11 social worker.",
        )

    return make


def self_assessment(stage, rating):
    def make(enrolment, on, elements):
        if enrolment.self_assessments.filter(stage=stage).exists():
            return
        standard = (
            Framework.objects.in_force(on, enrolment.programme_run).filter(kind="standard").first()
        )
        services.complete_self_assessment(
            enrolment=enrolment,
            by=enrolment.person,
            stage=stage,
            completed_on=on,
            ratings={e: (min(4, rating + (e.number % 2)), "") for e in standard.elements.all()},
            reflection="Where I think I am, and what I want from the next months.",
        )

    return make


def log(n, title, period=ReflectionLog.Period.LOG):
    def make(enrolment, on, elements):
        if enrolment.reflection_logs.filter(title=title).exists():
            return
        services.write_log(
            enrolment=enrolment,
            by=enrolment.person,
            title=title,
            written_on=on,
            period=period,
            case_reference=_ref(enrolment, 100 + n),
            reflection=(
                "What happened, what I felt, what I did and why; what the research and the "
                "law say; what I would do differently and what the child would say about it."
            ),
            elements=elements,
        )

    return make


def log_feedback(title):
    def make(enrolment, on, elements):
        found = enrolment.reflection_logs.filter(title=title).first()
        if found is None or AssessorFeedback.objects.filter(log=found).exists():
            return
        services.give_log_feedback(
            log=found,
            assessor=enrolment.assessor,
            given_on=on,
            feedback="Good analysis. Say more about how your own values shaped the decision.",
        )

    return make


def observation(n, by_pm=False):
    settings = ["Home visit", "Child protection conference", "Core group meeting"]

    def make(enrolment, on, elements):
        observer = enrolment.practice_manager if by_pm else enrolment.assessor
        if enrolment.observations.filter(observed_on=on, observer=observer).exists():
            return
        services.record_observation(
            enrolment=enrolment,
            observer=observer,
            observed_on=on,
            setting=settings[n % len(settings)],
            case_reference=_ref(enrolment, 200 + n),
            what_observed=(
                "The NQSW led the meeting with the family, explained the worries plainly and "
                "made sure the children's views were heard."
            ),
            feedback=(
                "Warm and direct. Next time check the parents' understanding before moving "
                "to the plan."
            ),
            nqsw_reflection="I rushed the ending; I will leave more time for questions.",
            elements=elements,
        )

    return make


def feedback(n, source):
    role = {"child": "young person, 14", "professional": "school designated safeguarding lead"}

    def make(enrolment, on, elements):
        if enrolment.practice_feedback.filter(source=source, received_on=on).exists():
            return
        services.record_feedback(
            enrolment=enrolment,
            by=enrolment.person,
            source=source,
            received_on=on,
            given_by_role=role[source],
            case_reference=_ref(enrolment, 300 + n),
            feedback=(
                "She listened and came back when she said she would."
                if source == "child"
                else "Clear, timely information sharing and a well-run meeting."
            ),
            nqsw_reflection="It helped to hear what made the difference.",
            elements=elements,
        )

    return make


def written(n, kind, title):
    def make(enrolment, on, elements):
        if enrolment.written_work.filter(title=title).exists():
            return
        services.add_written_work(
            enrolment=enrolment,
            by=enrolment.person,
            kind=kind,
            title=title,
            completed_on=on,
            case_reference=_ref(enrolment, 400 + n),
            summary="The analysis of risks and strengths, and the plan it led to.",
            nqsw_reflection="I found the analysis section hardest to write.",
            elements=elements,
        )

    return make


def assessed(title):
    def make(enrolment, on, elements):
        work = enrolment.written_work.filter(title=title).first()
        if work is None or work.is_assessed:
            return
        services.assess_written_work(
            work=work,
            assessor=enrolment.assessor,
            assessed_on=on,
            comments="Well argued and child-centred; the analysis could weigh the history more.",
        )

    return make


def review(kind):
    def make(enrolment, on, elements):
        if enrolment.reviews.filter(kind=kind).exists():
            return
        services.save_review(
            enrolment=enrolment,
            by=enrolment.assessor,
            kind=kind,
            sign_off=True,
            held_on=on,
            progress="Progressing as expected against the PCF at ASYE level and the KSS.",
            nqsw_comments="I agree; I want more court work.",
            next_steps="Carry on with the development plan.",
            elements=elements,
        )

    return make


def recommendation(enrolment, on, elements):
    if enrolment.recommendations.exists():
        return
    services.save_recommendation(
        enrolment=enrolment,
        by=enrolment.assessor,
        sign_off=True,
        outcome=Recommendation.Outcome.PASS,
        rationale="Consistently meets the PCF at ASYE level and the KSS across the evidence.",
    )


# A believable year: (key, ASYE month, days into it, what, the statements it evidences).
TIMELINE = [
    Item("agreement", 1, 9, agreement),
    Item("plan-0-3", 1, 10, plan("months_0_3")),
    Item("self-start", 1, 12, self_assessment("start", 1)),
    Item("log-1", 2, 8, log(1, "My first home visit"), ("PCF 1", "PCF 6", "KSS 2")),
    Item("log-1-feedback", 2, 14, log_feedback("My first home visit")),
    Item(
        "written-1",
        3,
        4,
        written(1, "assessment", "Child and family assessment"),
        ("PCF 5", "KSS 6"),
    ),
    Item("written-1-assessed", 3, 11, assessed("Child and family assessment")),
    Item("obs-1", 3, 10, observation(1), ("PCF 1", "PCF 7", "KSS 1", "KSS 2")),
    Item("child-1", 3, 15, feedback(1, "child"), ("PCF 2", "KSS 1")),
    Item("professional-1", 3, 19, feedback(1, "professional"), ("PCF 8", "KSS 10")),
    Item("review-3", 4, -5, review("three_months"), ("PCF 1", "PCF 2", "PCF 6")),
    Item("plan-3-6", 4, -4, plan("months_3_6")),
    Item("log-2", 4, 10, log(2, "Holding risk in a section 47"), ("PCF 7", "KSS 5", "KSS 9")),
    Item("log-2-feedback", 4, 16, log_feedback("Holding risk in a section 47")),
    Item(
        "written-2",
        5,
        3,
        written(2, "conference", "Initial child protection conference report"),
        ("PCF 7", "KSS 7"),
    ),
    Item("written-2-assessed", 5, 10, assessed("Initial child protection conference report")),
    Item("obs-2", 5, 10, observation(2, by_pm=True), ("PCF 3", "PCF 4", "KSS 4")),
    Item("child-2", 5, 12, feedback(2, "child"), ("PCF 3", "KSS 3")),
    Item(
        "reflection-6",
        7,
        -10,
        log(3, "Six months in", ReflectionLog.Period.SIX_MONTHS),
        ("PCF 1", "PCF 9"),
    ),
    Item("reflection-6-feedback", 7, -7, log_feedback("Six months in")),
    Item("self-midway", 7, -8, self_assessment("midway", 2)),
    Item("review-6", 7, -5, review("six_months"), ("PCF 3", "PCF 4", "PCF 5", "KSS 4")),
    Item("plan-6-12", 7, -4, plan("months_6_12")),
    Item("professional-2", 7, 10, feedback(2, "professional"), ("PCF 8", "KSS 10")),
    Item("obs-3", 8, 10, observation(3), ("PCF 7", "PCF 9", "KSS 5", "KSS 8")),
    Item(
        "written-3",
        8,
        5,
        written(3, "court", "Statement for an interim care order"),
        ("PCF 5", "KSS 8"),
    ),
    Item("written-3-assessed", 8, 12, assessed("Statement for an interim care order")),
    Item("child-3", 9, 5, feedback(3, "child"), ("KSS 1", "KSS 3")),
    Item("professional-3", 9, 12, feedback(3, "professional"), ("PCF 8", "KSS 4")),
    Item("log-3", 9, 3, log(4, "Supervision that changed my mind"), ("PCF 6", "KSS 9")),
    Item("log-3-feedback", 9, 9, log_feedback("Supervision that changed my mind")),
    Item(
        "reflection-12",
        12,
        5,
        log(5, "Looking back on the year", ReflectionLog.Period.TWELVE_MONTHS),
        ("PCF 1", "PCF 6", "PCF 9"),
    ),
    Item("reflection-12-feedback", 12, 9, log_feedback("Looking back on the year")),
    Item("self-end", 12, 8, self_assessment("end", 3)),
    Item(
        "review-final",
        12,
        15,
        review("final"),
        tuple(f"PCF {n}" for n in range(1, 10)) + tuple(f"KSS {n}" for n in range(1, 11)),
    ),
    Item("recommendation", 12, 16, recommendation),
]


def _on(enrolment, item) -> date:
    return enrolment.month_starts_on(item.month) + timedelta(days=item.day)


def _on_leave(enrolment, day) -> bool:
    return any(x.first_day <= day <= x.last_day for x in enrolment.extensions.all())


def _stale(enrolment) -> bool:
    """Records left from an earlier academic year's run (dated before this ASYE began)."""
    start = enrolment.asye_start
    return (
        enrolment.observations.filter(observed_on__lt=start).exists()
        or enrolment.reflection_logs.filter(written_on__lt=start).exists()
        or enrolment.agreements.filter(agreed_on__lt=start).exists()
    )


def _clear(enrolment) -> None:
    AssessorFeedback.objects.filter(log__enrolment=enrolment).delete()
    for model in [
        DirectObservation,
        ReflectionLog,
        PracticeFeedback,
        WrittenWork,
        SelfAssessment,
        DevelopmentPlan,
        Recommendation,
        Review,
        SupportAgreement,
        PortfolioPdf,
    ]:
        model.objects.filter(enrolment=enrolment).delete()


def portfolio(enrolment: Enrolment, today: date, gaps=frozenset()) -> None:
    """Bring one portfolio up to `today`, skipping the keys in `gaps`."""
    if enrolment.asye_start is None or enrolment.asye_start > today or enrolment.assessor is None:
        return
    if _stale(enrolment):
        _clear(enrolment)
    for item in TIMELINE:
        if item.key in gaps:
            continue
        on = _on(enrolment, item)
        if on > today or on < enrolment.asye_start or on > enrolment.planned_end():
            continue
        if _on_leave(enrolment, on):
            continue
        item.make(enrolment, on, _elements(enrolment, item.evidences, on))


SAMPLE_FRAMEWORK = (
    Path(__file__).resolve().parent / "sample_frameworks" / "SAMPLE-early-career-placeholder.json"
)
SAMPLE_CODE = "SAMPLE-ECS"


def sample_framework() -> Framework | None:
    """The ECDP pilot's framework: the shipped placeholder file, imported as an academy
    would import the real early career standards (issue 14), once."""
    programme = Programme.objects.filter(name=ECDP).first()
    if programme is None:
        return None
    found = Framework.objects.filter(code=SAMPLE_CODE).first()
    if found is None:
        found = frameworks.import_framework(
            text=csvfiles.read_file(SAMPLE_FRAMEWORK),
            file_name=SAMPLE_FRAMEWORK.name,
            name="SAMPLE early career standards (placeholder, not the real text)",
            version="sample-1",
            in_force_from=date(2027, 1, 1),
            code=SAMPLE_CODE,
            source=f"assessment/sample_frameworks/{SAMPLE_FRAMEWORK.name}",
            programmes=[programme],
        ).framework
    return found


@transaction.atomic
def build(today: date | None = None, *, people=None) -> dict[str, Enrolment]:
    """Give every current demo ASYE a portfolio as of `today`; return them by staff id.

    `people` (what `cohorts.demo.build` returns) is accepted so that `seed_demo` can call
    every feature's step the same way; the enrolments are found by the demo's email domain.
    """
    today = today or timezone.localdate()
    sample_framework()
    enrolments = (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, person__email__endswith=f"@{EMAIL_DOMAIN}")
        .select_related("person", "assessor", "practice_group__practice_manager")
        .prefetch_related("extensions")
        .order_by("person__staff_id")
    )
    built = {}
    for enrolment in enrolments:
        gaps = GAPS if enrolment.person.staff_id == NQSW_DEMO else frozenset()
        portfolio(enrolment, today, gaps)
        built[enrolment.person.staff_id] = enrolment
    return built
