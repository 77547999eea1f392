"""Documents: the external sample (MOD-EXTERNAL), and rendering the PDFs and the ZIP in the
background tasks.
"""

import hashlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from academy.models import Person
from moderation import pdf
from moderation.access import runs_moderation
from moderation.models import (
    Decision,
    ExternalSample,
    ExternalSampleItem,
    ModerationForm,
    ModerationRecord,
    Panel,
    PdfStatus,
    ProgressionAuthorisation,
    Submission,
)
from moderation.services._common import _enqueue, manages, refuse

# --- The external sample (MOD-EXTERNAL) ----------------------------------------------------


@transaction.atomic
def build_external_sample(
    *, title: str, submissions: Sequence[Submission], by: Person, notes: str = ""
) -> ExternalSample:
    """A sample for the external moderation panel, exported as one ZIP (MOD-EXTERNAL)."""
    if not runs_moderation(by.user):
        refuse("MOD-EXTERNAL", "the Professional Practice team chooses the external sample.")
    if not submissions:
        refuse("MOD-EXTERNAL", "choose at least one portfolio.", "submissions")
    missing = [s.code for s in submissions if not s.is_submitted]
    if missing:
        refuse("MOD-EXTERNAL", f"{', '.join(missing)} has not been submitted.", "submissions")
    sample = ExternalSample(title=title, notes=notes, created_by=by)
    sample.full_clean()
    sample.save()
    for submission in submissions:
        ExternalSampleItem.objects.create(sample=sample, submission=submission)
    _enqueue("build_external_sample_zip", sample_id=sample.pk)
    sample.refresh_from_db()
    return sample


# --- Rendering (called by the background tasks) -----------------------------------------------
# WeasyPrint runs outside a transaction of its own: it takes seconds and must not hold the
# write lock. Each render is keyed by the content hash and never repeated for the same one.


def _store(row, field: str, status_field: str, name: str, body: bytes, **extra) -> None:
    with transaction.atomic():
        getattr(row, field).save(name, ContentFile(body), save=False)
        setattr(row, status_field, PdfStatus.READY)
        for key, value in extra.items():
            setattr(row, key, value)
        row.save(update_fields=[field, status_field, *extra])


def _ready(row, field: str, status_field: str) -> bool:
    stored = getattr(row, field)
    return (
        getattr(row, status_field) == PdfStatus.READY
        and bool(stored)
        and stored.storage.exists(stored.name)
    )


def _failed(model, pk, status_field: str) -> None:
    model.objects.filter(pk=pk).update(**{status_field: PdfStatus.FAILED})


def render_submission_pdf(submission: Submission) -> Submission:
    if _ready(submission, "pdf", "pdf_status"):
        return submission
    html = pdf.submission_document(submission)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(Submission, submission.pk, "pdf_status")
        raise
    name = f"{submission.code}-{submission.content_hash[:16]}.pdf"
    _store(submission, "pdf", "pdf_status", name, body, pdf_rendered_at=timezone.now())
    return submission


def request_submission_pdf(*, submission: Submission) -> Submission:
    """Ask again for a PDF whose render failed."""
    if submission.is_submitted and submission.pdf_status in ("", PdfStatus.FAILED):
        Submission.objects.filter(pk=submission.pk).update(pdf_status=PdfStatus.PENDING)
        _enqueue("render_submission_pdf", submission_id=submission.pk)
        submission.refresh_from_db()
    return submission


@transaction.atomic
def request_panel_pdfs(*, panel: Panel, by: Person) -> int:
    """Render the anonymised PDF of every portfolio submitted to the panel that has none and
    none on its way (never rendered, or failed), each in a background task, never on the
    request path (issue 17 item 4); the number asked for. Safe to ask twice: the rows are
    locked and a pending one is not asked for again, and each render is keyed by the content
    hash, so a ready PDF is never rendered twice."""
    if not manages(panel, by):
        refuse(
            "MOD-ANON",
            "the panel's chair, deputy chair or the Professional Practice team has its PDFs "
            "rendered.",
        )
    missing = list(
        Submission.objects.submitted()
        .filter(panel=panel)
        .exclude(pdf_status__in=[PdfStatus.READY, PdfStatus.PENDING])
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=missing).update(pdf_status=PdfStatus.PENDING)
    for pk in missing:
        _enqueue("render_submission_pdf", submission_id=pk)
    return len(missing)


def record_forms(submission: Submission) -> list[ModerationForm]:
    return list(
        ModerationForm.objects.filter(allocation__submission=submission)
        .select_related("allocation__moderator__person")
        .order_by("allocation__pk")
    )


def render_record_pdf(record: ModerationRecord) -> ModerationRecord:
    if _ready(record, "file", "status"):
        return record
    submission = record.submission
    decisions = list(
        submission.decisions.select_related("recorded_by", "signed_off_by").order_by("version")
    )
    html = pdf.record_document(record, record_forms(submission), decisions)
    digest = pdf.content_hash(html)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(ModerationRecord, record.pk, "status")
        raise
    name = f"moderation-form-{record.enrolment.person.staff_id}-{digest[:16]}.pdf"
    _store(record, "file", "status", name, body, content_hash=digest, rendered_at=timezone.now())
    return record


def render_progression_pdf(authorisation: ProgressionAuthorisation) -> ProgressionAuthorisation:
    if _ready(authorisation, "file", "status"):
        return authorisation
    html = pdf.progression_document(authorisation)
    digest = pdf.content_hash(html)
    try:
        body = pdf.write_pdf(html)
    except Exception:
        _failed(ProgressionAuthorisation, authorisation.pk, "status")
        raise
    name = f"pay-progression-{authorisation.enrolment.person.staff_id}-{digest[:16]}.pdf"
    _store(
        authorisation,
        "file",
        "status",
        name,
        body,
        content_hash=digest,
        rendered_at=timezone.now(),
    )
    return authorisation


def render_external_sample(sample: ExternalSample) -> ExternalSample:
    """The ZIP: each portfolio's anonymised PDF (rendered now if it is missing) and the
    manifest, with the latest signed-off decision on each."""
    if _ready(sample, "file", "status"):
        return sample
    submissions = list(
        sample.submissions.select_related("panel").prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(signed_off_at__isnull=False).order_by("-version"),
                to_attr="signed",
            )
        )
    )
    entries = []
    try:
        for submission in submissions:
            render_submission_pdf(submission)
            with submission.pdf.open("rb") as f:
                body = f.read()
            entries.append((submission, submission.signed[0] if submission.signed else None, body))
        archive = pdf.sample_zip(sample, entries)
    except Exception:
        _failed(ExternalSample, sample.pk, "status")
        raise
    digest = hashlib.sha256(archive).hexdigest()
    _store(
        sample,
        "file",
        "status",
        f"external-sample-{sample.pk}-{digest[:16]}.zip",
        archive,
        content_hash=digest,
        rendered_at=timezone.now(),
    )
    return sample
