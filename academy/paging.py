"""A page of a wide list, sorted narrow (issue 17).

Sorting every matching row with every join its page shows (person, group, office, service,
programme...) was most of a wide list's time at national size: PostgreSQL joined 10,000
rows six ways to keep 25. Here the sort reads only the ids and what it orders by; the page's
25 rows are then read with their joins by id.
"""

from math import ceil

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Count, Window
from django.utils.functional import cached_property


def narrow_page(ordered, rows, number, *, per_page: int, count: int | None = None) -> Page:
    """Page `number` of `ordered` (a queryset in the list's order) as instances read from
    `rows` (the same records with what a row shows), in the same order. `count`, when the
    caller has counted already, spares the paginator its own COUNT query."""
    paginator = Paginator(ordered.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(number)
    ids = list(page.object_list)
    found = rows.in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def narrow_first(ordered, rows, count: int) -> list:
    """The first `count` of `ordered` (a queryset in the list's order) as instances read
    from `rows` (the same records with what a row shows), in one query: the sort reads only
    the ids and what it orders by (a subquery), and only those rows are read with their
    joins. A home page's "first 25 of the service" joined 3,350 enrolments six ways to keep
    26 at 10,000 NQSWs (issue 17)."""
    first = ordered.values("pk")[:count]
    order = ordered.query.order_by or ordered.model._meta.ordering
    return list(rows.filter(pk__in_array=first).order_by(*order))


def counted_page(rows, number, *, per_page: int) -> Page:
    """Page `number` (as `Paginator.get_page` takes it: past the last, the last) of `rows`,
    an ordered `values_list` queryset, with the count of every row, in one query: each row
    read carries the count (a window over them all), so a page costs no COUNT query of its
    own (a panel's due list kept within a list page's 15 queries, issue 17)."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    counted = rows.annotate(_all_rows=Window(Count("pk")))

    def read(number):
        first = (number - 1) * per_page
        return list(counted[first : first + per_page])

    found = read(number)
    if not found and number > 1:  # past the end: only then counted on its own
        number = max(ceil(rows.count() / per_page), 1)
        found = read(number)
    paginator = Paginator([], per_page)
    paginator.count = found[0][-1] if found else 0
    return Page([row[:-1] for row in found], number, paginator)


def streamed(queryset, chunk_size: int):
    """A queryset's rows a chunk at a time, for a streamed export (a CSV of a whole service).

    Outside a transaction Django declares PostgreSQL's server-side cursor WITH HOLD, and
    PostgreSQL then writes every row aside before sending the first: 48 ms before a CSV of
    10,000 NQSWs began (issue 17). Inside one it sends rows as they are read. SQLite has no
    server-side cursor to hold, and its transactions here take the write lock (IMMEDIATE),
    so it reads without one.
    """
    if connections[queryset.db].vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


class CappedCountPaginator(Paginator):
    """Counts no further than `cap` rows: "more than 10,000" instead of a count of every row.

    The admin counts a list before it shows a page of it, and counting every session at
    national size (118,000) was what grew on the sessions list (issue 17). Counting the
    first `cap` + 1 rows costs the same whatever the table's size, and past that many rows
    an administrator filters or searches rather than pages. The last page reachable is the
    one that holds the `cap`th row.
    """

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        # Unordered before the limit, or the database sorts every row to keep the first few.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than `count` says."""
        return self._counted > self.cap
