"""Reading portfolios: the facts the checks need, and everything one portfolio shows.

Both the assessor's list (many enrolments) and the portfolio page (one) get their facts from
`facts_for`, so the checks they show can never disagree. Every function here runs a fixed
number of queries whatever the number of records.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from academy.findings import Finding
from assessment import checks
from assessment.models import (
    AssessorFeedback,
    DevelopmentPlan,
    DirectObservation,
    EvidencePolicy,
    Framework,
    FrameworkElement,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessment,
    SelfAssessmentRating,
    SupportAgreement,
    WrittenWork,
)
from cohorts.models import Enrolment
from learning.record import LearningRecord, learning_record

# The portfolio's sections in order: (anchor, title). The PDF's contents list them too.
SECTIONS = [
    ("missing", "What is still missing"),
    ("evidence-map", "Evidence map"),
    ("agreement", "Support and assessment agreement"),
    ("plans", "Development plans"),
    ("reviews", "Reviews"),
    ("observations", "Direct observations"),
    ("logs", "Critical reflection logs"),
    ("child-feedback", "Feedback from children and young people"),
    ("professional-feedback", "Feedback from other professionals"),
    ("written-work", "Written work"),
    ("self-assessments", "Self-assessments"),
    ("learning", "Learning and development"),
    ("recommendation", "Recommendation"),
]

# The evidence map's columns: (key, heading). Reviews count in their current version only.
EVIDENCE_COLUMNS = [
    ("observations", "Observations"),
    ("logs", "Reflection logs"),
    ("child", "Children's feedback"),
    ("professional", "Professionals' feedback"),
    ("written", "Written work"),
    ("reviews", "Reviews"),
]
MAPPED_MODELS = [DirectObservation, ReflectionLog, PracticeFeedback, WrittenWork, Review]

_NOBODY = object()


# --- Pure helpers ---------------------------------------------------------------------------


def assessor_on(timeline: Sequence[tuple[date, int | None]], day: date, current: int | None):
    """The NQSW's assessor on `day`, from the enrolment's history (oldest change first).

    The assessor is whoever the last change recorded by that day named. A record dated
    before the enrolment's first history row (entered late) takes the first assessor on
    record; with no history at all, the current one.
    """
    found = _NOBODY
    for recorded_on, assessor_id in timeline:
        if recorded_on > day:
            break
        found = assessor_id
    if found is _NOBODY:
        return timeline[0][1] if timeline else current
    return found


def frameworks_for(
    frameworks: Iterable[Framework], on: date | None, programme=None
) -> list[Framework]:
    """The frameworks in force on `on` for `programme` (as FrameworkQuerySet.in_force)."""
    on = on or timezone.localdate()
    return [f for f in frameworks if f.in_force_on(on) and f.applies_to(programme)]


def frameworks_between(
    frameworks: Iterable[Framework], first: date, last: date, programme=None
) -> list[Framework]:
    """Every framework version in force on some day from `first` to `last` for `programme`,
    oldest first: a portfolio that straddles a change (the KSS, then the early career
    standards from 1 April 2027) shows both (EVIDENCE, issue 14)."""
    return sorted(
        (
            f
            for f in frameworks
            if f.applies_to(programme)
            and (f.in_force_from is None or f.in_force_from <= last)
            and (f.in_force_until is None or f.in_force_until > first)
        ),
        key=lambda f: (f.kind, f.in_force_from or date.min, f.code, f.version),
    )


def span_of(enrolment: Enrolment) -> tuple[date, date]:
    """The days an enrolment's evidence can be dated: its start to its planned end (or
    the day it ended), so the frameworks of its whole programme are known in advance."""
    today = timezone.localdate()
    first = enrolment.asye_start or today
    last = enrolment.end_date or enrolment.planned_end() or today
    return first, max(first, last)


def judged_against(frameworks: Iterable[Framework], enrolment: Enrolment) -> list[Framework]:
    """The framework versions an enrolment's evidence coverage is judged against
    (EVIDENCE): those of its programme in force at the end of its span, where the final
    assessment is made (the evidence map shows every version of the span)."""
    return frameworks_for(frameworks, span_of(enrolment)[1], enrolment.programme_run)


def frameworks_of(frameworks: Iterable[Framework], enrolment: Enrolment) -> list[Framework]:
    """The framework versions an enrolment's portfolio is mapped against, over its span."""
    return frameworks_between(frameworks, *span_of(enrolment), enrolment.programme_run)


