"""Writing to a portfolio: every change goes through here, validated and in a transaction.

Views check who may ask (academy.access); these functions keep the records valid whoever
calls them (a view, the demo, a test): `full_clean()` before every save, the NQSW's
enrolment row locked while versions are numbered, history written by simple-history.

Signed-off records (the agreement, reviews, the recommendation) are never edited in place:
`save_agreement`, `save_review` and `save_recommendation` edit a draft, or record the next
version when the current one is signed off.
"""

from collections.abc import Callable, Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.models import Person
from assessment import summaries
from assessment.models import (
    PLANNED_REVIEW_FIELDS,
    AssessorFeedback,
    DevelopmentPlan,
    DirectObservation,
    Framework,
    FrameworkElement,
    PlannedReview,
    PortfolioPdf,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessment,
    SelfAssessmentRating,
    SignedOffVersion,
    SupportAgreement,
    WrittenWork,
    review_kind,
)
from cohorts.models import Enrolment
from cohorts.services import lock_enrolment

MAPPABLE = (DirectObservation, ReflectionLog, PracticeFeedback, WrittenWork, Review)


def _check_elements(
    enrolment: Enrolment, elements: Iterable[FrameworkElement], on: date | None = None
) -> list:
    """EVIDENCE: evidence dated `on` maps only to the frameworks in force that day for the
    NQSW's programme (issue 14): before the early career standards begin, the KSS; after,
    the new standard."""
    elements = list(elements)
    if not elements:
        return elements
    on = on or enrolment.asye_start
    programme = enrolment.programme_run
    allowed = set(
        FrameworkElement.objects.filter(
            framework__in=Framework.objects.in_force(on, programme)
        ).values_list("pk", flat=True)
    )
    stray = [e for e in elements if e.pk not in allowed]
    if stray:
        raise ValidationError(
            "EVIDENCE: "
            + ", ".join(str(e) for e in stray)
            + f" is not in a framework this {programme.name} is assessed against"
            + (f" on {on:%d/%m/%Y}." if on else ".")
        )
    return elements


def evidence_date(record) -> date | None:
    """The day a mappable record is dated (its model's EVIDENCE_DATE field)."""
    return getattr(record, type(record).EVIDENCE_DATE)


def _assessor_only(enrolment: Enrolment, person: Person, what: str) -> None:
    """Only the NQSW's own assessor signs; re-checking ASSESSOR-INDEPENDENT on the way."""
    if enrolment.assessor_id is None or enrolment.assessor_id != person.pk:
        raise ValidationError(f"Only the NQSW's assessor can {what}.")
    enrolment.clean()  # ASSESSOR-INDEPENDENT: the assessor is not the NQSW's PM


def _save(record, elements=None):
    record.full_clean()
    record.save()
    if elements is not None:
        record.elements.set(_check_elements(record.enrolment, elements, evidence_date(record)))
    summaries.forget(record.enrolment)
    return record


def _update(record, fields: dict, elements=None):
    for name, value in fields.items():
        setattr(record, name, value)
    return _save(record, elements)


# --- Observations (OBS-THREE) ---------------------------------------------------------------


@transaction.atomic
def record_observation(
    *,
    enrolment: Enrolment,
    observer: Person,
    observed_on: date,
    setting: str,
    case_reference: str,
    what_observed: str,
    feedback: str,
    nqsw_reflection: str = "",
    elements: Iterable[FrameworkElement] = (),
) -> DirectObservation:
    """A direct observation, recorded by the person who observed (assessor or PM)."""
    observation = DirectObservation(
        enrolment=enrolment,
        observer=observer,
        recorded_by=observer,
        observed_on=observed_on,
        setting=setting,
        case_reference=case_reference,
        what_observed=what_observed,
        feedback=feedback,
        nqsw_reflection=nqsw_reflection,
    )
    return _save(observation, elements)


