"""Recording supervision (SUP-CONTENT, SUP-GROUP, SUP-THREE-WEEKLY) and what the pages show."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from supervision import services
from supervision.models import Session, SupervisionPolicy, SupportRecord, schedule_for
from tests import factories
from tests.supervision.conftest import CONTENT, group_session, one_to_one

pytestmark = pytest.mark.django_db


def login(client, person):
    client.force_login(person.user)
    return client


def test_the_policy_is_seeded_from_the_guidance():
    policy = SupervisionPolicy.objects.get()
    assert (
        policy.weekly_days,
        policy.weekly_weeks,
        policy.fortnightly_days,
        policy.three_weekly_days,
        policy.three_weekly_from_month,
        policy.due_soon_days,
    ) == (7, 6, 14, 21, 9, 7)
    assert "3 weekly during May" in policy.source


def test_a_one_to_one_keeps_its_content_and_history(enrolment, people):
    session = one_to_one(enrolment, date(2026, 9, 8), case_references="CIN-20413, CP/1234")
    assert session.supervisor == people["pm"]
    assert session.case_references == "CIN-20413 CP/1234"
    assert session.appreciative_inquiry is True
    assert list(session.attendances.values_list("enrolment", "attended")) == [(enrolment.pk, True)]
    session.actions = "Book the MASH day."
    session.save()
    assert session.history.count() == 2
    assert session.attendances.get().history.count() == 1


@pytest.mark.parametrize("references", ["Jane Smith", "cin-204", "AB", "A" * 21, "CIN_20413"])
def test_case_references_are_references_never_names(client, people, enrolment, references):
    url = reverse("supervision:record_session", args=[enrolment.pk])
    response = login(client, people["pm"]).post(
        url,
        {
            "kind": "one_to_one",
            "held_on": "2026-09-08",
            "start_time": "10:00",
            **CONTENT,
            "case_references": references,
        },
    )
    assert response.status_code == 200
    assert "never a child&#x27;s name" in response.text
    assert not Session.objects.exists()


def test_the_database_refuses_a_name_in_case_references(enrolment, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            kind="one_to_one",
            held_on=date(2026, 9, 8),
            start_time=time(10),
            supervisor=people["pm"],
            recorded_by=people["pm"],
            reflection="x",
            training_to_practice="y",
            case_references="Jane Smith",
        )


def test_a_joint_supervision_names_the_co_worked_case(enrolment):
    with pytest.raises(ValidationError, match="names the co-worked case"):
        one_to_one(enrolment, date(2026, 10, 1), kind="joint")
    session = one_to_one(enrolment, date(2026, 10, 1), kind="joint", case_references="CP-7781")
    assert session.get_kind_display() == "Joint supervision of a co-worked case"


def test_the_one_to_one_form_asks_for_the_case_of_a_joint_supervision(client, people, enrolment):
    response = login(client, people["pm"]).post(
        reverse("supervision:record_session", args=[enrolment.pk]),
        {"kind": "joint", "held_on": "2026-10-01", "start_time": "10:00", **CONTENT},
    )
    assert "COWORK-LEAD" in response.text
    assert not Session.objects.exists()


def test_a_supervision_is_recorded_once_it_has_happened(client, people, enrolment):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = login(client, people["pm"]).post(
        reverse("supervision:record_session", args=[enrolment.pk]),
        {"kind": "one_to_one", "held_on": tomorrow.isoformat(), "start_time": "10:00", **CONTENT},
    )
    assert response.status_code == 200
    assert "in the future" in response.text
    assert not Session.objects.exists()


def test_sup_content_is_required(client, people, enrolment):
    response = login(client, people["pm"]).post(
        reverse("supervision:record_session", args=[enrolment.pk]),
        {"kind": "one_to_one", "held_on": "2026-09-08", "start_time": "10:00"},
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_a_pm_group_session_takes_a_register_for_the_whole_group(client, people, enrolment):
    group = enrolment.practice_group
    colleague = factories.EnrolmentFactory(practice_group=group)
    url = reverse("supervision:record_group_session", args=[group.pk])
    response = login(client, people["pm"]).post(
        url,
        {
            "held_on": "2026-09-15",
            "start_time": "14:00",
            **CONTENT,
            f"attended_{enrolment.pk}": "on",
        },
        follow=True,
    )
    assert "1 of 2 attended" in response.text
    session = Session.objects.get()
    assert session.kind == "pm_group" and session.supervisor == people["pm"]
    register = dict(session.attendances.values_list("enrolment", "attended"))
    assert register == {enrolment.pk: True, colleague.pk: False}
    # It counts for the one who came (week 3), not for the one who did not.
    today = date(2026, 9, 16)
    assert schedule_for(enrolment, today=today).last_supervision == date(2026, 9, 15)
    assert schedule_for(colleague, today=today).last_supervision is None


def test_a_group_session_is_for_the_groups_own_workers(enrolment, people):
    stranger = factories.EnrolmentFactory()
    with pytest.raises(ValidationError, match="not in"):
        group_session(enrolment.practice_group, date(2026, 9, 15), [(stranger, True)])


def test_an_assessor_session_is_for_their_own_nqsws(enrolment, people):
    stranger = factories.EnrolmentFactory()
    with pytest.raises(ValidationError, match="does not assess"):
        services.record_assessor_session(
            assessor=people["assessor"],
            attendance=[(stranger, True)],
            held_on=date(2026, 10, 1),
            start_time=time(13),
            today=date(2026, 10, 1),
            **CONTENT,
        )


def test_an_assessor_records_a_group_session(client, people, enrolment):
    url = reverse("supervision:record_assessor_session")
    response = login(client, people["assessor"]).post(
        url,
        {
            "held_on": "2026-10-01",
            "start_time": "13:00",
            **CONTENT,
            f"attended_{enrolment.pk}": "on",
        },
    )
    session = Session.objects.get()
    assert response.url == reverse("supervision:session_detail", args=[session.pk])
    assert (session.kind, session.supervisor) == ("assessor_group", people["assessor"])
    # SUP-GROUP: on the record, but not towards the 1:1 frequency.
    assert schedule_for(enrolment, today=date(2026, 10, 2)).last_supervision is None


def test_nobody_supervises_themselves(enrolment, people):
    pm_enrolment = factories.EnrolmentFactory(person=factories.PersonFactory(role="nqsw"))
    with pytest.raises(ValidationError, match="themselves"):
        services.record_session(
            kind="one_to_one",
            held_on=date(2026, 9, 8),
            start_time=time(10),
            supervisor=pm_enrolment.person,
            recorded_by=people["pm"],
            attendance=[(pm_enrolment, True)],
            today=date(2026, 9, 8),
            **CONTENT,
        )


def test_support_keeps_one_to_ones_fortnightly_from_month_nine(client, people, enrolment):
    today = date(2027, 5, 12)
    one_to_one(enrolment, date(2027, 5, 10))
    assert schedule_for(enrolment, today=today).next_due == date(2027, 5, 31)
    login(client, people["pm"]).post(
        reverse("supervision:record_support", args=[enrolment.pk]),
        {"from_date": "2027-05-01", "reason": "Needs close support with court work."},
    )
    record = SupportRecord.objects.get()
    assert record.recorded_by == people["pm"]
    assert record.history.count() == 1
    plan = schedule_for(enrolment, today=today)
    assert (plan.next_due, plan.rule, plan.supported) == (
        date(2027, 5, 24),
        "SUP-FORTNIGHTLY",
        True,
    )


def test_support_needs_a_reason(client, people, enrolment):
    response = login(client, people["pm"]).post(
        reverse("supervision:record_support", args=[enrolment.pk]),
        {"from_date": "2027-05-01", "reason": "   "},
    )
    assert response.status_code == 200
    assert not SupportRecord.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRecord.objects.create(
            enrolment=enrolment, recorded_by=people["pm"], reason="", from_date=date(2027, 5, 1)
        )


def test_the_record_page_shows_next_due_planned_dates_and_history(client, people):
    # An NQSW who started 50 days ago and had one 1:1 a week ago.
    today = timezone.localdate()
    enrolment = factories.EnrolmentFactory(asye_start=today - timedelta(days=50))
    pm = enrolment.practice_group.practice_manager
    one_to_one(enrolment, today - timedelta(days=7), recorded_by=pm)
    response = login(client, enrolment.person).get(
        reverse("supervision:record", args=[enrolment.pk])
    )
    due = today + timedelta(days=7)
    assert "Due soon" in response.text
    assert f"{due:%-d %B %Y}" in response.text
    assert "SUP-FORTNIGHTLY" in response.text
    assert "Planned dates" in response.text
    assert "1:1 supervision" in response.text
    # The NQSW may read but not record.
    assert "Record a 1:1" not in response.text


def test_the_overview_puts_the_overdue_first_and_filters_by_status(client, people):
    today = timezone.localdate()
    group = factories.PracticeGroupFactory()
    overdue = factories.EnrolmentFactory(practice_group=group, asye_start=today - timedelta(60))
    on_track = factories.EnrolmentFactory(practice_group=group, asye_start=today - timedelta(60))
    one_to_one(on_track, today - timedelta(days=1))
    login(client, group.practice_manager)
    page = client.get(reverse("supervision:overview")).text
    assert page.index(overdue.person.full_name) < page.index(on_track.person.full_name)
    assert "Overdue by 60 days" in page
    page = client.get(reverse("supervision:overview"), {"status": "on_track"}).text
    assert on_track.person.full_name in page and overdue.person.full_name not in page
    csv_text = (
        client.get(reverse("supervision:overview_csv"), {"status": "overdue"}).getvalue().decode()
    )
    assert overdue.person.staff_id in csv_text and on_track.person.staff_id not in csv_text
    assert "overdue by 60 days" in csv_text


def test_the_overview_filters_by_service_and_group(client, people, enrolment):
    login(client, people["chair"])
    url = reverse("supervision:overview")
    cla = factories.service("CLA")
    page = client.get(url, {"service": cla.pk}).text
    assert enrolment.person.full_name not in page
    assert people["other_nqsw"].full_name in page
    page = client.get(url, {"practice_group": enrolment.practice_group.pk}).text
    assert enrolment.person.full_name in page
    assert people["other_nqsw"].full_name not in page


def test_csv_cells_never_start_a_formula(client, people, enrolment):
    enrolment.person.full_name = '=HYPERLINK("http://x")'
    enrolment.person.save()
    text = login(client, people["pm"]).get(reverse("supervision:overview_csv")).getvalue().decode()
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("name", ["attended", "appreciative_inquiry"])
def test_a_group_register_refuses_a_box_that_is_neither_yes_nor_no(client, people, enrolment, name):
    # Issue 15 item 12: `attended_3=zzz` used to count as attended.
    group = enrolment.practice_group
    field = f"attended_{enrolment.pk}" if name == "attended" else name
    response = login(client, people["pm"]).post(
        reverse("supervision:record_group_session", args=[group.pk]),
        {
            "held_on": "2026-09-15",
            "start_time": "14:00",
            **CONTENT,
            f"attended_{enrolment.pk}": "on",
            field: "zzz",
        },
    )
    assert response.status_code == 200
    assert "is not a yes or no" in response.text
    assert not Session.objects.exists()
