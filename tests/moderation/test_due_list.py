"""Who is due for a panel (MOD-POINTS) is picked by the database (issue 17): without an
extension by the month the NQSW started in, with one in Python. Either way it must be
exactly whom each NQSW's own dates (Enrolment.month_starts_on, planned_end) find due."""

from datetime import date, timedelta

import pytest

from cohorts.models import Cohort, Enrolment
from cohorts.services import record_extension
from moderation import points, services
from moderation.models import ModerationPolicy
from tests import factories
from tests.moderation.conftest import make_panel, today

pytestmark = pytest.mark.django_db


def starts(held_on: date) -> list[date]:
    """Every 13th day over the three years before the panel, and the ends of months (where
    adding months clamps the day)."""
    days = [held_on - timedelta(days=n) for n in range(150, 3 * 366, 13)]
    for year in (held_on.year - 2, held_on.year - 1):
        days += [date(year, 1, 31), date(year, 2, 28), date(year, 8, 31), date(year, 10, 31)]
    return days


@pytest.fixture
def academy(crew, ecdp):
    """NQSWs on the ASYE and, every third, on the 24-month ECDP; every fifth extended."""
    held_on = today() + timedelta(days=30)
    enrolments = []
    for i, start in enumerate(starts(held_on)):
        programme = (ecdp,) if i % 3 == 0 else ()
        enrolment = factories.EnrolmentFactory(
            asye_start=start, cohort=Cohort.for_start(start, *programme)
        )
        if i % 5 == 0:
            record_extension(
                enrolment=enrolment,
                reason="sickness",
                first_day=start + timedelta(days=40),
                last_day=start + timedelta(days=40 + 45 * (i % 4 + 1)),
                approved_by=crew["pm"],
            )
        enrolments.append(enrolment.pk)
    return held_on, enrolments


def due_by_their_own_dates(kind, held_on, ids):
    window = ModerationPolicy.in_force(held_on).due_window_days
    due = {}
    for enrolment in Enrolment.objects.for_listing().filter(pk__in=ids):
        month = points.point_month(kind)
        if kind.startswith(points.POINT_PREFIX) and not enrolment.programme_run.points.filter(
            month=month, moderated=True
        ):
            continue  # a programme without this moderated point
        reached = points.point(kind, enrolment.month_starts_on, enrolment.planned_end())
        if points.is_due(reached, held_on, window):
            due[enrolment.pk] = reached
    return due


@pytest.mark.parametrize("kind", ["final", "six_months", "month_13"])
def test_the_due_list_is_whom_each_nqsws_own_dates_find_due(crew, academy, kind):
    held_on, ids = academy
    panel = make_panel(crew, kind=kind, held_on=held_on)
    expected = due_by_their_own_dates(kind, held_on, ids)
    found = {d.enrolment_id: d.reached for d in services.due_list(panel, among=ids)}
    assert found == expected
    assert len(expected) >= 2


def test_a_page_of_the_due_list_comes_with_the_count_in_one_query(
    crew, academy, django_assert_num_queries
):
    held_on, _ = academy
    due = services.due_list(make_panel(crew, held_on=held_on))
    everyone = [d.enrolment_id for d in due]
    with django_assert_num_queries(1):
        page = due.page("1", 2)
    assert [d.enrolment_id for d in page] == everyone[:2]
    assert page.paginator.count == len(everyone) and page.has_next()
    last = due.page("999", 2)  # past the end: the last page, as Paginator.get_page
    assert [d.enrolment_id for d in last] == everyone[(last.number - 1) * 2 :]
    assert due.page("x", 2).number == 1
