"""How long `import_people` takes for a national starters file (issue 17 item 5).

    .venv/bin/python benchmarks/import_people.py [--rows 2000 20000] [--check]

For each size it makes practice groups (with their offices and practice managers) and
assessors in bulk, writes `rows` valid starter rows (NQSWs, and a tenth trainees, with
unique staff ids and emails, in groups of 12), then times cohorts.importing.import_people_csv
on it: the checks, the saves and the invitations sent once it commits. It prints rows,
seconds and ms a row, and how many of the seconds went on the invitations; `--check` exits 1
when a size misses the goal, GOAL_ROWS in GOAL_SECONDS.

The database is the configured one: SQLite by default (a file in a temporary folder), or
with DATABASE_URL a scratch PostgreSQL database that the script migrates and writes to. Each
run tags its rows, and deletes what it made when it ends.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_ROWS = 20_000  # issue 17: 20,000 rows in under a minute on PostgreSQL
GOAL_SECONDS = 60.0
GROUP_SIZE = 12
ROWS_PER_ASSESSOR = 10


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    if not os.environ.get("DATABASE_URL"):
        folder = Path(tempfile.mkdtemp(prefix="asye-import-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(rows: int, tag: str) -> str:
    """The groups and assessors the rows name, in the database; the CSV text of the rows."""
    from django.contrib.auth import get_user_model

    from academy.models import Office, Person, PracticeGroup, Service
    from cohorts import importing

    User = get_user_model()
    services = list(Service.objects.order_by("code"))
    office = Office.objects.create(name=f"Office {tag}")
    group_count = -(-rows // GROUP_SIZE)
    assessor_count = -(-rows // ROWS_PER_ASSESSOR)

    def people(role, count, prefix):
        users = User.objects.bulk_create(
            (User(username=f"{prefix}{i}".lower(), password="!") for i in range(count)),
            batch_size=2000,
        )
        return Person.objects.bulk_create(
            (
                Person(
                    user=user,
                    staff_id=f"{prefix}{i}",
                    full_name=f"{role} {i} {tag}",
                    email=f"{prefix}{i}@bench.invalid".lower(),
                    role=role,
                    service=services[i % len(services)],
                )
                for i, user in enumerate(users)
            ),
            batch_size=2000,
        )

    pms = people(Person.Role.PRACTICE_MANAGER, group_count, f"{tag}P")
    assessors = people(Person.Role.ASSESSOR, assessor_count, f"{tag}A")
    groups = PracticeGroup.objects.bulk_create(
        (
            PracticeGroup(
                name=f"Group {i} {tag}",
                office=office,
                service=services[i % len(services)],
                practice_manager=pm,
            )
            for i, pm in enumerate(pms)
        ),
        batch_size=2000,
    )
    lines = [",".join(importing.COLUMNS)]
    for i in range(rows):
        group = groups[i // GROUP_SIZE]
        assessor = assessors[i // ROWS_PER_ASSESSOR].staff_id
        common = f"{tag}S{i},Starter {i} {tag},{tag.lower()}s{i}@bench.invalid"
        service = group.service.code
        if i % 10 == 9:
            lines.append(f"{common},trainee,{service},{office.name},{group.name},,OU_BA,{assessor}")
        else:
            lines.append(
                f"{common},nqsw,{service},{office.name},{group.name},2026-09-07,,{assessor}"
            )
    return "\r\n".join(lines) + "\r\n"


def clean_up(tag: str):
    from django.contrib.auth import get_user_model

    from academy.models import Office, Person, PracticeGroup
    from cohorts.models import Enrolment

    Enrolment.history.filter(person__staff_id__startswith=tag).delete()
    Enrolment.objects.filter(person__staff_id__startswith=tag).delete()
    PracticeGroup.objects.filter(name__endswith=tag).delete()
    Person.history.filter(staff_id__startswith=tag).delete()
    Person.objects.filter(staff_id__startswith=tag).delete()
    get_user_model().objects.filter(username__startswith=tag.lower()).delete()
    Office.objects.filter(name__endswith=tag).delete()


def measure(rows: int) -> tuple[float, float]:
    """Seconds for the whole import, and for the invitations sent after it commits."""
    from django.core import mail
    from django.utils import timezone

    from academy import invitations
    from cohorts import importing

    sending = []
    send_invitations = invitations.send_invitations

    def timed_send(people, **kwargs):
        started = time.perf_counter()
        try:
            return send_invitations(people, **kwargs)
        finally:
            sending.append(time.perf_counter() - started)

    tag = f"X{uuid.uuid4().hex[:6].upper()}"
    try:
        text = build(rows, tag)
        mail.outbox = []
        invitations.send_invitations = timed_send
        started = time.perf_counter()
        report = importing.import_people_csv(text, today=timezone.localdate())
        seconds = time.perf_counter() - started
        assert report.people_created == rows, report
        assert len(mail.outbox) == rows, len(mail.outbox)
        return seconds, sum(sending)
    finally:
        invitations.send_invitations = send_invitations
        clean_up(tag)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000])
    parser.add_argument("--check", action="store_true", help="exit 1 when a size is too slow")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    goal_ms = GOAL_SECONDS * 1000 / GOAL_ROWS
    print(f"database: {connection.vendor}; goal: {GOAL_ROWS:,} rows in {GOAL_SECONDS:.0f}s")
    print(f"{'rows':>8} {'seconds':>9} {'ms/row':>8}   of which invitations (s)")
    # Untimed: what a process loads once (the URL conf the invitation links reverse, the
    # email template, the email package) is not a cost a row.
    measure(200)
    missed = False
    for rows in args.rows:
        seconds, sending = measure(rows)
        per_row = seconds * 1000 / rows
        slow = per_row > goal_ms
        missed |= slow
        verdict = "  too slow" if slow else ""
        print(f"{rows:>8,} {seconds:>9.2f} {per_row:>8.2f}   {sending:>8.2f}{verdict}")
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