def standard_for(
    frameworks: Iterable[Framework], on: date | None, programme=None
) -> Framework | None:
    """The standard NQSWs assess themselves against on `on` (NAT-SELF)."""
    for framework in frameworks_for(frameworks, on, programme):
        if framework.kind == Framework.Kind.STANDARD:
            return framework
    return None


def self_assessment_day(enrolment: Enrolment) -> date:
    """The day whose standard a new self-assessment rates: today, within the span."""
    first, last = span_of(enrolment)
    return min(max(timezone.localdate(), first), last)


def with_elements(frameworks, elements, programme_links) -> list[Framework]:
    """`all_frameworks` from rows read elsewhere (`academy.tables.read_together`): each
    framework's elements set as if prefetched, its programme ids as if annotated."""
    by_framework = {}
    for element in sorted(elements, key=lambda e: (e.framework_id, e.number)):
        by_framework.setdefault(element.framework_id, []).append(element)
    programmes = {}
    for link in programme_links:
        programmes.setdefault(link.framework_id, []).append(str(link.programme_id))
    for framework in frameworks:
        found = by_framework.get(framework.pk, [])
        for element in found:
            element.framework = framework
        cached = framework.elements.all()
        cached._result_cache, cached._prefetch_done = found, True
        framework._prefetched_objects_cache = {"elements": cached}
        framework.programme_ids = ",".join(programmes.get(framework.pk, [])) or None
    return list(frameworks)


def all_frameworks() -> list[Framework]:
    """Every framework with its elements, and the ids of its programmes gathered into the
    framework's own row (Framework.applies_to reads them): two queries, a handful of rows."""
    return list(
        Framework.objects.annotate(
            programme_ids=StringAgg(Cast("programmes__id", CharField()), delimiter=Value(","))
        ).prefetch_related("elements")
    )


def due_for(enrolment: Enrolment) -> checks.Due:
    """Due dates from the ASYE start and the approved extensions (MONTH-2), the reviews at
    the enrolment's programme's points (issue 14; prefetch_points for many enrolments)."""
    points = [(p.month, p.label, p.optional) for p in enrolment.programme_run.points.all()]
    return checks.Due.derive(enrolment.month_starts_on, enrolment.planned_end(), points)


def prefetch_points(enrolments: Iterable[Enrolment]) -> None:
    """Their programmes' review points in one query (a handful of rows), for due_for."""
    prefetch_related_objects([e.programme_run for e in enrolments], "points")


def heat(count: int) -> str:
    """The evidence map's CSS class for a count: none, one, two, three or more."""
    return f"heat-{min(count, 3)}"


# --- Facts for the checks, for many enrolments at once --------------------------------------


def _timelines_from(rows) -> dict[int, list[tuple[date, int | None]]]:
    timelines = defaultdict(list)
    for enrolment_id, recorded, _history_id, assessor_id in sorted(
        rows, key=lambda row: (row[1], row[2])
    ):
        timelines[enrolment_id].append((recorded, assessor_id))
    return timelines


def _timelines(ids: Sequence[int]) -> dict[int, list[tuple[date, int | None]]]:
    rows = Enrolment.history.filter(id__in=ids).values_list(
        "id", TruncDate("history_date"), "history_id", "assessor_id"
    )
    return _timelines_from(rows)


def _covered_parts(ids: Sequence[int]) -> list:
    """The framework elements each enrolment's evidence covers (reviews: current versions),
    as (enrolment id, element id) rows from the five evidence-to-element tables."""
    parts = []
    for model in MAPPED_MODELS:
        through = model.elements.through
        owner = model.elements.field.m2m_field_name()
        element = model.elements.field.m2m_reverse_field_name()
        rows = through.objects.filter(**{f"{owner}__enrolment_id__in": ids})
        if model is Review:
            # Only the current (highest) version of each review counts.
            latest = (
                Review.objects.filter(
                    enrolment_id=OuterRef(f"{owner}__enrolment_id"), kind=OuterRef(f"{owner}__kind")
                )
                .order_by("-version")
                .values("version")[:1]
            )
            rows = rows.filter(**{f"{owner}__version": Subquery(latest)})
        parts.append(rows.annotate(enrolment=F(f"{owner}__enrolment_id"), element=F(element)))
    return parts


