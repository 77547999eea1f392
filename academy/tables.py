"""Several small tables in one query (issue 11: a home page in at most 15 queries).

A home page reads half a dozen policy tables (the cap table, thresholds, supervision
intervals, evidence minimums, frameworks): a handful of rows each, one round trip each.
`read_together` reads any number of such querysets in ONE query, a UNION ALL in which each
row travels as a JSON object of its own columns, and gives back model instances as the
querysets would (no related objects: attach those from another of the querysets).

Only for small sets of rows of plain columns (numbers, text, dates and times, booleans,
decimals): the rows are rebuilt through each field's `to_python`, as a form would read them.
A queryset's `.only(...)` is kept (the other columns load on access, as deferred fields);
JSON and file columns are always left out that way.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import IntegerField, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

_NOT_READ = (models.JSONField, models.FileField, models.BinaryField)


def _fields(queryset) -> list:
    """The columns read: all but JSON and file columns, or those of `.only()` / `.defer()`."""
    meta = queryset.model._meta
    names, defer = queryset.query.deferred_loading
    named = {meta.get_field(name).attname for name in names}

    def read(field) -> bool:
        if field.primary_key:
            return True
        if isinstance(field, _NOT_READ):
            return False
        return field.attname not in named if defer else field.attname in named

    return [field for field in meta.concrete_fields if read(field)]


def _branch(index: int, queryset):
    fields = _fields(queryset)
    return (
        queryset.annotate(
            table_index=Value(index, output_field=IntegerField()),
            table_row=JSONObject(**{field.attname: field.attname for field in fields}),
        )
        .values_list("table_index", "table_row")
        .order_by()
    )


def _value(field, raw):
    if raw is None:
        return None
    if isinstance(field, models.DecimalField):
        return field.to_python(str(raw))  # JSON numbers are floats; the text keeps the digits
    value = field.to_python(raw)
    if isinstance(value, datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # SQLite keeps UTC without an offset
    return value


def read_together(*querysets) -> list[list[models.Model]]:
    """The rows of each queryset (in its own ordering, as a list), all in one query."""
    if not querysets:
        return []
    branches = [_branch(i, qs) for i, qs in enumerate(querysets)]
    # Ordered by the branch alone: a UNION otherwise takes the first model's ordering.
    rows = branches[0].union(*branches[1:], all=True).order_by("table_index")
    found = [[] for _ in querysets]
    for index, row in rows:
        queryset = querysets[index]
        fields = _fields(queryset)
        values = [_value(field, row.get(field.attname)) for field in fields]
        found[index].append(
            queryset.model.from_db(queryset.db, [f.attname for f in fields], values)
        )
    for index, queryset in enumerate(querysets):
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        found[index] = _ordered(queryset.model._meta, found[index], ordering)
    return found


def _ordered(meta, rows: list, ordering) -> list:
    """The rows in the queryset's ordering: its own columns, "-" for descending, a foreign
    key by its id; an ordering across a relation ("framework__code") is left to the caller."""
    rows.sort(key=lambda row: row.pk)
    deferred = rows[0].get_deferred_fields() if rows else set()
    for key in reversed(list(ordering)):
        if not isinstance(key, str):
            continue  # an expression: left to the caller
        descending = key.startswith("-")
        name = key.lstrip("-")
        if "__" in name:
            continue
        name = "pk" if name == "pk" else meta.get_field(name).attname
        if name in deferred:
            continue  # not read (`.only()`): sorting by it would read it row by row
        rows.sort(
            key=lambda row, name=name: (getattr(row, name) is None, getattr(row, name)),
            reverse=descending,
        )
    return rows
