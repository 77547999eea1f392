"""academy.lookups: `__in_array` selects what `__in` selects, on either database."""

import pytest
from django.db import connection
from django.db.models import Q

from academy.models import PracticeGroup
from cohorts.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def test_in_array_is_in_over_a_subquery():
    mine = factories.PracticeGroupFactory()
    other = factories.PracticeGroupFactory()
    inside = [factories.EnrolmentFactory(practice_group=mine) for _ in range(2)]
    factories.EnrolmentFactory(practice_group=other)
    teams = PracticeGroup.objects.filter(practice_manager=mine.practice_manager).values("pk")

    as_array = Enrolment.objects.filter(practice_group_id__in_array=teams)
    assert set(as_array) == set(Enrolment.objects.filter(practice_group__in=teams))
    assert set(as_array) == set(inside)
    # Inside an OR too, where it matters (cohorts.access.known_enrolment_filter).
    stray = factories.EnrolmentFactory(practice_group=other)
    either = Enrolment.objects.filter(Q(person=stray.person) | Q(practice_group_id__in_array=teams))
    assert set(either) == {*inside, stray}
    sql = str(as_array.order_by().query)  # no outer ORDER BY: the subquery has none either
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql and "ORDER BY" not in sql.split("ARRAY")[1]
    else:
        assert " IN (SELECT" in sql


def test_a_sliced_subquery_keeps_its_order():
    """Its first two by name are not any two (academy.paging.narrow_first)."""
    for name in ["Cara", "Abe", "Eve", "Bea"]:
        factories.EnrolmentFactory(person__full_name=name)
    first = Enrolment.objects.order_by("person__full_name").values("pk")[:2]
    found = Enrolment.objects.filter(pk__in_array=first)
    assert sorted(e.person.full_name for e in found) == ["Abe", "Bea"]
