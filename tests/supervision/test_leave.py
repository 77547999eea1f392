"""EXT-1 leave pauses supervision: on leave, never overdue or due soon, no reminder, and the
chain restarting at the return date with the interval in force then (issue 10 item 1)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.months import Shift
from supervision import schedule as sched
from supervision.models import schedule_for
from supervision.schedule import ONE_TO_ONE, Absence, SessionRecord, build_schedule
from supervision.services import send_reminders
from tests import factories
from tests.supervision.conftest import one_to_one
from tests.supervision.test_access import SEES

SEPT = date(2026, 9, 1)
# The demo's maternity leave: 16 Nov 2026 to 16 May 2027; back on Monday 17 May.
LEAVE = Absence(first_day=date(2026, 11, 16), last_day=date(2027, 5, 16))
RETURN = date(2027, 5, 17)
SHIFT = Shift(starts=LEAVE.first_day, months=6)
LAST_1TO1 = SessionRecord(date(2026, 11, 3), ONE_TO_ONE)  # next due 17 Nov, in the leave


def plan(today, *, sessions=(LAST_1TO1,), absences=(LEAVE,), **kwargs):
    return build_schedule(
        start=SEPT,
        today=today,
        shifts=[SHIFT],
        sessions=sessions,
        absences=absences,
        **kwargs,
    )


def test_the_day_before_leave_is_scheduled_as_usual():
    schedule = plan(LEAVE.first_day - timedelta(days=1))
    # 17 Nov would fall in the leave, so the next date is the first after the return.
    assert schedule.state == sched.ON_TRACK
    assert schedule.on_leave_until is None


def test_the_day_before_leave_still_shows_a_missed_supervision_as_overdue():
    schedule = plan(LEAVE.first_day - timedelta(days=1), sessions=())
    assert schedule.state == sched.OVERDUE


@pytest.mark.parametrize("today", [LEAVE.first_day, date(2027, 2, 1), LEAVE.last_day])
def test_on_leave_from_the_first_to_the_last_day(today):
    # No supervision for weeks before the leave either: the debt is not carried through it.
    for sessions in [(LAST_1TO1,), ()]:
        schedule = plan(today, sessions=sessions)
        assert schedule.state == sched.ON_LEAVE == "on_leave"
        assert schedule.status == "on leave until 16/05/2027"
        assert schedule.on_leave_until == LEAVE.last_day
        assert not schedule.is_overdue and schedule.days_overdue == 0
        # Month 6 on return (held back 6 months): fortnightly, due two weeks after the return.
        assert schedule.next_due == RETURN + timedelta(days=14)
        assert schedule.rule == sched.SUP_FORTNIGHTLY


def test_the_chain_restarts_at_the_return_date():
    schedule = plan(RETURN)
    assert schedule.state == sched.ON_TRACK
    assert schedule.on_leave_until is None
    assert schedule.next_due == RETURN + timedelta(days=14)
    assert schedule.last_supervision == LAST_1TO1.held_on
    # No planned date falls in the leave; the chain resumes fortnightly from the return.
    assert not [day for day in schedule.planned if LEAVE.covers(day)]
    after = [day for day in schedule.planned if day > LEAVE.last_day]
    assert tuple(after[:3]) == (
        RETURN + timedelta(days=14),
        RETURN + timedelta(days=28),
        RETURN + timedelta(days=42),
    )


def test_overdue_counts_from_the_restarted_chain():
    schedule = plan(RETURN + timedelta(days=15))
    assert schedule.state == sched.OVERDUE and schedule.days_overdue == 1


def test_a_return_in_the_weekly_weeks_restarts_weekly():
    short = Absence(first_day=date(2026, 9, 10), last_day=date(2026, 9, 20))
    schedule = build_schedule(start=SEPT, today=date(2026, 9, 21), absences=[short])
    assert schedule.next_due == date(2026, 9, 28) and schedule.rule == sched.SUP_WEEKLY


def test_a_return_in_month_nine_restarts_three_weekly():
    late = Absence(first_day=date(2027, 4, 1), last_day=date(2027, 5, 10))
    schedule = build_schedule(start=SEPT, today=date(2027, 5, 11), absences=[late])
    assert schedule.rule == sched.SUP_THREE_WEEKLY
    assert schedule.next_due == date(2027, 5, 11) + timedelta(days=21)


def test_leave_recorded_in_advance_drops_the_planned_dates_it_covers():
    schedule = plan(date(2026, 10, 1))
    assert not [day for day in schedule.planned if LEAVE.covers(day)]
    assert RETURN + timedelta(days=14) in schedule.planned


def test_without_absences_nothing_changes():
    assert plan(date(2027, 2, 1), absences=()).state == sched.OVERDUE


# --- through the database: the extension and send_reminders --------------------------------


@pytest.fixture
def on_leave(people, enrolment):
    one_to_one(enrolment, date(2026, 11, 3))
    cohort_services.record_extension(
        enrolment=enrolment,
        reason="maternity",
        first_day=LEAVE.first_day,
        last_day=LEAVE.last_day,
        approved_by=people["pm"],
    )
    return enrolment


def test_schedule_for_reads_the_extension(on_leave):
    schedule = schedule_for(on_leave, today=date(2026, 12, 1))
    assert schedule.state == sched.ON_LEAVE
    assert schedule.status == "on leave until 16/05/2027"


def test_send_reminders_skips_a_worker_on_leave(on_leave, people):
    # Otherwise overdue by 14 days on 1 Dec 2026: nobody is emailed about them.
    run = send_reminders(today=date(2026, 12, 1))
    recipients = {message.to[0] for message in mail.outbox}
    assert on_leave.person.email not in recipients
    assert people["pm"].email not in recipients
    assert on_leave.person.staff_id + " nqsw" not in run.sent


def test_send_reminders_resumes_after_the_return(on_leave):
    send_reminders(today=RETURN + timedelta(days=10))  # due 31 May: due soon
    assert on_leave.person.email in {message.to[0] for message in mail.outbox}


# --- the pages: overview (filter, counts, badge), CSV and the record page ---------------------

ON_LEAVE_DAY = date(2026, 12, 1)


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_the_overview_shows_on_leave_to_who_may_see(client, people, on_leave, who, sees):
    client.force_login(people[who].user)
    with time_machine.travel(ON_LEAVE_DAY):
        response = client.get(reverse("supervision:overview"), {"status": "on_leave"})
        # A streamed CSV: read while the clock is still on the day.
        csv = client.get(reverse("supervision:overview_csv"), {"status": "on_leave"})
        csv_text = csv.getvalue().decode()
    assert response.status_code == 200
    assert (on_leave.person.full_name in response.text) is sees
    assert ("On leave until 16/05/2027" in response.text) is sees
    assert (on_leave.person.staff_id in csv_text) is sees
    if sees:
        assert "0 overdue" in response.text and "1 on leave" in response.text
        assert "on leave until 16/05/2027" in csv_text


def test_the_overdue_filter_leaves_out_a_worker_on_leave(client, people, on_leave):
    client.force_login(people["pm"].user)
    with time_machine.travel(ON_LEAVE_DAY):
        response = client.get(reverse("supervision:overview"), {"status": "overdue"})
    assert on_leave.person.full_name not in response.text


def test_a_real_superuser_sees_on_leave(client, on_leave):
    client.force_login(factories.UserFactory(username="root", is_superuser=True))
    with time_machine.travel(ON_LEAVE_DAY):
        response = client.get(reverse("supervision:record", args=[on_leave.pk]))
    assert response.status_code == 200
    assert "On leave until 16/05/2027" in response.text


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_the_record_page_says_on_leave(client, people, on_leave, who, sees):
    client.force_login(people[who].user)
    with time_machine.travel(ON_LEAVE_DAY):
        response = client.get(reverse("supervision:record", args=[on_leave.pk]))
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert "On leave until 16/05/2027" in response.text
        assert "is on recorded leave until Sunday 16 May 2027" in response.text
        assert "Monday 31 May 2027 (after the return)" in response.text
        assert "Overdue" not in response.text