@transaction.atomic
def update_observation(
    *, observation: DirectObservation, elements: Iterable[FrameworkElement] | None = None, **fields
) -> DirectObservation:
    allowed = {"observed_on", "setting", "case_reference", "what_observed", "feedback"}
    _refuse_unknown(fields, allowed)
    return _update(observation, fields, elements)


@transaction.atomic
def reflect_on_observation(*, observation: DirectObservation, reflection: str) -> DirectObservation:
    """The NQSW's reflection afterwards."""
    return _update(observation, {"nqsw_reflection": reflection})


# --- Logs (LOGS) ----------------------------------------------------------------------------


@transaction.atomic
def write_log(
    *,
    enrolment: Enrolment,
    by: Person,
    title: str,
    written_on: date,
    reflection: str,
    period: str = ReflectionLog.Period.LOG,
    case_reference: str = "",
    elements: Iterable[FrameworkElement] = (),
) -> ReflectionLog:
    log = ReflectionLog(
        enrolment=enrolment,
        recorded_by=by,
        period=period,
        title=title,
        written_on=written_on,
        reflection=reflection,
        case_reference=case_reference,
    )
    return _save(log, elements)


LOG_FIELDS = ("period", "title", "written_on", "reflection", "case_reference")


@transaction.atomic
def update_log(
    *,
    log: ReflectionLog,
    elements: Iterable[FrameworkElement] | None = None,
    change_reason: str = "",
    **fields,
) -> ReflectionLog:
    """Change a log; once the assessor has answered it, a change is the next version (LOGS).

    The new version needs its reason and awaits the assessor's feedback again; the history
    keeps each version (the database refuses a silent change, migration 0006).
    """
    _refuse_unknown(fields, LOG_FIELDS)
    # Compare with the stored row: a bound form has already copied its values onto `log`.
    stored = ReflectionLog.objects.select_for_update().get(pk=log.pk)
    changed = any(getattr(stored, name) != value for name, value in fields.items())
    log.version = stored.version
    if changed and stored.assessor_feedback.exists():
        if not change_reason.strip():
            raise ValidationError(
                {
                    "change_reason": (
                        "LOGS: your assessor has given feedback on this log: say why you are "
                        "changing it (the change becomes a new version)."
                    )
                }
            )
        log.version += 1
        log.change_reason = change_reason.strip()
        log.changed_after_feedback_at = timezone.now()
        log._change_reason = log.change_reason  # simple-history's reason for this version
    return _update(log, fields, elements)


@transaction.atomic
def give_log_feedback(
    *, log: ReflectionLog, assessor: Person, feedback: str, given_on: date | None = None
) -> AssessorFeedback:
    """LOGS: the assessor's feedback on a reflection log."""
    _assessor_only(log.enrolment, assessor, "give feedback on a reflection log")
    answer = AssessorFeedback(
        log=log,
        log_version=log.version,
        given_by=assessor,
        given_on=given_on or timezone.localdate(),
        feedback=feedback,
    )
    answer.full_clean()
    answer.save()
    summaries.forget(log.enrolment)
    return answer


# --- Feedback from children and professionals, written work (NAT-EVIDENCE) ------------------


@transaction.atomic
def record_feedback(
    *,
    enrolment: Enrolment,
    by: Person,
    source: str,
    received_on: date,
    given_by_role: str,
    feedback: str,
    case_reference: str = "",
    nqsw_reflection: str = "",
    elements: Iterable[FrameworkElement] = (),
) -> PracticeFeedback:
    record = PracticeFeedback(
        enrolment=enrolment,
        recorded_by=by,
        source=source,
        received_on=received_on,
        given_by_role=given_by_role,
        feedback=feedback,
        case_reference=case_reference,
        nqsw_reflection=nqsw_reflection,
    )
    return _save(record, elements)


@transaction.atomic
def update_feedback(
    *, record: PracticeFeedback, elements: Iterable[FrameworkElement] | None = None, **fields
) -> PracticeFeedback:
    allowed = {"received_on", "given_by_role", "feedback", "case_reference", "nqsw_reflection"}
    _refuse_unknown(fields, allowed)
    return _update(record, fields, elements)


