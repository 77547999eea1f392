"""Rows built once and shared by many tests.

Building the demo takes seconds; most demo tests only read it. `shared_rows()` opens a
transaction around a class or module: its fixture builds the rows once inside it, each
test then runs in a savepoint of that transaction (pytest-django's `db` nests), and the
whole lot is rolled back after the last test, so no other test ever sees the rows.
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def shared_rows(django_db_blocker):
    """Use in a class- or module-scoped fixture that also asks for `django_db_setup`."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
