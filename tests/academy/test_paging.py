"""academy.paging.narrow_page: the page's rows in the list's order, read by id (issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy.paging import narrow_page, streamed
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
