"""The stored supervision overview rows (`SupervisionSummary`): written here and nowhere else.

The supervision overview, its CSV, its status filter and the managers' home counts read one
summary row per current NQSW, so their cost does not grow with the academy (issue 17). The
row is a copy of `supervision.models.schedule_for` on `as_of`, never a second
implementation: `refresh` builds the schedules and upserts.

Keeping the copy true (as `caseloads.summaries` does for the board):
- the supervision services call `refresh` inside their own transaction for everyone on the
  register or the support record they write;
- everything else that can change a schedule is detected rather than hooked, because the
  organisation ground (academy, cohorts) imports no feature app: `stale_q` treats a row as
  out of date when it is missing, evaluated for another day (the status moves with the
  date), older than the latest change to the supervision policy or the programmes (their
  lengths), or older than a change to the NQSW's enrolment, extensions/absences (EXT-1),
  register entries, sessions or support records (an administrator's edit) — each of which
  keeps a simple-history row with its date;
- readers refresh the stale rows of what they are about to show (`refresh_stale`) before
  reading. The daily `refresh_summaries` run keeps the date-driven refresh off the request
  path: after it, a page view finds nothing stale and reads only the summaries.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from academy.summaries import (
    changed_from,
    changed_since,
    earliest_refresh,
    history_of,
    stale_condition,
    stale_union,
    touched,
    touched_first,
)
from cohorts.models import Enrolment, Extension, Programme
from supervision import schedule as sched
from supervision.models import (
    Attendance,
    Session,
    SupervisionPolicy,
    SupervisionSummary,
    SupportRecord,
    schedule_for,
    with_schedule_data,
)

# NQSWs evaluated per batch: bounds the memory of a refresh of a whole academy.
CHUNK = 500

# The overview's order: overdue first (longest first), then due this week, on track, on
# leave (EXT-1), complete.
STATE_ORDER = {
    sched.OVERDUE: 0,
    sched.DUE_SOON: 1,
    sched.ON_TRACK: 2,
    sched.ON_LEAVE: 3,
    sched.COMPLETE: 4,
}

FIELDS = [
    "as_of",
    "refreshed_at",
    "state",
    "state_rank",
    "status",
    "next_due",
    "last_day",
    "days_overdue",
    "last_supervision",
    "qualifying_sessions",
    "required_to_date",
    "interval_days",
    "rule",
    "supported",
    "asye_month",
]


def with_schedules(enrolments):
    """The enrolments that have a supervision schedule: current ASYE ones with a start."""
    return enrolments.current().filter(kind=Enrolment.Kind.ASYE, asye_start__isnull=False)


def values_of(plan: sched.Schedule) -> dict:
    """The summary's fields for one schedule (`as_of`, `refreshed_at` and the month aside)."""
    return {
        "state": plan.state,
        "state_rank": STATE_ORDER[plan.state],
        "status": plan.status,
        "next_due": plan.next_due,
        "last_day": plan.last_day,
        "days_overdue": plan.days_overdue,
        "last_supervision": plan.last_supervision,
        "qualifying_sessions": plan.qualifying_sessions,
        "required_to_date": plan.required_to_date,
        "interval_days": plan.interval_days,
        "rule": plan.rule,
        "supported": plan.supported,
    }


@transaction.atomic
def refresh(enrolment_ids: Iterable[int], *, on: date) -> int:
    """Build these enrolments' schedules on `on` and write their summaries; an enrolment
    that no longer has a schedule (ended, not an ASYE) loses its row. Returns how many
    were written."""
    ids = sorted(set(enrolment_ids))  # a fixed order: two writers lock rows alike
    policies = SupervisionPolicy.all_versions()
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Taken before reading: a change committed while this runs is newer than the row.
        now = timezone.now()
        found = list(
            with_schedule_data(
                with_schedules(Enrolment.objects.filter(pk__in=chunk)).select_related(
                    "cohort__programme"
                )
            ).order_by("pk")
        )
        SupervisionSummary.objects.filter(enrolment_id__in=chunk).exclude(
            enrolment_id__in=[e.pk for e in found]
        ).delete()
        rows = [
            SupervisionSummary(
                enrolment=enrolment,
                as_of=on,
                refreshed_at=now,
                asye_month=enrolment.asye_month(on),
                **values_of(schedule_for(enrolment, today=on, policies=policies)),
            )
            for enrolment in found
        ]
        SupervisionSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["enrolment"], update_fields=FIELDS
        )
        written += len(rows)
    return written


# The tables whose any change makes every row stale: the policy or a programme's length
# (the admin, an effective date).
INPUTS = (SupervisionPolicy, Programme)


def _touched(on: date) -> tuple:
    """The enrolments whose enrolment, extensions, register entries, their sessions or
    support records changed since today's earliest row was written: only these are
    compared row by row (`academy.summaries`)."""
    earliest = earliest_refresh(SupervisionSummary.objects.all(), on)
    return (
        changed_from(Enrolment, earliest).values("id"),
        changed_from(Extension, earliest).values("enrolment_id"),
        changed_from(Attendance, earliest).values("enrolment_id"),
        # A session's own edit (its date, its kind): everyone ever on its register.
        history_of(Attendance)
        .filter(session_id__in=changed_from(Session, earliest).values("id"))
        .values("enrolment_id"),
        changed_from(SupportRecord, earliest).values("enrolment_id"),
    )


def _changed() -> Q:
    """The enrolment, its extensions, its register entries, their sessions or its support
    records changed since the row was written."""
    since = OuterRef("supervision_summary__refreshed_at")
    registers = (
        history_of(Attendance).filter(enrolment_id=OuterRef(OuterRef("pk"))).values("session_id")
    )
    return (
        changed_since(Enrolment, since, id=OuterRef("pk"))
        | changed_since(Extension, since, enrolment_id=OuterRef("pk"))
        | changed_since(Attendance, since, enrolment_id=OuterRef("pk"))
        | changed_since(Session, since, id__in=registers)
        | changed_since(SupportRecord, since, enrolment_id=OuterRef("pk"))
    )


def stale_q(on: date) -> Q:
    """The condition, on enrolments, that their summary is missing or out of date on `on`
    (see the module docstring), for counting in an aggregate; `refresh_stale` lists them."""
    return stale_condition(
        summary="supervision_summary",
        on=on,
        inputs=INPUTS,
        changed=touched(*_touched(on)) & _changed(),
    )


def refresh_stale(*, on: date, enrolments=None) -> int:
    """Write the summaries that are missing or stale among `enrolments` (default: every one
    with a schedule). The daily `refresh_summaries` run calls it with no enrolments."""
    found = with_schedules(Enrolment.objects.all() if enrolments is None else enrolments)
    ids = list(
        stale_union(
            found,
            summary="supervision_summary",
            on=on,
            inputs=INPUTS,
            changed=touched_first(*_touched(on)) & _changed(),
        )
    )
    return refresh(ids, on=on) if ids else 0


def states_of(enrolments: Iterable[Enrolment], *, on: date) -> dict[int, str]:
    """The supervision state on `on` of each of these enrolments that has a schedule, read
    from the stored rows (the stale ones written first): the managers' home counts."""
    ids = [enrolment.pk for enrolment in enrolments]
    found = Enrolment.objects.filter(pk__in=ids)
    refresh_stale(on=on, enrolments=found)
    rows = SupervisionSummary.objects.filter(enrolment_id__in=ids, as_of=on)
    return dict(rows.values_list("enrolment_id", "state"))
