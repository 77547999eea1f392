"""Issue 15 item 1: a stored far-future date never takes a page down.

The rows below bypass validation (queryset.update), as a row saved before the date ranges
were checked, or changed in the database, would: date arithmetic clamps instead of raising.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Enrolment, Extension
from cohorts.months import Shift, add_months, asye_last_day, first_day_of_month
from cohorts.services import record_extension

PAGES = [
    ("cohorts:enrolment_detail", True),
    ("caseloads:board", False),
    ("supervision:overview", False),
    ("assessment:portfolio", True),
    ("home", False),
    ("caseloads:worker", True),
    ("caseloads:board_csv", False),
    ("supervision:record", True),
    ("supervision:overview_csv", False),
]


def test_add_months_clamps_at_the_ends_of_the_calendar():
    assert add_months(date(9999, 12, 31), 1) == date.max
    assert add_months(date(2026, 10, 1), 95_680) == date.max
    assert add_months(date(1, 1, 1), -1) == date.min
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_the_asye_dates_clamp_for_a_huge_extension():
    huge = [Shift(starts=date(2026, 10, 1), months=95_677)]
    assert asye_last_day(date(2026, 9, 1), huge) == date.max
    assert first_day_of_month(date(2026, 9, 1), 12, huge) == date.max
    assert asye_last_day(date(9999, 12, 1)) == date.max


@pytest.fixture(params=[1, 4])
def far_extensions(request, people, enrolment):
    """Extensions to 9999-12-31 stored without validation; four of the largest month
    count a column holds (32,767 on PostgreSQL) carry the ASYE end past year 9999."""
    extension = record_extension(
        enrolment=enrolment,
        reason=Extension.Reason.MATERNITY,
        first_day=date(2026, 10, 1),
        last_day=date(2027, 3, 31),
        approved_by=people["pm"],
    )
    for _ in range(request.param - 1):
        extension.pk = None
        extension.save()
    enrolment.extensions.update(last_day=date(9999, 12, 31), months=32767)


@pytest.mark.parametrize(("name", "with_pk"), PAGES)
@time_machine.travel(date(2026, 12, 1))
def test_pages_survive_a_stored_far_future_extension(
    client, people, enrolment, far_extensions, name, with_pk
):
    client.force_login(people["pm"].user)
    url = reverse(name, args=[enrolment.pk] if with_pk else [])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "with_pk"), PAGES)
@pytest.mark.parametrize("start", [date(9999, 12, 31), date(1, 1, 1)])
@time_machine.travel(date(2026, 12, 1))
def test_pages_survive_a_stored_far_asye_start(client, people, enrolment, name, with_pk, start):
    Enrolment.objects.filter(pk=enrolment.pk).update(asye_start=start)
    client.force_login(people["pm"].user)
    url = reverse(name, args=[enrolment.pk] if with_pk else [])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["nqsw", "assessor", "gm", "admin"])
@time_machine.travel(date(2026, 12, 1))
def test_home_survives_a_far_future_extension_for_every_role(client, people, far_extensions, who):
    client.force_login(people[who].user)
    assert client.get(reverse("home")).status_code == 200
    mine = client.get(reverse("caseloads:my_caseload"), follow=True)
    assert mine.status_code in (200, 403, 404)
