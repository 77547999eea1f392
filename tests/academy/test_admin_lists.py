"""The admin's lists read what each row's name needs with the rows (issue 17: the enrolment
list made one query per row). An enrolment is named by its person and its cohort
(`Enrolment.__str__`), so every list that shows one selects both."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.paging import CappedCountPaginator
from cohorts.models import Enrolment
from tests.factories import OfficeFactory


def test_every_list_that_shows_an_enrolment_selects_its_person_and_cohort():
    missing = []
    for model, model_admin in admin.site._registry.items():
        selected = model_admin.list_select_related
        if selected is True:  # every non-null relation, the enrolment's included
            continue
        for name in model_admin.list_display:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.related_model is Enrolment:
                wanted = {f"{name}__person", f"{name}__cohort"}
                if not wanted <= set(selected or ()):
                    missing.append(
                        f"{model.__name__}.{name}: {sorted(wanted - set(selected or ()))}"
                    )
    assert not missing, "\n".join(missing)


def test_the_largest_tables_have_no_date_hierarchy():
    """A date hierarchy lists the years of every row's date on each view, which grows with
    the academy (issue 17): sessions and allocations filter by date instead."""
    from caseloads.models import Allocation
    from supervision.models import Session

    for model in (Session, Allocation):
        model_admin = admin.site._registry[model]
        assert model_admin.date_hierarchy is None, model.__name__
        date_field = "held_on" if model is Session else "start_date"
        assert date_field in model_admin.list_filter, model.__name__


def test_every_admin_list_shows_25_rows_and_counts_once():
    """Ours and the installed apps' (users, sign-in attempts, tasks) alike (issue 17)."""
    pages = {
        type(model_admin).__name__: (model_admin.list_per_page, model_admin.show_full_result_count)
        for model_admin in admin.site._registry.values()
    }
    assert {name for name, found in pages.items() if found != (25, False)} == set()


@pytest.fixture
def three_at_most(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)


@pytest.mark.django_db
def test_a_list_longer_than_the_cap_says_more_than_and_counts_no_further(
    three_at_most, admin_client
):
    offices = OfficeFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:academy_office_changelist"))
    page = response.content.decode()
    assert "More than 3 offices: search or filter to find the rest." in page
    assert "Select all 3" not in page
    (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 4" in count and "ORDER BY" not in count
    # The rows past the cap are found by searching.
    found = admin_client.get(
        reverse("admin:academy_office_changelist"), {"q": offices[-1].name}
    ).content.decode()
    assert offices[-1].name in found and "1 result" in found


@pytest.mark.django_db
def test_a_list_within_the_cap_is_counted_exactly(three_at_most, admin_client):
    OfficeFactory.create_batch(2)
    page = admin_client.get(reverse("admin:academy_office_changelist")).content.decode()
    assert "2 offices" in page and "More than" not in page
