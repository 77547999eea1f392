"""The demo supervision history (supervision/demo.py): believable, overdue in places, idempotent."""

from datetime import date

import pytest

from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from supervision import demo
from supervision.models import Attendance, Session, SupervisionPolicy, SupportRecord, schedule_for

pytestmark = pytest.mark.django_db

AUTUMN = date(2026, 11, 22)
JUNE = date(2027, 6, 15)


def schedules(today):
    policies = SupervisionPolicy.all_versions()
    return {
        e.person.staff_id: schedule_for(e, today=today, policies=policies)
        for e in demo.demo_enrolments()
    }


def history_rows():
    return (
        Session.history.count(),
        Attendance.history.count(),
        SupportRecord.history.count(),
    )


@pytest.mark.parametrize("today", [AUTUMN, JUNE])
def test_demo_history_has_overdue_nqsws_and_is_idempotent(today):
    people = academy_demo.build(today)
    first = demo.build(today=today, people=people)
    assert first["added"] > 50
    plans = schedules(today)
    overdue = {staff_id for staff_id, plan in plans.items() if plan.state == "overdue"}
    assert overdue >= demo.OVERDUE
    assert plans["D0031"].state in ("on_track", "due_soon")  # nqsw.demo
    kinds = set(Session.objects.values_list("kind", flat=True))
    assert kinds == {"one_to_one", "pm_group", "assessor_group", "joint"}

    before = history_rows()
    again = demo.build(today=today, people=people)
    assert again["added"] == 0
    assert history_rows() == before


def test_support_from_month_nine_and_none_during_leave():
    people = academy_demo.build(JUNE)
    demo.build(today=JUNE, people=people)
    supported = Enrolment.objects.get(person__staff_id=demo.SUPPORTED, status="active")
    record = SupportRecord.objects.get(enrolment=supported)
    assert record.from_date == supported.month_starts_on(9)
    assert schedule_for(supported, today=JUNE).interval_days == 14
    extended = Enrolment.objects.get(person=people["extended_nqsw"], status="active")
    leave = extended.extensions.get()
    assert not Session.objects.filter(
        kind="one_to_one",
        attendances__enrolment=extended,
        held_on__range=(leave.first_day, leave.last_day),
    ).exists()


def test_a_later_day_adds_what_happened_since():
    people = academy_demo.build(AUTUMN)
    demo.build(today=AUTUMN, people=people)
    count = Session.objects.count()
    later = date(2026, 12, 10)
    academy_demo.build(later)
    result = demo.build(today=later, people=people)
    assert result["added"] > 0
    assert Session.objects.count() > count
