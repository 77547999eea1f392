"""The panel's decisions (MOD-DECISION, NAT-OUTCOME, MOD-FORM) and pay progression
(PROGRESSION).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academy.models import Person
from assessment.models import Recommendation
from cohorts.models import Enrolment
from cohorts.services import lock_enrolment, record_outcome
from moderation.models import (
    Decision,
    ModerationForm,
    ModerationPolicy,
    ModerationRecord,
    Panel,
    ProgressionAuthorisation,
    Submission,
)
from moderation.services._common import (
    _day,
    _enqueue,
    _lock_submission,
    _now,
    is_chair,
    manages,
    refuse,
)

# --- Decisions (MOD-DECISION, NAT-OUTCOME) ----------------------------------------------------


def outcome_for(kind: str, verdict: str, recommendation: str) -> str:
    """NAT-OUTCOME: what a signed decision does to the ASYE. Only a final panel sets it.

    Verified: the assessor's recommendation stands (pass or fail). Deferred: the ASYE is
    paused, to go on later. Not verified: no outcome; the recommendation goes back to the
    assessor and the NQSW to a later panel.
    """
    if kind != Panel.Kind.FINAL:
        return Decision.Outcome.NONE
    if verdict == Decision.Verdict.VERIFIED:
        return {
            Recommendation.Outcome.PASS: Decision.Outcome.PASSED,
            Recommendation.Outcome.FAIL: Decision.Outcome.FAILED,
        }[recommendation]
    if verdict == Decision.Verdict.DEFERRED:
        return Decision.Outcome.DEFERRED
    return Decision.Outcome.NONE


def _forms_in(submission: Submission) -> None:
    """MOD-DECISION: the panel decides once every allocated moderator's form is in."""
    rows = list(submission.allocations.select_related("moderator__person", "form"))
    if not rows:
        refuse("MOD-ALLOCATE", "no moderator has been allocated this portfolio.")
    waiting = []
    for row in rows:
        try:
            complete = row.form.is_complete
        except ModerationForm.DoesNotExist:
            complete = False
        if not complete:
            waiting.append(row.moderator.display_name)
    if waiting:
        refuse(
            "MOD-DECISION",
            f"{len(rows) - len(waiting)} of {len(rows)} moderation forms are in; waiting for "
            f"{', '.join(waiting)}. The panel decides once every allocated form is complete.",
        )


def when_decidable(submission: Submission, *, allocated: int, forms_done: int, today) -> str:
    """Empty when the panel can record its decision on this portfolio now; otherwise when it
    can, in the words of the rule that holds it back (the checks `record_decision` makes)."""
    panel = submission.panel
    if not submission.is_submitted:
        return "Not submitted yet: the decision can be recorded once it is in (MOD-SUBMIT)."
    if not allocated:
        return (
            "No moderator is allocated yet: the decision can be recorded once one is and "
            "their form is complete (MOD-ALLOCATE)."
        )
    if forms_done < allocated:
        return (
            f"{forms_done} of {allocated} moderation forms are complete: the decision can be "
            "recorded once every one is (MOD-DECISION)."
        )
    if today < panel.held_on:
        return (
            f"The decision can be recorded at the meeting, from {panel.held_on.day} "
            f"{panel.held_on:%B %Y} (MOD-DECISION)."
        )
    return ""


@transaction.atomic
def record_decision(
    *,
    submission: Submission,
    by: Person,
    verdict: str,
    reasons: str,
    change_reason: str = "",
    sign_off: bool = False,
    at: datetime | None = None,
) -> Decision:
    """Record what the panel decided, and why (MOD-DECISION).

    Edits the draft; after a sign-off, records the next version with the reason for the
    change. Signing off is the chair's alone.
    """
    submission = _lock_submission(submission)
    panel = submission.panel
    lock_enrolment(submission.enrolment)
    if not manages(panel, by):
        refuse(
            "MOD-DECISION",
            "the panel's chair, deputy chair or the Professional Practice team records its "
            "decisions.",
        )
    if sign_off and not is_chair(panel, by):
        refuse("MOD-DECISION", "only the panel's chair signs decisions off.")
    if not submission.is_submitted:
        refuse("MOD-SUBMIT", "this portfolio was never submitted: there is nothing to decide.")
    if _day(at) < panel.held_on:
        refuse(
            "MOD-DECISION",
            f"the panel decides at its meeting on {panel.held_on:%d/%m/%Y}, not before.",
        )
    _forms_in(submission)
    if verdict not in Decision.Verdict.values:
        refuse("MOD-DECISION", "the panel verifies, does not verify, or defers.", "verdict")
    current = submission.decisions.order_by("-version").first()
    if current is not None and not current.is_signed_off:
        decision = current
    else:
        decision = Decision(submission=submission, version=current.version + 1 if current else 1)
        if current is not None:
            if (current.verdict, current.reasons) == (verdict, reasons):
                refuse(
                    "MOD-DECISION",
                    f"nothing has changed since version {current.version} was signed off.",
                )
            if not change_reason.strip():
                refuse(
                    "MOD-DECISION",
                    f"version {current.version} was signed off: say why this decision replaces it.",
                    "change_reason",
                )
    decision.verdict = verdict
    decision.reasons = reasons
    decision.outcome = outcome_for(panel.kind, verdict, submission.recommendation)
    decision.change_reason = change_reason if decision.version > 1 else ""
    decision.recorded_by = by
    decision.recorded_at = _now(at)
    if sign_off:
        decision.signed_off_by = by
        decision.signed_off_at = _now(at)
    decision.full_clean()
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as e:
        raise ValidationError(
            "Someone else recorded a decision at the same moment: reload and retry."
        ) from e
    if sign_off:
        _after_sign_off(decision, at)
    return decision