def _covered(ids: Sequence[int]) -> dict[int, set[int]]:
    """The framework elements each enrolment's evidence covers (reviews: current versions)."""
    parts = [rows.values_list("enrolment", "element").order_by() for rows in _covered_parts(ids)]
    covered = defaultdict(set)
    for enrolment_id, element_id in parts[0].union(*parts[1:], all=True):
        covered[enrolment_id].add(element_id)
    return covered


# The columns of `_fact_rows`: every branch of the UNION ALL gives the same six, typed alike
# (a branch fills the ones it has no use for with typed NULLs).
_NO_DAY = Cast(Value(None), DateField())
_NO_NUMBER = Cast(Value(None), IntegerField())
_NO_TEXT = Cast(Value(None), CharField())


def _branch(queryset, tag: str, enrolment, day=_NO_DAY, n=_NO_NUMBER, m=_NO_NUMBER, text=_NO_TEXT):
    return (
        queryset.annotate(
            f_enrolment=enrolment if not isinstance(enrolment, str) else F(enrolment),
            f_tag=Value(tag, output_field=CharField()),
            f_day=day,
            f_n=n,
            f_m=m,
            f_text=text,
        )
        .values_list("f_enrolment", "f_tag", "f_day", "f_n", "f_m", "f_text")
        .order_by()
    )


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _fact_rows(ids: Sequence[int]):
    """Every row the checks' facts are made of, for all `ids`, in ONE query: a UNION ALL of
    the enrolments' history (the assessor timeline) and of each portfolio table (issue 11: the
    home pages read these facts for every NQSW they show; one query each was most of the
    15-query budget). Rows are (enrolment id, tag, day, n, m, text)."""
    answered = Exists(
        AssessorFeedback.objects.filter(log=OuterRef("pk"), log_version=OuterRef("version"))
    )
    branches = [
        *(_branch(rows, "covered", "enrolment", n=F("element")) for rows in _covered_parts(ids)),
        _branch(
            DirectObservation.objects.filter(enrolment_id__in=ids),
            "observation",
            "enrolment_id",
            day=F("observed_on"),
            n=F("observer_id"),
        ),
        _branch(
            PracticeFeedback.objects.filter(enrolment_id__in=ids)
            .values("enrolment_id", "source")
            .annotate(count=Count("id")),
            "feedback",
            "enrolment_id",
            n=F("count"),
            text=F("source"),
        ),
        _branch(
            WrittenWork.objects.filter(enrolment_id__in=ids)
            .values("enrolment_id")
            .annotate(added=Count("id"), assessed=Count("id", filter=Q(assessed_by__isnull=False))),
            "written",
            "enrolment_id",
            n=F("added"),
            m=F("assessed"),
        ),
        _branch(
            ReflectionLog.objects.filter(enrolment_id__in=ids),
            "log",
            "enrolment_id",
            day=F("written_on"),
            n=_flag(answered),
            text=F("period"),
        ),
        _branch(
            SupportAgreement.objects.filter(enrolment_id__in=ids, signed_off_at__isnull=False),
            "agreement",
            "enrolment_id",
            day=F("agreed_on"),
            n=F("version"),
            m=_flag(Q(nine_month_review_on__isnull=False)),
        ),
        _branch(
            Review.objects.filter(enrolment_id__in=ids, signed_off_at__isnull=False),
            "review",
            "enrolment_id",
            text=F("kind"),
        ),
        _branch(
            SelfAssessment.objects.filter(enrolment_id__in=ids),
            "self",
            "enrolment_id",
            text=F("stage"),
        ),
        _branch(
            DevelopmentPlan.objects.filter(enrolment_id__in=ids),
            "plan",
            "enrolment_id",
            text=F("period"),
        ),
        _branch(
            Recommendation.objects.filter(enrolment_id__in=ids, signed_off_at__isnull=False),
            "recommendation",
            "enrolment_id",
            n=F("version"),
            text=F("outcome"),
        ),
        _branch(
            Enrolment.history.filter(id__in=ids),
            "history",
            "id",
            day=TruncDate("history_date"),
            n=F("history_id"),
            m=F("assessor_id"),
        ),
    ]
    # A UNION takes the first queryset's model ordering, which must name a column of the
    # result: the evidence-to-element tables, first, have none.
    return branches[0].union(*branches[1:], all=True)


