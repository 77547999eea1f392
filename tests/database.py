"""Rows built once and shared by many tests.

Building the demo takes seconds; most demo tests only read it. `shared_rows()` opens a
transaction around a class or module: its fixture builds the rows once inside it, each
test then runs in a savepoint of that transaction (pytest-django's `db` nests), and the
whole lot is rolled back after the last test, so no other test ever sees the rows.
"""

from collections import defaultdict
from contextlib import contextmanager

from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery


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


def load_rows(serialized: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """What `connection.creation.deserialize_db_from_string()` does, in bulk.

    Django's loader saves one row at a time (an UPDATE, then an INSERT): the demo's 9,000
    rows took 8-15 s per browser module. Here each model's new rows go in as one raw INSERT
    per batch, as a raw save writes them (the stored values, auto_now left alone), and a row
    that is already there (the rule tables the data migrations seeded) is saved only when
    the serialized one differs from it.
    """
    connection = connections[using]
    batches: list[tuple[type[Model], list]] = []
    for obj in serializers.deserialize("json", serialized, using=using):
        model = type(obj.object)
        if not batches or batches[-1][0] is not model:
            batches.append((model, []))
        batches[-1][1].append(obj)
    tables, loaded = set(), [model for model, _ in batches]
    with transaction.atomic(using=using), connection.constraint_checks_disabled():
        for model, objs in batches:
            tables.add(model._meta.db_table)
            pks = [obj.object.pk for obj in objs]
            there = {}
            for start in range(0, len(pks), 500):
                there.update(model._base_manager.using(using).in_bulk(pks[start : start + 500]))
            attnames = [f.attname for f in model._meta.concrete_fields]
            new, links = [], defaultdict(list)
            for obj in objs:
                old = there.get(obj.object.pk)
                if old is None:
                    new.append(obj.object)
                    for name, targets in (obj.m2m_data or {}).items():
                        field = model._meta.get_field(name)
                        through = field.remote_field.through
                        source, target = field.m2m_column_name(), field.m2m_reverse_name()
                        links[through].extend(
                            through(**{source: obj.object.pk, target: pk}) for pk in targets
                        )
                elif obj.m2m_data or any(
                    getattr(old, name) != getattr(obj.object, name) for name in attnames
                ):
                    obj.save(using=using)
            _insert_raw(model, new, connection)
            for through, rows in links.items():
                tables.add(through._meta.db_table)
                loaded.append(through)
                _insert_raw(through, rows, connection)
        connection.check_constraints(table_names=sorted(tables))
        # Rows loaded with their primary keys leave PostgreSQL's sequences behind (on a
        # worker that did not make them, the next insert would reuse a key); SQLite needs
        # nothing.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(statement)


def _insert_raw(model: type[Model], objs: list[Model], connection) -> None:
    fields = model._meta.local_concrete_fields
    if objs and all(obj.pk is None for obj in objs):
        # Many-to-many links are serialized without their own key: the database numbers
        # them (SQLite would take a NULL key, PostgreSQL refuses it).
        fields = [f for f in fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, objs) or 1
    for start in range(0, len(objs), size):
        query = InsertQuery(model)
        query.insert_values(fields, objs[start : start + size], raw=True)
        query.get_compiler(connection=connection).execute_sql()
