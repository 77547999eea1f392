"""Background tasks (Django's Tasks framework), as assessment/tasks.py: the database queue in
production, run at once in development and the tests (`TASKS` in the settings).

Each task renders what its row holds when the task runs, and renders nothing when the file
for that content is already there.
"""

from django.tasks import task

from moderation import services
from moderation.models import (
    ExternalSample,
    ModerationRecord,
    ProgressionAuthorisation,
    Submission,
)


@task
def render_submission_pdf(submission_id: int) -> str:
    """The anonymised PDF of a submitted portfolio (MOD-ANON); returns its content hash."""
    submission = Submission.objects.select_related("panel").get(pk=submission_id)
    return services.render_submission_pdf(submission).content_hash


@task
def render_moderation_record_pdf(record_id: int) -> str:
    """The moderation form added to the NQSW's portfolio (MOD-FORM)."""
    record = ModerationRecord.objects.select_related(
        "enrolment__person", "submission__panel", "decision__signed_off_by"
    ).get(pk=record_id)
    return services.render_record_pdf(record).content_hash


@task
def render_progression_pdf(authorisation_id: int) -> str:
    """The pay progression authorisation the chair signs (PROGRESSION)."""
    authorisation = ProgressionAuthorisation.objects.select_related(
        "enrolment__person",
        "enrolment__practice_group__service",
        "decision__submission__panel",
        "authorised_by",
    ).get(pk=authorisation_id)
    return services.render_progression_pdf(authorisation).content_hash


@task
def build_external_sample_zip(sample_id: int) -> str:
    """The ZIP for the external moderation panel (MOD-EXTERNAL)."""
    sample = ExternalSample.objects.get(pk=sample_id)
    return services.render_external_sample(sample).content_hash
