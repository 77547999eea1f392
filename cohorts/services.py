"""Every write to an enrolment, the spine: its assessor, its outcome, its extensions.

Feature apps call these rather than saving an enrolment themselves. Writers on one NQSW
are serialised by `lock_enrolment()` (a row lock on PostgreSQL; SQLite's IMMEDIATE
transactions already hold the write lock).
"""

from dataclasses import asdict
from datetime import date

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from academy import csvfiles
from academy.models import Person, PracticeGroup
from cohorts import importing
from cohorts.models import Enrolment, Extension, PeopleImport


def lock_enrolment(enrolment: Enrolment) -> Enrolment:
    """The enrolment's row, locked until the transaction ends, freshly read."""
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def lock_current_enrolment_of(person_id: int) -> Enrolment | None:
    """Lock the person's current enrolment (if any): serialises every write about one
    worker, e.g. two approvals near the cap."""
    return Enrolment.objects.current().filter(person_id=person_id).select_for_update().first()


@transaction.atomic
def change_assessor(*, enrolment: Enrolment, assessor: Person | None) -> Enrolment:
    """Name a new assessor; refused with ASSESSOR-INDEPENDENT if they are the NQSW's PM.

    Observations already made keep counting as the assessor's: whether an observer was the
    assessor is read from the enrolment's history on the day of the observation.
    """
    enrolment = lock_enrolment(enrolment)
    enrolment.assessor = assessor
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def record_outcome(*, enrolment: Enrolment, status: str, end_date: date | None) -> Enrolment:
    """NAT-OUTCOME: passed, failed or deferred, with the day it took effect (or back to
    active, with no end, when a later decision takes the outcome away)."""
    enrolment = lock_enrolment(enrolment)
    if (enrolment.status, enrolment.end_date) == (status, end_date):
        return enrolment
    enrolment.status = status
    enrolment.end_date = end_date
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def record_extension(
    *,
    enrolment: Enrolment,
    reason: str,
    first_day: date,
    last_day: date,
    approved_by: Person,
    approved_on: date | None = None,
    notes: str = "",
) -> Extension:
    """Record an approved extension (EXT-1); every later date moves with it (MONTH-2).

    Raises ValidationError naming EXT-1 for any other reason, too short an absence, or an
    absence overlapping one already extended for.
    """
    # The lock serialises two extensions of one enrolment, so full_clean()'s overlap check
    # sees the other one (issue 15 item 4).
    lock_enrolment(enrolment)
    extension = Extension(
        enrolment=enrolment,
        reason=reason,
        first_day=first_day,
        last_day=last_day,
        approved_by=approved_by,
        notes=notes,
    )
    if approved_on is not None:
        extension.approved_on = approved_on
    if first_day and last_day and last_day >= first_day:
        extension.months = Extension.months_for(first_day, last_day)
    extension.full_clean()
    extension.save()
    return extension


@transaction.atomic
def move_to_practice_group(
    *, enrolment: Enrolment, practice_group: PracticeGroup, reason: str
) -> Person:
    """MOVE-ON: at the end of the ASYE the worker joins a main practice group. The person's
    history (simple-history) keeps the move with its reason; the enrolment keeps its
    academy team, so the ASYE's records still read as they happened."""
    lock_enrolment(enrolment)
    person = Person.objects.select_for_update().get(pk=enrolment.person_id)
    person.practice_group = practice_group
    person._change_reason = reason
    person.save(update_fields=["practice_group"])
    return person


# --- The starters CSV, imported in the background (issue 17 item 5) --------------------------


@transaction.atomic
def queue_people_import(*, text: str, dry_run: bool, uploaded_by, base_url: str) -> PeopleImport:
    """Keep the uploaded file and hand it to the background task; the row the status page
    reads. The same path for every file, however small."""
    from cohorts import tasks

    people_import = PeopleImport.objects.create(
        text=text, dry_run=dry_run, uploaded_by=uploaded_by, base_url=base_url
    )
    # The database queue writes its job in this transaction, so a worker only picks it up
    # once the row it reads is committed (the tests and development run it at once).
    tasks.import_people.enqueue(people_import.pk)
    people_import.refresh_from_db()
    return people_import


def run_people_import(*, people_import: PeopleImport) -> PeopleImport:
    """Import the stored file (all or nothing, importing.import_people_csv), writing how far
    it has got, then its report or its row errors. Not atomic itself: the import is one
    transaction of its own, and the status must be written whatever becomes of it."""
    pk = people_import.pk
    PeopleImport.objects.filter(pk=pk).update(status=PeopleImport.Status.RUNNING)
    progress = _ImportProgress(pk)
    try:
        report = importing.import_people_csv(
            people_import.text,
            dry_run=people_import.dry_run,
            base_url=people_import.base_url or None,
            progress=progress,
        )
    except csvfiles.CSVRejected as rejected:
        outcome = {
            "status": PeopleImport.Status.FAILED,
            "errors": [asdict(error) for error in rejected.errors],
        }
    except Exception:
        # A fault of ours, not the file's: the import's transaction has rolled back, so
        # nothing was saved; the page says so, and the task's result holds the traceback.
        _finish(pk, status=PeopleImport.Status.FAILED, rows_total=progress.rows_total)
        raise
    else:
        outcome = {"status": PeopleImport.Status.DONE, "report": report.counts()}
    finally:
        progress.close()
    _finish(pk, rows_total=progress.rows_total, **outcome)
    people_import.refresh_from_db()
    return people_import


def _finish(pk, **values):
    PeopleImport.objects.filter(pk=pk).update(text="", stage="", finished=timezone.now(), **values)


class _ImportProgress:
    """Writes how far an import has got where the status page can read it: a cheap UPDATE of
    the import's row, never more than importing.PROGRESS_ROWS rows apart.

    The checks and saves run inside the import's one transaction (all or nothing): written
    there, progress would be seen by nobody until the commit and rolled back with a refused
    file. On PostgreSQL it goes through a second connection of its own, in autocommit, with
    a short lock timeout so that it can never hold the import up. SQLite has one writer at a
    time and the import holds the write lock, so there progress inside the transaction is
    not written (the page shows "waiting" then the outcome; SQLite is for development).
    Outside a transaction (the invitations, sent once the import commits) it is a plain
    UPDATE on either.
    """

    def __init__(self, pk):
        self.pk = pk
        self.side = None
        self.rows_total = 0  # the file's rows, written with the outcome whatever was skipped

    def __call__(self, stage, done, total):
        values = {"stage": stage, "done": done or 0, "total": total or 0}
        if stage == PeopleImport.Stage.CHECKING:
            values["rows_total"] = self.rows_total = total
        if not connection.in_atomic_block:
            # Only while running: a development run finishes before its invitations go.
            PeopleImport.objects.filter(pk=self.pk, status=PeopleImport.Status.RUNNING).update(
                **values
            )
        elif connection.vendor == "postgresql":
            self._write_aside(values)

    def _write_aside(self, values):
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '1s'")
            quote = self.side.ops.quote_name
            columns = ", ".join(f"{quote(name)} = %s" for name in values)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(PeopleImport._meta.db_table)} SET {columns} "  # noqa: S608
                    f"WHERE {quote('id')} = %s AND {quote('status')} = %s",
                    [*values.values(), self.pk, PeopleImport.Status.RUNNING],
                )
        except DatabaseError:
            pass  # progress is a courtesy: the import goes on without it

    def close(self):
        if self.side is not None:
            self.side.close()
