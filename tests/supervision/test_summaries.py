"""The supervision overview's stored rows (supervision.summaries): after real service calls,
and after the changes the services do not make (an extension, an administrator's edit of a
session or a register, a new policy, a new day, an ended ASYE), every summary equals a fresh
schedule; the overview is paginated and its CSV streams every row (issue 17)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from cohorts.models import Enrolment
from cohorts.services import record_extension, record_outcome
from supervision import services, summaries
from supervision.models import (
    SupervisionPolicy,
    SupervisionSummary,
    schedule_for,
    with_schedule_data,
)
from tests import factories
from tests.clock import pin_today
from tests.supervision.conftest import group_session, one_to_one

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)  # week 12 of a 1 September 2026 start: SUP-FORTNIGHTLY


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


def fresh(on=TODAY) -> dict:
    found = with_schedule_data(summaries.with_schedules(Enrolment.objects.all()))
    policies = SupervisionPolicy.all_versions()
    return {
        e.pk: {
            **summaries.values_of(schedule_for(e, today=on, policies=policies)),
            "asye_month": e.asye_month(on),
        }
        for e in found
    }


def stored() -> dict:
    fields = [name for name in summaries.FIELDS if name not in ("as_of", "refreshed_at")]
    return {
        row.enrolment_id: {name: getattr(row, name) for name in fields}
        for row in SupervisionSummary.objects.all()
    }


def stale_ids(on=TODAY) -> set[int]:
    found = summaries.with_schedules(Enrolment.objects.all())
    return set(found.filter(summaries.stale_q(on)).values_list("pk", flat=True))


@pytest.fixture
def group():
    group = factories.PracticeGroupFactory()
    for _ in range(3):
        factories.EnrolmentFactory(practice_group=group)
    return group


def test_the_services_keep_every_row_true(group):
    first, second, third = group.enrolments.order_by("pk")
    group_session(group, date(2026, 9, 3), [(e, True) for e in (first, second, third)])
    one_to_one(first, date(2026, 11, 10))
    services.record_support(
        enrolment=second,
        recorded_by=group.practice_manager,
        reason="Needs more support.",
        from_date=date(2027, 5, 1),
    )

    assert stale_ids() == set()
    assert stored() == fresh()
    assert SupervisionSummary.objects.get(enrolment=first).last_supervision == date(2026, 11, 10)
    assert SupervisionSummary.objects.get(enrolment=third).state == "overdue"


def test_an_extension_makes_the_row_stale_and_the_refresh_makes_it_true(group):
    first = group.enrolments.order_by("pk").first()
    summaries.refresh_stale(on=TODAY)
    assert stale_ids() == set()

    record_extension(
        enrolment=first,
        reason="maternity",
        first_day=date(2026, 11, 1),
        last_day=date(2027, 3, 31),
        approved_by=group.practice_manager,
    )
    assert stale_ids() == {first.pk}
    assert summaries.refresh_stale(on=TODAY) == 1
    assert stored() == fresh()
    assert SupervisionSummary.objects.get(enrolment=first).state == "on_leave"


def test_an_administrators_edits_of_a_session_and_a_register_make_the_rows_stale(group):
    first, second, _ = group.enrolments.order_by("pk")
    session = one_to_one(first, date(2026, 11, 10))
    group_session(group, date(2026, 9, 3), [(e, True) for e in group.enrolments.all()])
    summaries.refresh_stale(on=TODAY)
    assert stale_ids() == set()

    # The Django admin saves the model itself: no service runs, its history row says so.
    session.held_on = date(2026, 11, 3)
    session.save()
    assert stale_ids() == {first.pk}
    summaries.refresh_stale(on=TODAY)

    entry = second.supervision_attendances.get()
    entry.attended = False
    entry.save()
    assert stale_ids() == {second.pk}
    summaries.refresh_stale(on=TODAY)
    assert stored() == fresh()


def test_a_new_policy_and_a_new_day_make_every_row_stale(group):
    summaries.refresh_stale(on=TODAY)
    everyone = set(group.enrolments.values_list("pk", flat=True))
    assert stale_ids(TODAY + timedelta(days=1)) == everyone

    policy = SupervisionPolicy.objects.order_by("-effective_from").first()
    policy.due_soon_days = 10
    policy.save()
    assert stale_ids() == everyone
    summaries.refresh_stale(on=TODAY)
    assert stored() == fresh()


def test_an_ended_asye_loses_its_row(group):
    first = group.enrolments.order_by("pk").first()
    summaries.refresh_stale(on=TODAY)
    record_outcome(enrolment=first, status=Enrolment.Status.WITHDRAWN, end_date=TODAY)
    summaries.refresh([first.pk], on=TODAY)
    assert not SupervisionSummary.objects.filter(enrolment=first).exists()


def test_the_nightly_command_brings_the_rows_up_to_today(group):
    out = io.StringIO()
    call_command("refresh_summaries", stdout=out)
    assert "3 supervision" in out.getvalue()
    assert stored() == fresh()
    out = io.StringIO()
    call_command("refresh_summaries", stdout=out)
    assert "0 supervision" in out.getvalue()


# --- The overview pages through its rows; the CSV streams them all ---------------------------


@pytest.fixture
def big_group():
    group = factories.PracticeGroupFactory()
    enrolments = [factories.EnrolmentFactory(practice_group=group) for _ in range(53)]
    # Three were supervised last week (on track); the rest are overdue.
    for enrolment in enrolments[:3]:
        one_to_one(enrolment, date(2026, 11, 12))
    return group, enrolments


def test_the_overview_pages_through_fifty_at_a_time_overdue_first(client, big_group):
    group, enrolments = big_group
    client.force_login(group.practice_manager.user)

    first = client.get(reverse("supervision:overview"))
    assert first.status_code == 200
    rows = first.context["rows"]
    assert len(rows) == 50 and all(plan.state == "overdue" for _, plan in rows)
    assert "53 NQSWs: 50 overdue, 0 due this week, 3 on track" in first.text
    assert "Page 1 of 2" in first.text

    second = client.get(reverse("supervision:overview"), {"page": 2})
    assert [plan.state for _, plan in second.context["rows"]] == ["on_track"] * 3
    shown = {e.pk for e, _ in rows} | {e.pk for e, _ in second.context["rows"]}
    assert shown == {e.pk for e in enrolments}


def test_the_status_filter_pages_and_counts_the_matching_rows_only(client, big_group):
    group, _ = big_group
    client.force_login(group.practice_manager.user)
    response = client.get(reverse("supervision:overview"), {"status": "on_track"})
    assert len(response.context["rows"]) == 3
    assert "3 NQSWs: 0 overdue, 0 due this week, 3 on track" in response.text
    # The page links keep the filter.
    assert "Page 1 of" not in response.text


def test_the_csv_streams_every_row_in_the_order_of_enrolment(client, big_group):
    """In the order the NQSWs were enrolled (the primary key): the overview's order would
    be a sort of the whole service before the first row leaves (issue 17)."""
    group, enrolments = big_group
    client.force_login(group.practice_manager.user)
    response = client.get(reverse("supervision:overview_csv"))
    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == 53
    by_pk = sorted(enrolments, key=lambda e: e.pk)
    assert [row["staff_id"] for row in rows] == [e.person.staff_id for e in by_pk]
    status = {row["staff_id"]: row for row in rows}
    supervised = {e.person.staff_id for e in enrolments[:3]}
    assert {s for s, row in status.items() if not row["status"].startswith("overdue")} == (
        supervised
    )
    first_supervised = status[enrolments[0].person.staff_id]
    assert first_supervised["last_supervision"] == "2026-11-12"
    assert first_supervised["asye_month"] == "3"
    never = status[enrolments[3].person.staff_id]
    assert never["last_supervision"] == "" and never["next_due"] == "2026-09-01"
