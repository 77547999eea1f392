"""What the stored summary rows of the feature apps share (issue 17): when a table last
changed, and which enrolments were touched since a moment, read from simple-history rows.

A summary row is stale when its inputs changed after it was written. Comparing every row
with every history table costs a lookup per row and table, which grows with the academy;
instead the readers first take the enrolments touched since the earliest of today's rows
was written (`touched`: uncorrelated subqueries on the indexed history dates, small
after the nightly refresh) and compare only those row by row.
"""

from functools import cache

from django.db.models import Exists, Q, Subquery


def history_of(model):
    """`model`'s history rows (simple-history's table) as a plain queryset.

    `Model.history` builds a new manager class on every access (about half a millisecond);
    the stale checks name the history tables some thirty times a page.
    """
    return _historical(model)._default_manager.all()


@cache
def _historical(model):
    return model.history.model


def changed_from(model, moment):
    """The history rows of `model` dated from `moment` on (a value or an expression)."""
    return history_of(model).filter(history_date__gte=moment)


def changed_since(model, moment, **match) -> Q:
    """Whether a history row of `model` matching `match` (an `OuterRef` to the enrolment,
    say) is dated from `moment` on."""
    return Q(Exists(changed_from(model, moment).filter(**match)))


def last_change(model):
    """When a row of `model` last changed (its history), as a subquery; NULL if never."""
    return Subquery(history_of(model).order_by("-history_date").values("history_date")[:1])


def earliest_refresh(summaries, on):
    """The earliest `refreshed_at` among the summary rows (a queryset) written for `on`,
    as a subquery; NULL when there are none (then every row is stale for its date)."""
    return Subquery(summaries.filter(as_of=on).order_by("refreshed_at").values("refreshed_at")[:1])


def touched(*enrolment_ids) -> Q:
    """Enrolments among any of these querysets of enrolment ids (each from history rows
    dated from a moment on: uncorrelated, so each is read once per query).

    An OR of INs on purpose: PostgreSQL tests them as hashed subplans, cheap, before the
    correlated `changed_since` checks they are ANDed with. As one IN over a UNION it made
    the union a join and ran those checks on every visible row first (a group manager's
    home took 520 ms at 10,000 NQSWs instead of 20)."""
    found = Q(pk__in=[])
    for ids in enrolment_ids:
        found |= Q(pk__in=ids)
    return found


def touched_first(*enrolment_ids) -> Q:
    """`touched`, for listing the stale rows (`stale_union`) rather than counting them: the
    enrolments touched are read once, as one array of ids, and the few rows they name are
    found by their primary key before anything else is read. As `touched`'s hashed tests
    PostgreSQL read every visible enrolment and every summary row to keep ten (4 ms of a
    group manager's home at 10,000 NQSWs, for each of three summaries, issue 17). Not for
    an aggregate over every row: there each row would be compared with the whole array."""
    first, *rest = enrolment_ids
    return Q(pk__in_array=first.union(*rest, all=True))


def counted_fresh(count, refresh) -> dict:
    """A list page's totals (`count()`, a dict with a "stale" count among them), counted
    again after `refresh()` only when some rows were stale: one query on a steady day, and
    the counts are always of rows brought up to date."""
    totals = count()
    if totals["stale"]:
        refresh()
        totals = count()
    return totals


def stale_condition(*, summary: str, on, inputs, changed: Q) -> Q:
    """`stale_union`'s conditions as one Q on enrolments, for counting stale rows inside an
    aggregate that reads every row anyway (a board's or an overview's totals)."""
    q = Q(**{f"{summary}__isnull": True}) | ~Q(**{f"{summary}__as_of": on})
    for model in inputs:
        q |= Q(**{f"{summary}__refreshed_at__lte": last_change(model)})
    return q | changed


def stale_union(enrolments, *, summary: str, on, inputs, changed: Q):
    """The pks of `enrolments` whose summary row (reached by the relation `summary`) is
    stale on `on`: missing, written for another day, written before the last change to one
    of the `inputs` (rule tables), or matching `changed` (touched since it was written).

    The same conditions as a feature app's `stale_q`, read as a UNION of parts that each
    use an index (`as_of`, then `refreshed_at`), not as one OR that every visible row is
    tested against: a group manager's stale check took 15 ms at 10,000 NQSWs (issue 17).
    Only the missing rows still need a pass over the enrolments, a cheap anti-join."""
    ids = enrolments.order_by().values_list("pk", flat=True)
    parts = [
        ids.filter(**{f"{summary}__isnull": True}),
        ids.filter(**{f"{summary}__as_of__lt": on}),
        ids.filter(**{f"{summary}__as_of__gt": on}),
        *(
            ids.filter(
                **{f"{summary}__as_of": on, f"{summary}__refreshed_at__lte": last_change(model)}
            )
            for model in inputs
        ),
        ids.filter(changed),
    ]
    return parts[0].union(*parts[1:]).order_by()