@transaction.atomic
def add_written_work(
    *,
    enrolment: Enrolment,
    by: Person,
    kind: str,
    title: str,
    completed_on: date,
    summary: str,
    case_reference: str = "",
    nqsw_reflection: str = "",
    elements: Iterable[FrameworkElement] = (),
) -> WrittenWork:
    work = WrittenWork(
        enrolment=enrolment,
        recorded_by=by,
        kind=kind,
        title=title,
        completed_on=completed_on,
        summary=summary,
        case_reference=case_reference,
        nqsw_reflection=nqsw_reflection,
    )
    return _save(work, elements)


@transaction.atomic
def update_written_work(
    *, work: WrittenWork, elements: Iterable[FrameworkElement] | None = None, **fields
) -> WrittenWork:
    allowed = {"kind", "title", "completed_on", "summary", "case_reference", "nqsw_reflection"}
    _refuse_unknown(fields, allowed)
    return _update(work, fields, elements)


@transaction.atomic
def assess_written_work(
    *, work: WrittenWork, assessor: Person, comments: str, assessed_on: date | None = None
) -> WrittenWork:
    """NAT-EVIDENCE counts a piece of written work once the assessor has assessed it."""
    _assessor_only(work.enrolment, assessor, "assess written work")
    return _update(
        work,
        {
            "assessed_by": assessor,
            "assessed_on": assessed_on or timezone.localdate(),
            "assessor_comments": comments,
        },
    )


@transaction.atomic
def map_evidence(*, record, elements: Iterable[FrameworkElement]):
    """EVIDENCE: the PCF domains and KSS statements a record evidences."""
    if not isinstance(record, MAPPABLE):
        raise ValidationError("Only observations, logs, feedback, written work and reviews.")
    if isinstance(record, Review) and record.is_signed_off:
        raise ValidationError(
            "This review was signed off and cannot be changed: record a new version instead."
        )
    record.elements.set(_check_elements(record.enrolment, elements, evidence_date(record)))
    summaries.forget(record.enrolment)
    return record


# --- Self-assessments (NAT-SELF) ------------------------------------------------------------


@transaction.atomic
def complete_self_assessment(
    *,
    enrolment: Enrolment,
    by: Person,
    stage: str,
    completed_on: date,
    ratings: dict[FrameworkElement, tuple[int, str]],
    reflection: str = "",
) -> SelfAssessment:
    """NAT-SELF: a rating (and note) for every statement of the standard in force."""
    lock_enrolment(enrolment)
    # The standard in force on the day it is completed, for the NQSW's programme.
    standard = (
        Framework.objects.in_force(completed_on, enrolment.programme_run)
        .filter(kind=Framework.Kind.STANDARD)
        .prefetch_related("elements")
        .first()
    )
    if standard is None:
        raise ValidationError("NAT-SELF: no post-qualifying standard is in force for this ASYE.")
    wanted = {e.pk for e in standard.elements.all()}
    given = {e.pk for e in ratings}
    if given != wanted:
        raise ValidationError(
            f"NAT-SELF: rate every one of the {len(wanted)} statements of the {standard.code}."
        )
    assessment = enrolment.self_assessments.filter(stage=stage).first() or SelfAssessment(
        enrolment=enrolment, stage=stage, recorded_by=by
    )
    assessment.framework = standard
    assessment.completed_on = completed_on
    assessment.reflection = reflection
    assessment.full_clean()
    assessment.save()
    existing = {r.element_id: r for r in assessment.ratings.all()}
    for element, (rating, note) in ratings.items():
        row = existing.get(element.pk) or SelfAssessmentRating(
            self_assessment=assessment, element=element
        )
        if row.pk and (row.rating, row.note) == (rating, note):
            continue  # unchanged: no history row
        row.rating, row.note = rating, note
        row.full_clean()
        row.save()
    summaries.forget(enrolment)
    return assessment