def facts_for(
    enrolments: Sequence[Enrolment],
    frameworks: Sequence[Framework] | None = None,
    policies: Sequence[EvidencePolicy] | None = None,
) -> dict[int, checks.PortfolioFacts]:
    """The checks' facts for each enrolment, keyed by its id, in a fixed number of queries
    (the frameworks and the evidence policies unless given, and `_fact_rows`' one UNION ALL).

    The enrolments should come from `Enrolment.objects.for_listing()` (extensions and the
    practice group prefetched) so that their due dates cost nothing more.
    """
    ids = [e.pk for e in enrolments]
    if not ids:
        return {}
    frameworks = all_frameworks() if frameworks is None else frameworks
    policies = list(EvidencePolicy.objects.all()) if policies is None else policies
    prefetch_points(enrolments)

    history, observations = [], defaultdict(list)
    feedback, written = defaultdict(int), {}
    milestones, awaiting = defaultdict(set), defaultdict(list)
    agreements, recommendations = defaultdict(list), defaultdict(list)
    signed_reviews, stages, plans = defaultdict(set), defaultdict(set), defaultdict(set)
    covered = defaultdict(set)
    for pk, tag, day, n, m, text in _fact_rows(ids):
        if tag == "history":
            history.append((pk, day, n, m))
        elif tag == "observation":
            observations[pk].append((day, n))
        elif tag == "feedback":
            feedback[pk, text] = n
        elif tag == "written":
            written[pk] = (n, m)
        elif tag == "log":
            milestones[pk].add(text)
            if not n:
                awaiting[pk].append(day)
        elif tag == "agreement":
            agreements[pk].append((n, day, bool(m)))
        elif tag == "review":
            signed_reviews[pk].add(text)
        elif tag == "self":
            stages[pk].add(text)
        elif tag == "plan":
            plans[pk].add(text)
        elif tag == "recommendation":
            recommendations[pk].append((n, text))
        elif tag == "covered":
            covered[pk].add(n)
    timelines = _timelines_from(history)
    agreed_on, nine_month = {}, {}
    for pk, versions in agreements.items():
        versions.sort()
        agreed_on[pk] = versions[0][1]  # the first signed-off version
        nine_month[pk] = versions[-1][2]  # the latest signed-off version
    # The latest signed-off version wins.
    recommendation = {pk: max(versions)[1] for pk, versions in recommendations.items()}

    facts = {}
    for enrolment in enrolments:
        pk = enrolment.pk
        timeline = timelines.get(pk, [])
        in_force = judged_against(frameworks, enrolment)
        uncovered = [
            f"{framework.code} {element.number}"
            for framework in in_force
            for element in framework.elements.all()
            if element.pk not in covered[pk]
        ]
        added, assessed = written.get(pk, (0, 0))
        policy = EvidencePolicy.in_force(enrolment.asye_start or timezone.localdate(), policies)
        facts[pk] = checks.PortfolioFacts(
            due=due_for(enrolment),
            minimums=policy.minimums(),
            asye_start=enrolment.asye_start,
            programme_months=enrolment.programme_length,
            status=enrolment.status,
            assessor_id=enrolment.assessor_id,
            practice_manager_id=enrolment.practice_group.practice_manager_id,
            observations_by_assessor=tuple(
                observer_id is not None
                and observer_id == assessor_on(timeline, observed_on, enrolment.assessor_id)
                for observed_on, observer_id in sorted(observations[pk])
            ),
            child_feedback=feedback[pk, PracticeFeedback.Source.CHILD],
            professional_feedback=feedback[pk, PracticeFeedback.Source.PROFESSIONAL],
            written_work_added=added,
            written_work_assessed=assessed,
            reflection_six_months=ReflectionLog.Period.SIX_MONTHS in milestones[pk],
            reflection_twelve_months=ReflectionLog.Period.TWELVE_MONTHS in milestones[pk],
            logs_awaiting_feedback=tuple(sorted(awaiting[pk])),
            agreement_agreed_on=agreed_on.get(pk),
            nine_month_review_planned=nine_month.get(pk, False),
            reviews_signed_off=frozenset(signed_reviews[pk]),
            self_assessments=frozenset(stages[pk]),
            plans=frozenset(plans[pk]),
            recommendation=recommendation.get(pk),
            uncovered=tuple(uncovered),
        )
    return facts


