"""What every moderation service shares: the refusal, the clock, the locks, the checks of
who acts, and handing work to the background tasks.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from academy.models import Person
from moderation.access import chairs_panel, manages_panel
from moderation.models import Panel, PanelMember, Submission

CHAIRS = (PanelMember.Role.CHAIR, PanelMember.Role.DEPUTY_CHAIR)


def refuse(rule: str, message: str, field: str | None = None):
    """Raise the refusal every service gives: the rule ID, then what is wrong and what to do."""
    text = f"{rule}: {message}"
    if field:
        raise ValidationError({field: ValidationError(text, code=rule)})
    raise ValidationError(text, code=rule)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _day(at: datetime | None) -> date:
    return timezone.localdate(at) if at else timezone.localdate()


def _lock_submission(submission: Submission) -> Submission:
    Submission.objects.select_for_update().filter(pk=submission.pk).values("pk").get()
    return (
        Submission.objects.select_related(
            "panel",
            "enrolment__person",
            "enrolment__assessor",
            "enrolment__practice_group__practice_manager",
        )
        .prefetch_related("panel__members__person")
        .get(pk=submission.pk)
    )


# Who may do what is moderation/access.py's; the services ask the same
# predicates of the person acting, so a view and a service can never disagree.


def is_chair(panel: Panel, person: Person | None) -> bool:
    return person is not None and chairs_panel(person.user, panel)


def manages(panel: Panel, person: Person | None) -> bool:
    """The Professional Practice team and administrators, or the panel's chair or deputy."""
    return person is not None and manages_panel(person.user, panel)


def _open(panel: Panel, what: str) -> None:
    if not panel.is_open:
        refuse("MOD-DECISION", f"the {panel.title} is closed: {what} is no longer possible.")


def _enqueue(name: str, **kwargs) -> None:
    # The database queue writes its job in this transaction, so a worker only sees it once
    # the rows it reads are committed (the tests run it at once).
    from moderation import tasks

    getattr(tasks, name).enqueue(**kwargs)
