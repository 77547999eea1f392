"""academy.paging: the first rows or a page of a list, in its order, read by id (issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.paging import narrow_first, narrow_page, streamed
from cohorts.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_page_keeps_the_lists_order_and_reads_its_rows_with_their_joins():
    for name in ["Cara", "Abe", "Eve", "Dan", "Bea"]:
        factories.EnrolmentFactory(person__full_name=name)
    ordered = Enrolment.objects.order_by("-person__full_name")
    rows = Enrolment.objects.select_related("person", "practice_group")
    with CaptureQueriesContext(connection) as queries:
        page = narrow_page(ordered, rows, 2, per_page=2, count=5)
        names = [e.person.full_name for e in page.object_list]
        groups = [e.practice_group.name for e in page.object_list]
    assert names == ["Cara", "Bea"]
    assert len(groups) == 2
    assert len(queries) == 2  # the page's ids, then its rows: no COUNT, no query per row
    assert page.paginator.num_pages == 3 and page.has_next()


def test_the_first_rows_are_the_lists_first_read_with_their_joins_in_one_query():
    for name in ["Cara", "Abe", "Eve", "Dan", "Bea"]:
        factories.EnrolmentFactory(person__full_name=name)
    rows = Enrolment.objects.select_related("person", "practice_group")
    with CaptureQueriesContext(connection) as queries:
        first = narrow_first(Enrolment.objects.order_by("-person__full_name"), rows, 3)
        names = [e.person.full_name for e in first]
        groups = [e.practice_group.name for e in first]
    assert names == ["Eve", "Dan", "Cara"]
    assert len(groups) == 3 and len(queries) == 1
    # Without an order of its own, the list's is the model's (Enrolment: by name).
    default = narrow_first(Enrolment.objects.all(), rows, 2)
    assert [e.person.full_name for e in default] == ["Abe", "Bea"]


@pytest.mark.django_db(transaction=True)
def test_a_streamed_export_reads_every_row_and_never_holds_a_cursor():
    """On PostgreSQL a WITH HOLD cursor is materialised in full before its first row."""
    for name in ["Cara", "Abe", "Bea"]:
        factories.EnrolmentFactory(person__full_name=name)
    names = Enrolment.objects.order_by("person__full_name").values_list(
        "person__full_name", flat=True
    )
    with CaptureQueriesContext(connection) as queries:
        found = list(streamed(names, 2))
    assert found == ["Abe", "Bea", "Cara"]
    assert not [q for q in queries.captured_queries if "WITH HOLD" in q["sql"]]
