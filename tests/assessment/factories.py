"""Portfolio records for tests, made through the same services users go through."""

from datetime import date, timedelta

import factory

from assessment import services
from assessment.models import (
    DevelopmentPlan,
    DirectObservation,
    Framework,
    FrameworkElement,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SupportAgreement,
    WrittenWork,
)
from tests import factories

# An ASYE that is over by now, so records can be dated anywhere in it (none may be dated
# in the future).
PAST_START = date(2025, 9, 1)


def elements(code: str, *numbers: int) -> list[FrameworkElement]:
    return list(
        FrameworkElement.objects.filter(framework__code=code, number__in=numbers).order_by("number")
    )


class ServiceFactory(factory.Factory):
    """Creates through a service: `_service` is called with the declared values."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._service(**kwargs)


class ObservationFactory(ServiceFactory):
    class Meta:
        model = DirectObservation

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    observer = factory.LazyAttribute(lambda o: o.enrolment.assessor)
    observed_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=30))
    setting = "Home visit"
    case_reference = factory.Sequence(lambda n: f"CP-{n:04d}")
    what_observed = "A home visit with the family to review the child protection plan."
    feedback = "Warm, clear and direct with the parents; kept the child's voice central."
    elements = factory.LazyFunction(lambda: elements("PCF", 1, 7) + elements("KSS", 2))
    _service = staticmethod(services.record_observation)


class LogFactory(ServiceFactory):
    class Meta:
        model = ReflectionLog

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.person)
    title = factory.Sequence(lambda n: f"Reflection {n}")
    written_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=20))
    reflection = "What I noticed about my own assumptions at the strategy meeting."
    period = ReflectionLog.Period.LOG
    elements = factory.LazyFunction(lambda: elements("PCF", 6))
    _service = staticmethod(services.write_log)


class FeedbackFactory(ServiceFactory):
    class Meta:
        model = PracticeFeedback

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.person)
    source = PracticeFeedback.Source.CHILD
    received_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=40))
    given_by_role = "young person, 14"
    feedback = "She listened to me and came back when she said she would."
    elements = factory.LazyFunction(lambda: elements("KSS", 1))
    _service = staticmethod(services.record_feedback)


class WrittenWorkFactory(ServiceFactory):
    class Meta:
        model = WrittenWork

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.person)
    kind = WrittenWork.Kind.ASSESSMENT
    title = factory.Sequence(lambda n: f"Child and family assessment {n}")
    completed_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=50))
    summary = "An assessment of a family with three children; analysis of risk and strengths."
    elements = factory.LazyFunction(lambda: elements("PCF", 5) + elements("KSS", 6))
    _service = staticmethod(services.add_written_work)


def assess(work, comments="Well argued and child-centred."):
    return services.assess_written_work(
        work=work,
        assessor=work.enrolment.assessor,
        comments=comments,
        assessed_on=work.completed_on + timedelta(days=3),
    )


def give_feedback(log, text="Good use of theory; say more about the impact on the child."):
    return services.give_log_feedback(
        log=log,
        assessor=log.enrolment.assessor,
        feedback=text,
        given_on=log.written_on + timedelta(days=2),
    )


def self_assessment(enrolment, stage, completed_on=None, rating=3):
    standard = Framework.objects.in_force(enrolment.asye_start).get(kind="standard")
    return services.complete_self_assessment(
        enrolment=enrolment,
        by=enrolment.person,
        stage=stage,
        completed_on=completed_on or enrolment.asye_start + timedelta(days=10),
        ratings={e: (rating, f"Note on {e.number}") for e in standard.elements.all()},
        reflection="Where I am now.",
    )


class PlanFactory(ServiceFactory):
    class Meta:
        model = DevelopmentPlan

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.assessor)
    period = DevelopmentPlan.Period.MONTHS_0_3
    agreed_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=14))
    learning_needs = "Court skills; chronologies."
    actions = "Shadow a court hearing; co-work a chronology."
    _service = staticmethod(services.save_development_plan)


class AgreementFactory(ServiceFactory):
    class Meta:
        model = SupportAgreement

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.assessor)
    sign_off = True
    agreed_on = factory.LazyAttribute(lambda o: o.enrolment.asye_start + timedelta(days=14))
    three_month_review_on = factory.LazyAttribute(lambda o: o.enrolment.month_starts_on(4))
    six_month_review_on = factory.LazyAttribute(lambda o: o.enrolment.month_starts_on(7))
    nine_month_review_on = None
    final_review_on = factory.LazyAttribute(
        lambda o: o.enrolment.planned_end() - timedelta(days=14)
    )
    panel_on = factory.LazyAttribute(lambda o: o.enrolment.planned_end() + timedelta(days=20))
    supervision_frequency = "Weekly, then fortnightly from week 7."
    workload_protection = "Caseload held within CAP-MAX for the service and month."
    protected_time = "Half a day a week for study and reflection."
    _service = staticmethod(services.save_agreement)


class ReviewFactory(ServiceFactory):
    class Meta:
        model = Review

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.assessor)
    kind = Review.Kind.THREE_MONTHS
    sign_off = True
    held_on = factory.LazyAttribute(
        lambda o: (
            o.enrolment.month_starts_on(
                {"three_months": 4, "six_months": 7, "nine_months": 10, "final": 12}[o.kind]
            )
            - timedelta(days=3)
        )
    )
    progress = "Progressing well against the PCF and the KSS."
    elements = factory.LazyFunction(lambda: elements("PCF", 1, 2, 3))
    _service = staticmethod(services.save_review)


class RecommendationFactory(ServiceFactory):
    class Meta:
        model = Recommendation

    enrolment = factory.SubFactory(factories.EnrolmentFactory)
    by = factory.LazyAttribute(lambda o: o.enrolment.assessor)
    sign_off = True
    outcome = Recommendation.Outcome.PASS
    rationale = "Consistently meets the PCF at ASYE level and the KSS."
    _service = staticmethod(services.save_recommendation)


def frameworks(enrolment):
    return Framework.objects.in_force(enrolment.asye_start)


def past_enrolment(**kwargs):
    """An NQSW whose ASYE is over, so a whole year of records can be dated."""
    return factories.EnrolmentFactory(asye_start=PAST_START, **kwargs)


def complete_portfolio(enrolment, copies=1, other_observer=None):
    """Every kind of record, `copies` times over (at least the national minimums at 3)."""
    start = enrolment.asye_start
    other_observer = other_observer or enrolment.practice_group.practice_manager
    AgreementFactory(enrolment=enrolment)
    for period in DevelopmentPlan.Period.values:
        PlanFactory(enrolment=enrolment, period=period)
    for n in range(copies):
        day = start + timedelta(days=20 + n)
        ObservationFactory(enrolment=enrolment, observed_on=day)
        ObservationFactory(
            enrolment=enrolment, observed_on=day + timedelta(days=1), observer=other_observer
        )
        give_feedback(LogFactory(enrolment=enrolment, written_on=day))
        FeedbackFactory(enrolment=enrolment, received_on=day)
        FeedbackFactory(
            enrolment=enrolment,
            received_on=day,
            source=PracticeFeedback.Source.PROFESSIONAL,
            given_by_role="health visitor",
        )
        assess(WrittenWorkFactory(enrolment=enrolment, completed_on=day))
    for period, written_on in [
        (ReflectionLog.Period.SIX_MONTHS, enrolment.month_starts_on(7) - timedelta(days=5)),
        (ReflectionLog.Period.TWELVE_MONTHS, enrolment.planned_end() - timedelta(days=20)),
    ]:
        give_feedback(LogFactory(enrolment=enrolment, period=period, written_on=written_on))
    for stage, month in [("start", 1), ("midway", 6), ("end", 12)]:
        self_assessment(enrolment, stage, enrolment.month_starts_on(month) + timedelta(days=5))
    for kind in Review.Kind.values[:-1]:
        ReviewFactory(enrolment=enrolment, kind=kind)
    # The final review looks across the whole year: every domain and statement.
    ReviewFactory(
        enrolment=enrolment,
        kind=Review.Kind.FINAL,
        elements=list(FrameworkElement.objects.filter(framework__in=frameworks(enrolment))),
    )
    RecommendationFactory(enrolment=enrolment)
    return enrolment
