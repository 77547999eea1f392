"""academy.summaries: `touched_first` (the stale lists' form, one array of ids read first)
selects exactly the enrolments `touched` (the aggregates' form) selects."""

import pytest
from django.utils import timezone

from academy.summaries import changed_from, touched, touched_first
from cohorts.models import Enrolment, Extension
from tests import factories

pytestmark = pytest.mark.django_db


def test_touched_first_and_touched_select_the_same_enrolments():
    before = [factories.EnrolmentFactory() for _ in range(3)]
    moment = timezone.now()
    after = [factories.EnrolmentFactory() for _ in range(2)]
    before[0].asye_start = before[0].asye_start.replace(day=2)
    before[0].save()  # a history row from `moment` on
    sources = (
        changed_from(Enrolment, moment).values("id"),
        changed_from(Extension, moment).values("enrolment_id"),  # none: an empty part
    )
    expected = {before[0].pk, *(e.pk for e in after)}
    assert set(Enrolment.objects.filter(touched(*sources)).values_list("pk", flat=True)) == expected
    first = Enrolment.objects.filter(touched_first(*sources))
    assert set(first.values_list("pk", flat=True)) == expected
    assert set(
        Enrolment.objects.filter(touched_first(sources[1])).values_list("pk", flat=True)
    ) == (set())