@transaction.atomic
def sign_off_decision(*, decision: Decision, by: Person, at: datetime | None = None) -> Decision:
    """The chair signs the draft off: final from now on (MOD-DECISION)."""
    submission = _lock_submission(decision.submission)
    lock_enrolment(submission.enrolment)
    if not is_chair(submission.panel, by):
        refuse("MOD-DECISION", "only the panel's chair signs decisions off.")
    decision = Decision.objects.get(pk=decision.pk)
    if decision.is_signed_off:
        refuse("MOD-DECISION", f"version {decision.version} is already signed off.")
    latest = submission.decisions.order_by("-version").values_list("pk", flat=True).first()
    if latest != decision.pk:
        refuse("MOD-DECISION", "only the latest decision can be signed off.")
    decision.signed_off_by = by
    decision.signed_off_at = _now(at)
    decision.submission = submission
    decision.save(update_fields=["signed_off_by", "signed_off_at"])
    _after_sign_off(decision, at)
    return decision


def _after_sign_off(decision: Decision, at: datetime | None) -> None:
    """A signed decision: the ASYE's outcome (final panels), withdrawn authorisations, and
    the moderation form for the NQSW's portfolio (MOD-FORM)."""
    submission = decision.submission
    panel = submission.panel
    enrolment = submission.enrolment
    if panel.kind == Panel.Kind.FINAL and enrolment.status != Enrolment.Status.WITHDRAWN:
        if decision.outcome:
            record_outcome(enrolment=enrolment, status=decision.outcome, end_date=panel.held_on)
        else:
            record_outcome(enrolment=enrolment, status=Enrolment.Status.ACTIVE, end_date=None)
    if decision.outcome != Decision.Outcome.PASSED:
        for earlier in ProgressionAuthorisation.objects.filter(
            decision__submission=submission, withdrawn_at__isnull=True
        ):
            earlier.withdrawn_at = _now(at)
            earlier.withdrawn_reason = (
                f"Decision version {decision.version} replaced the PASS it rested on: "
                f"{decision.change_reason}"
            )
            earlier.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record = ModerationRecord.objects.create(
        enrolment=enrolment, submission=submission, decision=decision, requested_at=_now(at)
    )
    _enqueue("render_moderation_record_pdf", record_id=record.pk)


# --- Pay progression (PROGRESSION) ------------------------------------------------------------


@transaction.atomic
def authorise_progression(
    *, submission: Submission, by: Person, at: datetime | None = None
) -> ProgressionAuthorisation:
    """The chair authorises pay progression after a signed-off final PASS (PROGRESSION)."""
    submission = _lock_submission(submission)
    panel = submission.panel
    if not is_chair(panel, by):
        refuse("PROGRESSION", "the panel's chair signs the pay progression authorisation.")
    decision = submission.decisions.order_by("-version").first()
    if (
        panel.kind != Panel.Kind.FINAL
        or decision is None
        or not decision.is_signed_off
        or decision.outcome != Decision.Outcome.PASSED
    ):
        refuse(
            "PROGRESSION",
            "pay progression follows a final moderated PASS: the final panel's decision "
            "verifying the assessor's PASS must be signed off first.",
        )
    existing = ProgressionAuthorisation.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    policy = ModerationPolicy.in_force(panel.held_on)
    authorisation = ProgressionAuthorisation(
        enrolment=submission.enrolment,
        decision=decision,
        progression_point=policy.progression_point,
        effective_from=submission.enrolment.end_date or panel.held_on,
        authorised_by=by,
        authorised_at=_now(at),
    )
    authorisation.full_clean()
    authorisation.save()
    _enqueue("render_progression_pdf", authorisation_id=authorisation.pk)
    authorisation.refresh_from_db()
    return authorisation