# --- The minimums as a progress table -------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One line of "what is still missing": what the national framework asks for."""

    rules: str
    what: str
    required: str
    recorded: str
    met: bool
    due: date

    def status(self, today: date | None) -> tuple[str, bool]:
        """What the table says instead of a bare "No" (issue 10 item 13), and whether it is
        overdue. Without a day (print) nothing is judged by date: "due by …"."""
        if self.met:
            return "Met", False
        if today is None:
            return f"Due by {checks.format_day(self.due)}", False
        if today > self.due:
            return "Overdue", True
        return "Not yet due", False


def requirements(facts: checks.PortfolioFacts) -> list[Requirement]:
    m, due = facts.minimums, facts.due
    by_assessor = sum(1 for b in facts.observations_by_assessor if b)
    observations = len(facts.observations_by_assessor)
    by_others = observations - by_assessor
    reviews_needed = due.required_reviews(facts.nine_month_review_planned)
    reviews_done = [p for p in reviews_needed if p.kind in facts.reviews_signed_off]
    # "3-month, 6-month, planned 9-month, final" for the ASYE; the programme's own otherwise.
    reviews_named = ", ".join(
        ("planned " if p.optional else "") + p.label.removesuffix(" review")
        for p in due.reviews[:-1]
    )
    return [
        Requirement(
            "NAT-AGREEMENT",
            "Support and assessment agreement, in the first month",
            "signed off",
            f"agreed {checks.format_day(facts.agreement_agreed_on)}"
            if facts.agreement_agreed_on
            else "not yet",
            facts.agreement_agreed_on is not None,
            due.agreement,
        ),
        Requirement(
            "NAT-PDP",
            "Development plans (months 0-3, 3-6, 6-12)",
            "3",
            str(len(facts.plans)),
            len(facts.plans) >= 3,
            due.six_months,
        ),
        Requirement(
            "NAT-SELF",
            "Self-assessments against the standard (start, midway, end)",
            "3",
            str(len(facts.self_assessments)),
            len(facts.self_assessments) >= 3,
            due.final,
        ),
        Requirement(
            "REVIEWS",
            f"Reviews signed off ({reviews_named}, final)",
            str(len(reviews_needed)),
            str(len(reviews_done)),
            len(reviews_done) == len(reviews_needed),
            due.final,
        ),
        Requirement(
            "OBS-THREE, NAT-EVIDENCE",
            "Direct observations",
            f"{m.observations} ({m.observations_by_assessor} by the assessor, "
            f"{m.observations_by_others} by someone else)",
            f"{observations} ({by_assessor} by the assessor, {by_others} by someone else)",
            not checks.obs_three(
                facts.observations_by_assessor, due=due.final, today=None, minimums=m
            ),
            due.final,
        ),
        Requirement(
            "NAT-EVIDENCE",
            "Feedback from children and young people",
            str(m.child_feedback),
            str(facts.child_feedback),
            facts.child_feedback >= m.child_feedback,
            due.final,
        ),
        Requirement(
            "NAT-EVIDENCE",
            "Feedback from other professionals",
            str(m.professional_feedback),
            str(facts.professional_feedback),
            facts.professional_feedback >= m.professional_feedback,
            due.final,
        ),
        Requirement(
            "NAT-EVIDENCE",
            "Assessed pieces of written work",
            str(m.written_work),
            f"{facts.written_work_assessed} (of {facts.written_work_added} added)",
            facts.written_work_assessed >= m.written_work,
            due.final,
        ),
        Requirement(
            "NAT-EVIDENCE",
            "Critical reflection at 6 months",
            "1",
            "1" if facts.reflection_six_months else "0",
            facts.reflection_six_months,
            due.six_months,
        ),
        Requirement(
            "NAT-EVIDENCE",
            "Critical reflection at 12 months",
            "1",
            "1" if facts.reflection_twelve_months else "0",
            facts.reflection_twelve_months,
            due.final,
        ),
    ]


