import fcntl
import io
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from pytest_django.plugin import blocking_manager_key

from academy.models import Person
from tests import factories
from tests.database import load_rows

# The files that take longest, heaviest first; every other file follows in collection
# order. With `--dist loadfile` each file goes whole to the next free worker, so a long file
# left to the end runs alone while the other core idles (xdist's default order, by number
# of tests, put these few-test files last: about 5 minutes of one core idle per pass).
# The first browser file builds the shared demo (tests/browser/conftest.py) while the other
# worker takes the URL matrix, which builds its own demo on a fixed day.
HEAVY_FIRST = [
    "tests/browser/test_pages_a11y.py",
    "tests/test_url_matrix.py",
    "tests/academy/test_seed_demo.py",
    "tests/caseloads/test_demo.py",
    "tests/browser/test_assessment_a11y.py",
    "tests/browser/test_moderation_a11y.py",
    "tests/browser/test_caseloads_a11y.py",
    "tests/browser/test_home_a11y.py",
    "tests/browser/test_supervision_a11y.py",
    "tests/browser/test_demo_logins.py",
    "tests/browser/test_aswp_a11y.py",
    "tests/browser/test_pathway_a11y.py",
    "tests/browser/test_mash_a11y.py",
    "tests/browser/test_learning_a11y.py",
    "tests/supervision/test_reminders_cron.py",
    "tests/moderation/test_queries.py",
    "tests/assessment/test_pdf.py",
    "tests/moderation/test_demo.py",
]


def pytest_collection_modifyitems(items):
    """Heaviest files first (a stable sort: each file's tests keep their order)."""
    rank = {path: i for i, path in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


# The rows the data migrations seed (services, rule tables, policies), as they are right
# after migrating: a transactional test's flush empties every table, and the next test on
# the same worker needs them back whatever order xdist runs the files in.
MIGRATED = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        MIGRATED["rows"] = connection.creation.serialize_db_to_string()


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the migrated rows back.

    The flush runs post_migrate, which recreates content types and permissions under new
    keys; they are replaced by the originals (which the serialized rows refer to), so
    nothing clashes when they are loaded again.
    """
    result = yield
    # After the session's last test the test database itself is gone.
    if nextitem is not None and "rows" in MIGRATED and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            Permission.objects.all().delete()
            ContentType.objects.all().delete()
            load_rows(MIGRATED["rows"])
            ContentType.objects.clear_cache()
    return result


@pytest.fixture(scope="session")
def migrated_copy(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    """A file holding a migrated SQLite database, for tests that run manage.py in a
    subprocess against a scratch SQLite database (the README's cron lines). Migrating takes
    a minute, so: on SQLite the test database, which is exactly that, is copied (SQLite's
    backup API, outside any test's transaction); on PostgreSQL the first worker to need it
    migrates one file for the whole run and the others copy it."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = tmp_path_factory.mktemp("migrated") / "asye.sqlite3"
            with closing(sqlite3.connect(copy)) as scratch:
                connection.connection.backup(scratch)
            return copy
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # shared by the run's workers
    copy = root / "migrated.sqlite3"
    with open(root / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not copy.exists():
            partial = root / "migrated.partial.sqlite3"
            env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
            env["DATABASE_URL"] = f"sqlite:///{partial}"
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=Path(__file__).resolve().parents[1],
                env={**env, "DJANGO_SETTINGS_MODULE": "academy.settings.test"},
                check=True,
                timeout=600,
            )
            partial.rename(copy)
    return copy


@dataclass(frozen=True)
class SeededDemo:
    rows: str  # serialize_db_to_string() of the database just after seeding
    printed: str  # what the command printed


def _seed_demo() -> SeededDemo:
    """The demo as the real `seed_demo --force` builds it (DEBUG is off in tests), as
    serialized rows: seeded inside a transaction that is rolled back, so nothing is
    committed."""
    out = io.StringIO()
    with transaction.atomic():
        call_command("seed_demo", force=True, stdout=out)
        rows = connections[DEFAULT_DB_ALIAS].creation.serialize_db_to_string()
        transaction.set_rollback(True)
    return SeededDemo(rows=rows, printed=out.getvalue())


@pytest.fixture(scope="session")
def seeded_demo(django_db_setup, django_db_blocker, tmp_path_factory, worker_id) -> SeededDemo:
    """One run of the real `seed_demo` command for the whole test run: the browser tests
    load its rows (tests/browser/conftest.py) and tests/academy/test_seed_demo.py checks its
    output and runs it again. Seeding takes a minute or two, so the first worker to need it
    seeds and writes it to a file in the run's temporary directory (every worker's test
    database is migrated the same way, so the rows fit each); the other worker waits for
    the file and reads it."""
    with django_db_blocker.unblock():
        if worker_id == "master":
            return _seed_demo()
        shared = tmp_path_factory.getbasetemp().parent / "demo-rows.json"
        printed = shared.with_suffix(".txt")
        with open(shared.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not shared.exists():
                seeded = _seed_demo()
                printed.write_text(seeded.printed)
                partial = shared.with_suffix(".partial")
                partial.write_text(seeded.rows)
                partial.rename(shared)
                return seeded
            return SeededDemo(rows=shared.read_text(), printed=printed.read_text())


@pytest.fixture
def group(db):
    """One CA&I academy team with its PM and GM."""
    return factories.PracticeGroupFactory(name="Worthing CA&I")


@pytest.fixture
def enrolment(group):
    return factories.EnrolmentFactory(practice_group=group)


@pytest.fixture
def people(enrolment):
    """Named people around one enrolment: who may and who may not see it."""
    group = enrolment.practice_group
    other_group = factories.PracticeGroupFactory(
        name="Crawley CLA", service=factories.service("CLA")
    )
    other = factories.EnrolmentFactory(practice_group=other_group)
    return {
        "nqsw": enrolment.person,
        "pm": group.practice_manager,
        "gm": group.group_manager,
        "assessor": enrolment.assessor,
        "other_nqsw": other.person,
        "other_pm": other_group.practice_manager,
        "other_gm": other_group.group_manager,
        "other_assessor": other.assessor,
        "chair": factories.PersonFactory(role=Person.Role.PRINCIPAL_SOCIAL_WORKER),
        "admin": factories.PersonFactory(role=Person.Role.ADMIN),
        "grade10": factories.PersonFactory(role=Person.Role.GRADE10, practice_group=group),
    }


@pytest.fixture(params=["bare", "with_profile"])
def superuser(request, db):
    """A real Django superuser: bare (made by createsuperuser, no staff profile) and one
    with an administrator's profile. academy/access.py treats both as administrators."""
    user = factories.UserFactory(username=f"root-{request.param}", is_superuser=True)
    user.is_staff = True
    user.save()
    if request.param == "with_profile":
        factories.PersonFactory(user=user, role=Person.Role.ADMIN)
    return user