# --- Development plans (NAT-PDP) ------------------------------------------------------------


@transaction.atomic
def save_development_plan(
    *,
    enrolment: Enrolment,
    by: Person,
    period: str,
    agreed_on: date,
    learning_needs: str,
    actions: str,
    support: str = "",
) -> DevelopmentPlan:
    """A plan for months 0-3, 3-6 or 6-12, agreed with the assessor; edits keep history."""
    _assessor_only(enrolment, by, "record a development plan")
    lock_enrolment(enrolment)
    plan = enrolment.development_plans.filter(period=period).first() or DevelopmentPlan(
        enrolment=enrolment, period=period, recorded_by=by
    )
    return _update(
        plan,
        {
            "agreed_on": agreed_on,
            "learning_needs": learning_needs,
            "actions": actions,
            "support": support,
        },
    )


# --- Signed-off versions: agreement, reviews, recommendation --------------------------------


def _save_version(
    model: type[SignedOffVersion],
    *,
    enrolment: Enrolment,
    by: Person,
    key: dict,
    values: dict,
    sign_off: bool,
    change_reason: str,
    elements: Iterable[FrameworkElement] | None = None,
    what: str,
    children_unchanged: Callable[[SignedOffVersion], bool] | None = None,
    check: Callable[[SignedOffVersion], None] | None = None,
):
    """Edit the draft, or record the next version when the current one is signed off.

    `children_unchanged(current)` says whether rows the caller writes with the version (an
    agreement's planned reviews) are as they were; `check(record)` refuses what its own
    constraints cannot see."""
    _assessor_only(enrolment, by, what)
    lock_enrolment(enrolment)
    current = model.objects.filter(enrolment=enrolment, **key).order_by("-version").first()
    day = values.get(model.EVIDENCE_DATE) if hasattr(model, "EVIDENCE_DATE") else None
    elements = None if elements is None else _check_elements(enrolment, elements, day)
    if current is not None and not current.is_signed_off:
        record = current
    else:
        record = model(enrolment=enrolment, version=current.version + 1 if current else 1, **key)
        if current is not None:
            unchanged = all(getattr(current, name) == value for name, value in values.items())
            if elements is not None:
                unchanged &= {e.pk for e in elements} == {e.pk for e in current.elements.all()}
            if children_unchanged is not None:
                unchanged &= children_unchanged(current)
            if unchanged:
                raise ValidationError(
                    f"Nothing has changed since version {current.version} was signed off."
                )
            if not change_reason.strip():
                raise ValidationError(
                    {
                        "change_reason": (
                            f"Version {current.version} was signed off: say why this new "
                            "version replaces it."
                        )
                    }
                )
    for name, value in values.items():
        setattr(record, name, value)
    record.recorded_by = by
    record.change_reason = change_reason if record.version > 1 else ""
    if sign_off:
        record.signed_off_at = timezone.now()
        record.signed_off_by = by
    record.full_clean()
    if check is not None:
        check(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as e:
        # Another request numbered the same version first (the constraints refuse the second).
        raise ValidationError(
            "Someone else saved this at the same moment: reload and retry."
        ) from e
    if elements is not None:
        record.elements.set(elements)
    summaries.forget(enrolment)
    return record


AGREEMENT_FIELDS = (
    "agreed_on",
    "three_month_review_on",
    "six_month_review_on",
    "nine_month_review_on",
    "final_review_on",
    "panel_on",
    "supervision_frequency",
    "workload_protection",
    "protected_time",
    "other_support",
)
REVIEW_FIELDS = ("held_on", "progress", "nqsw_comments", "next_steps")
RECOMMENDATION_FIELDS = ("outcome", "rationale")


def _refuse_unknown(fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def save_agreement(
    *,
    enrolment: Enrolment,
    by: Person,
    sign_off: bool = False,
    change_reason: str = "",
    planned: dict[str, date | None] | None = None,
    **values,
) -> SupportAgreement:
    """NAT-AGREEMENT: the support and assessment agreement (the initial review).

    `planned` dates the programme's points that have no field of their own ({Review.kind:
    date}, the ECDP's "month_13" ..., issue 14); they are written with the version, so each
    version keeps its own."""
    _refuse_unknown(values, AGREEMENT_FIELDS)
    points = list(enrolment.programme_run.points.all())
    others = [review_kind(p.month) for p in points]
    others = [kind for kind in others if kind not in PLANNED_REVIEW_FIELDS]
    planned = planned or {}
    _refuse_unknown(planned, others)
    dated = {kind: planned[kind] for kind in others if planned.get(kind) is not None}

    def check(record: SupportAgreement) -> None:
        errors = record.planned_order_errors(dated, points)
        if errors:
            raise ValidationError(errors)

    record = _save_version(
        SupportAgreement,
        enrolment=enrolment,
        by=by,
        key={},
        values=values,
        sign_off=sign_off,
        change_reason=change_reason,
        what="record the support and assessment agreement",
        children_unchanged=lambda current: current.planned_dates() == dated,
        check=check,
    )
    _write_planned_reviews(record, dated)
    return record


def _write_planned_reviews(agreement: SupportAgreement, dated: dict[str, date]) -> None:
    """Make the version's PlannedReview rows equal `dated`, changing only what differs
    (a draft saved again writes no needless history)."""
    existing = {row.kind: row for row in agreement.planned_reviews.all()}
    for kind, row in existing.items():
        if kind not in dated:
            row.delete()
    for kind, day in dated.items():
        row = existing.get(kind)
        if row is not None and row.planned_on == day:
            continue
        if row is not None and agreement.is_signed_off:
            # A draft signed off with a changed date: the row is replaced, because the
            # database refuses an UPDATE of a signed-off agreement's dates (migration 0011).
            row.delete()
            row = None
        if row is None:
            row = PlannedReview(agreement=agreement, kind=kind, planned_on=day)
        row.planned_on = day
        row.full_clean()
        row.save()


def _refuse_unsettled_capability(enrolment: Enrolment) -> None:
    """CAPABILITY: a concern is handled before the final assessment and a PiP's outcome
    feeds the final report, so the final review is not signed off while either is open.
    Read through the enrolment's reverse relation (learning's Concern QuerySet), so this
    app does not import learning, which may come to build on assessment."""
    unsettled = enrolment.capability_concerns.unsettled().count()
    if unsettled:
        raise ValidationError(
            f"CAPABILITY: {unsettled} concern(s) about competence are still open or on a PiP "
            "without its outcome: the Service Development Lead or the GM records the "
            "outcome first, and it feeds this final review."
        )


@transaction.atomic
def save_review(
    *,
    enrolment: Enrolment,
    by: Person,
    kind: str,
    sign_off: bool = False,
    change_reason: str = "",
    elements: Iterable[FrameworkElement] | None = None,
    **values,
) -> Review:
    """REVIEWS: a review at one of the programme's points (the ASYE's 3-, 6- and 9-month,
    the ECDP's own, issue 14) or the final review."""
    _refuse_unknown(values, REVIEW_FIELDS)
    points = enrolment.programme_run.points.all()
    if kind != Review.Kind.FINAL and kind not in {review_kind(p.month) for p in points}:
        raise ValidationError(
            f"REVIEWS: the {enrolment.programme_run.name} has no review of this kind."
        )
    if kind == Review.Kind.FINAL and sign_off:
        _refuse_unsettled_capability(enrolment)
    return _save_version(
        Review,
        enrolment=enrolment,
        by=by,
        key={"kind": kind},
        values=values,
        sign_off=sign_off,
        change_reason=change_reason,
        elements=elements,
        what="record a review",
    )


@transaction.atomic
def save_recommendation(
    *, enrolment: Enrolment, by: Person, sign_off: bool = False, change_reason: str = "", **values
) -> Recommendation:
    """NAT-OUTCOME: PASS or FAIL with the rationale, made at the final review."""
    _refuse_unknown(values, RECOMMENDATION_FIELDS)
    if (
        sign_off
        and not enrolment.reviews.filter(
            kind=Review.Kind.FINAL, signed_off_at__isnull=False
        ).exists()
    ):
        raise ValidationError(
            "NAT-OUTCOME: the recommendation is made at the final review: sign off the final "
            "review first."
        )
    return _save_version(
        Recommendation,
        enrolment=enrolment,
        by=by,
        key={},
        values=values,
        sign_off=sign_off,
        change_reason=change_reason,
        what="make the recommendation",
    )


# --- The PDF --------------------------------------------------------------------------------


def request_portfolio_pdf(*, enrolment: Enrolment) -> PortfolioPdf:
    """The PDF of the portfolio as it is now: ready, or queued for the background task.

    The row is keyed by the hash of what the PDF would show, so an unchanged portfolio is
    never rendered twice; a failed render is queued again.
    """
    from assessment import pdf, tasks

    html = pdf.portfolio_html(enrolment)
    content_hash = pdf.content_hash(html)
    with transaction.atomic():
        row, created = PortfolioPdf.objects.get_or_create(
            enrolment=enrolment, content_hash=content_hash
        )
        if created or row.status == PortfolioPdf.Status.FAILED:
            if not created:
                row.status = PortfolioPdf.Status.PENDING
                row.requested_at = timezone.now()
                row.save(update_fields=["status", "requested_at"])
            # The database queue writes its job in this transaction, so the worker only
            # sees it once the row above is committed.
            tasks.render_portfolio_pdf.enqueue(enrolment_id=enrolment.pk)
    row.refresh_from_db()
    return row


def current_portfolio_pdf(*, enrolment: Enrolment) -> tuple[str, PortfolioPdf | None]:
    """The hash of the portfolio as it is now and its PDF row, if one was asked for."""
    from assessment import pdf

    content_hash = pdf.content_hash(pdf.portfolio_html(enrolment))
    row = PortfolioPdf.objects.filter(enrolment=enrolment, content_hash=content_hash).first()
    return content_hash, row


def render_portfolio_pdf(*, enrolment: Enrolment) -> PortfolioPdf:
    """Render and store the PDF of the portfolio as it is now, unless it already exists.

    The background task and `manage.py export_portfolio` both come here. WeasyPrint runs
    outside a transaction of its own: it takes seconds and must not hold the write lock.
    """
    from assessment import pdf

    html = pdf.portfolio_html(enrolment)
    content_hash = pdf.content_hash(html)
    row, _ = PortfolioPdf.objects.get_or_create(enrolment=enrolment, content_hash=content_hash)
    if (
        row.status == PortfolioPdf.Status.READY
        and row.file
        and row.file.storage.exists(row.file.name)
    ):
        return row
    try:
        document = pdf.write_pdf(html)
    except Exception:
        PortfolioPdf.objects.filter(pk=row.pk).update(status=PortfolioPdf.Status.FAILED)
        raise
    name = f"{enrolment.person.staff_id}-{content_hash[:16]}.pdf"
    with transaction.atomic():
        row.file.save(name, ContentFile(document), save=False)
        row.status = PortfolioPdf.Status.READY
        row.rendered_at = timezone.now()
        row.save(update_fields=["file", "status", "rendered_at"])
        # Older renders of this portfolio show what it no longer is: keep storage bounded.
        # (A pending row may be rendering in another worker: leave it be.)
        stale = enrolment.portfolio_pdfs.exclude(pk=row.pk).exclude(
            status=PortfolioPdf.Status.PENDING
        )
        for old in stale:
            if old.file:
                old.file.delete(save=False)
            old.delete()
    return row