# --- One whole portfolio --------------------------------------------------------------------


@dataclass
class MapRow:
    element: object
    counts: list[int]
    items: list[tuple[str, str]]  # (label, anchor) of each record that covers the element

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def cells(self) -> list[tuple[int, str]]:
        return [(count, heat(count)) for count in self.counts]

    @property
    def heat(self) -> str:
        return heat(self.total)


@dataclass
class FrameworkMap:
    """One framework version's coverage (issue 14: a straddling portfolio has two)."""

    framework: Framework
    rows: list[MapRow]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if any(row.counts))


@dataclass
class ScheduledReview:
    """One line of the review schedule: due (derived), planned (the agreement), held."""

    key: str
    label: str
    due: date
    planned: date | None
    versions: list = field(default_factory=list)  # newest first
    name: str = ""  # the point's own label, without "(optional)": the agreement lists it

    @property
    def current(self):
        return self.versions[0] if self.versions else None


@dataclass
class Portfolio:
    enrolment: Enrolment
    due: checks.Due
    facts: checks.PortfolioFacts
    frameworks: list[Framework]
    standard: Framework | None
    agreement_versions: list[SupportAgreement]
    plans: list[tuple[str, str, DevelopmentPlan | None]]
    reviews: list[ScheduledReview]
    observations: list[DirectObservation]
    logs: list[ReflectionLog]
    child_feedback: list[PracticeFeedback]
    professional_feedback: list[PracticeFeedback]
    written_work: list[WrittenWork]
    self_assessments: list[tuple[str, str, SelfAssessment | None]]
    recommendation_versions: list[Recommendation]
    evidence_map: list[FrameworkMap] = field(default_factory=list)
    # LEARNING-OPPS and PROTECTED-TIME, read from the learning app (learning/record.py).
    learning: LearningRecord | None = None

    sections = SECTIONS
    evidence_columns = EVIDENCE_COLUMNS

    @property
    def agreement(self):
        return self.agreement_versions[0] if self.agreement_versions else None

    @property
    def programme(self) -> str:
        """The programme's name for the pages' words ("ASYE portfolio", "over the ECDP"):
        the seeded ASYE's is "ASYE", so the ASYE's pages read as they always have (issue 14)."""
        return self.enrolment.programme_run.name

    @property
    def recommendation(self):
        return self.recommendation_versions[0] if self.recommendation_versions else None

    @property
    def requirements(self) -> list[Requirement]:
        return requirements(self.facts)

    def requirement_rows(self, today: date | None) -> list[tuple[Requirement, str, bool]]:
        """Each requirement with its status on `today` (None: print, not judged by date)."""
        return [(r, *r.status(today)) for r in self.requirements]

    def findings(self, today: date | None) -> list[Finding]:
        return checks.evaluate(self.facts, today)


def _with_elements():
    """Prefetch the framework statements a record evidences, with their framework's code."""
    return Prefetch("elements", queryset=FrameworkElement.objects.select_related("framework"))


def _versions_newest_first(queryset):
    return list(queryset.select_related("signed_off_by", "recorded_by").order_by("-version"))


