"""The board's stored rows (caseloads.summaries): after real service calls, and after the
changes the services do not make (an extension, a lowered cap, an outcome), every
summary equals a fresh evaluation; the board and the requests page are paginated."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from caseloads import services, summaries
from caseloads.models import CapRule, CaseloadSummary
from caseloads.states import worker_states
from cohorts.models import Enrolment, Extension
from cohorts.services import record_extension, record_outcome
from tests import factories as base
from tests.caseloads import factories as f
from tests.clock import pin_today

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)  # ASYE month 3 for a September 2026 start
OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


def fresh() -> dict:
    states = worker_states(Enrolment.objects.current(), TODAY)
    return {state.enrolment.pk: summaries.values_of(state) for state in states}


def stored() -> dict:
    fields = [name for name in summaries.FIELDS if name != "refreshed_at"]
    return {
        row.enrolment_id: {name: getattr(row, name) for name in fields}
        for row in CaseloadSummary.objects.all()
    }


def stale_ids() -> set[int]:
    return set(summaries.stale(Enrolment.objects.current(), on=TODAY))


def lower_the_cai_cap(maximum: int) -> None:
    CapRule.objects.create(
        applies_to="nqsw",
        service=base.service("CAI"),
        month_from=1,
        month_to=4,
        minimum=0,
        maximum=maximum,
        unit="children",
        source="Lowered for a test.",
        effective_from=date(2026, 11, 1),
    )


def test_the_summaries_follow_the_services_and_the_changes_around_them(people, enrolment):
    nqsw, pm = people["nqsw"], people["pm"]
    other = people["other_nqsw"].enrolments.get()
    # Services: approve, request, decline, end, a co-worked CP case, a visit sign-off.
    f.allocate(nqsw, start=OCTOBER, children=3)
    ended = f.allocate(nqsw, start=OCTOBER, children=2)
    services.end_allocation(
        allocation=ended, ended_by=pm, end_date=date(2026, 11, 15), end_reason="Closed."
    )
    declined = f.request(nqsw, start=TODAY, children=1)
    services.decline_allocation(allocation=declined, decided_by=pm, reason="No room.")
    f.request(nqsw, start=TODAY, children=1)
    shared = f.CaseFactory(case_type="CP", children=2)
    f.allocate(f.staff(service="CAI"), start=OCTOBER, case=shared)
    f.allocate(nqsw, start=OCTOBER, case=shared, role="coworker")
    services.sign_off_visits(enrolment=enrolment, signed_by=pm, signed_on=OCTOBER)
    # No summary is written yet for the worker no service has touched.
    assert set(stored()) == {enrolment.pk}
    assert summaries.refresh_stale(on=TODAY) == 1
    assert stored() == fresh()
    assert stored()[enrolment.pk]["children"] == 5
    assert stored()[enrolment.pk]["requests_waiting"] == 1
    assert stale_ids() == set()

    # Outside the caseloads services: an absence (EXT-1), a lowered cap, an outcome.
    record_extension(
        enrolment=other,
        reason=Extension.Reason.MATERNITY,
        first_day=date(2026, 11, 2),
        last_day=date(2027, 3, 31),
        approved_by=people["other_pm"],
    )
    assert stale_ids() == {other.pk}
    summaries.refresh_stale(on=TODAY)
    assert stored() == fresh()

    lower_the_cai_cap(4)
    assert stale_ids() == {enrolment.pk, other.pk}
    summaries.refresh_stale(on=TODAY)
    assert stored() == fresh()
    assert stored()[enrolment.pk]["over_cap"] and stored()[enrolment.pk]["headroom"] == -1

    record_outcome(enrolment=other, status=Enrolment.Status.PASSED, end_date=TODAY)
    summaries.refresh([other.pk], on=TODAY)
    assert set(stored()) == {enrolment.pk}
    # A new day: every row is evaluated again for it.
    assert set(summaries.stale(Enrolment.objects.current(), on=date(2026, 11, 17))) == {
        enrolment.pk
    }


@pytest.fixture
def three_workers(people, enrolment):
    """A CAP-MAX breach (the CA&I NQSW), a CAP-MIN warning (the CLA NQSW, no children) and
    a trainee with neither."""
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    trainee = f.trainee(practice_group=enrolment.practice_group)
    f.allocate(trainee.person, start=OCTOBER, children=1)
    lower_the_cai_cap(2)
    return [people["nqsw"], people["other_nqsw"], trainee.person]


def test_the_board_is_paginated_breaches_first(client, monkeypatch, people, three_workers):
    monkeypatch.setattr("caseloads.board.PAGE_SIZE", 2)
    client.force_login(people["admin"].user)
    first = client.get(reverse("caseloads:board")).content.decode()
    second = client.get(reverse("caseloads:board"), {"page": 2}).content.decode()
    breach, warning, neither = (person.full_name for person in three_workers)
    assert breach in first and warning in first and neither not in first
    assert first.index(breach) < first.index(warning)
    assert neither in second and breach not in second
    for page in (first, second):
        assert "3 workers: 1 with a breach, 1 with a warning" in page
    assert "Page 2 of 2" in second
    # The CSV streams every row, in the same order.
    response = client.get(reverse("caseloads:board_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [person.staff_id for person in three_workers]
    # Filters read the summary too.
    over = client.get(reverse("caseloads:board"), {"attention": "over_cap"}).content.decode()
    assert "1 worker:" in over and breach in over and warning not in over


def test_the_requests_page_is_paginated(client, monkeypatch, people):
    monkeypatch.setattr("caseloads.views.PAGE_SIZE", 2)
    made = [f.request(people["nqsw"], start=TODAY, children=1) for _ in range(3)]
    client.force_login(people["pm"].user)
    first = client.get(reverse("caseloads:requests")).content.decode()
    second = client.get(reverse("caseloads:requests"), {"page": 2}).content.decode()
    references = [allocation.case.reference for allocation in made]
    assert references[0] in first and references[1] in first and references[2] not in first
    assert references[2] in second and "Page 2 of 2 (3 in all)" in second