def load(enrolment: Enrolment) -> Portfolio:
    """Everything in one portfolio, in a fixed number of queries.

    `enrolment` should come from `access.get_portfolio_for_user` (loaded for listing).
    """
    frameworks = all_frameworks()
    facts = facts_for([enrolment], frameworks)[enrolment.pk]
    due = facts.due
    in_force = frameworks_of(frameworks, enrolment)
    timeline = _timelines([enrolment.pk]).get(enrolment.pk, [])

    observations = list(
        enrolment.observations.select_related("observer").prefetch_related(_with_elements())
    )
    for observation in observations:
        observation.by_assessor = observation.observer_id == assessor_on(
            timeline, observation.observed_on, enrolment.assessor_id
        )
    logs = list(
        enrolment.reflection_logs.prefetch_related(
            _with_elements(),
            Prefetch(
                "assessor_feedback",
                queryset=AssessorFeedback.objects.select_related("given_by"),
            ),
        )
    )
    feedback = list(enrolment.practice_feedback.prefetch_related(_with_elements()))
    written = list(
        enrolment.written_work.select_related("assessed_by").prefetch_related(_with_elements())
    )
    self_assessments = {
        s.stage: s
        for s in enrolment.self_assessments.select_related("framework").prefetch_related(
            Prefetch("ratings", queryset=SelfAssessmentRating.objects.select_related("element"))
        )
    }
    plans = {p.period: p for p in enrolment.development_plans.all()}
    agreements = _versions_newest_first(enrolment.agreements.prefetch_related("planned_reviews"))
    review_versions = defaultdict(list)
    for review in _versions_newest_first(enrolment.reviews.prefetch_related(_with_elements())):
        review_versions[review.kind].append(review)
    recommendations = _versions_newest_first(enrolment.recommendations.all())

    agreement = agreements[0] if agreements else None
    # The agreement plans every review: the ASYE's in its own fields, a programme's other
    # points in its PlannedReview rows (issue 14).
    reviews = [
        ScheduledReview(
            key=point.kind,
            label=f"{point.label} (optional)" if point.optional else point.label,
            due=point.due,
            planned=agreement.planned_on(point.kind) if agreement else None,
            versions=review_versions[point.kind],
            name=point.label,
        )
        for point in due.reviews
    ]

    portfolio = Portfolio(
        enrolment=enrolment,
        due=due,
        facts=facts,
        frameworks=in_force,
        standard=standard_for(frameworks, self_assessment_day(enrolment), enrolment.programme_run),
        agreement_versions=agreements,
        plans=[(key, label, plans.get(key)) for key, label in DevelopmentPlan.Period.choices],
        reviews=reviews,
        observations=observations,
        logs=logs,
        child_feedback=[f for f in feedback if f.source == PracticeFeedback.Source.CHILD],
        professional_feedback=[
            f for f in feedback if f.source == PracticeFeedback.Source.PROFESSIONAL
        ],
        written_work=written,
        self_assessments=[
            (key, label, self_assessments.get(key)) for key, label in SelfAssessment.Stage.choices
        ],
        recommendation_versions=recommendations,
    )
    portfolio.evidence_map = evidence_map(portfolio)
    portfolio.learning = learning_record(enrolment, timezone.localdate())
    return portfolio


def evidence_map(portfolio: Portfolio) -> list[FrameworkMap]:
    """Each PCF domain and KSS statement against the evidence that covers it (EVIDENCE)."""
    columns = [key for key, _ in EVIDENCE_COLUMNS]
    sources = {
        "observations": [
            (o, f"Observation {o.observed_on:%d/%m/%Y}", f"observation-{o.pk}")
            for o in portfolio.observations
        ],
        "logs": [(g, f"Log: {g.title}", f"log-{g.pk}") for g in portfolio.logs],
        "child": [
            (f, f"Child feedback {f.received_on:%d/%m/%Y}", f"feedback-{f.pk}")
            for f in portfolio.child_feedback
        ],
        "professional": [
            (f, f"Professional feedback {f.received_on:%d/%m/%Y}", f"feedback-{f.pk}")
            for f in portfolio.professional_feedback
        ],
        "written": [
            (w, f"Written work: {w.title}", f"written-{w.pk}") for w in portfolio.written_work
        ],
        "reviews": [
            (slot.current, slot.label, f"review-{slot.key}")
            for slot in portfolio.reviews
            if slot.current is not None
        ],
    }
    by_element = defaultdict(lambda: defaultdict(list))
    for column, records in sources.items():
        for record, label, anchor in records:
            for element in record.elements.all():
                by_element[element.pk][column].append((label, anchor))
    maps = []
    for framework in portfolio.frameworks:
        rows = []
        for element in framework.elements.all():
            found = by_element.get(element.pk, {})
            rows.append(
                MapRow(
                    element=element,
                    counts=[len(found.get(column, [])) for column in columns],
                    items=[item for column in columns for item in found.get(column, [])],
                )
            )
        maps.append(FrameworkMap(framework=framework, rows=rows))
    return maps
