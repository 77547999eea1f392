"""Moving a panel's meeting (issue 10 item 8): the deadline moves with it (MOD-SUBMIT), the
chair is told which portfolios become late or no longer late before confirming, and the move
is recorded; and "Record the decision" is offered only when a decision can be recorded
(MOD-DECISION), the page saying when otherwise."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from moderation import services
from moderation.forms import PanelForm
from moderation.models import PanelDateChange
from tests.moderation.conftest import at, complete_forms, make_panel, today

pytestmark = pytest.mark.django_db


def edit_data(panel, **changes) -> dict:
    """The panel form as the page fills it in, with `changes`."""
    data = {}
    for name, value in PanelForm.initial_for(panel).items():
        if isinstance(value, list):
            data[name] = [p.pk for p in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif value is None:
            data[name] = ""
        else:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data.update(changes)
    return {k: v for k, v in data.items() if v != []}


def move(panel, crew, held_on):
    return services.change_panel(
        panel=panel,
        by=crew["chair"],
        held_on=held_on,
        seats=[s for s in _seats(panel)],
        venue=panel.venue,
    )


def _seats(panel):
    return [
        services.Seat(m.role, m.person, m.name if m.person_id is None else "", m.organisation)
        for m in panel.members.all()
    ]


# --- The service ------------------------------------------------------------------------------


def test_moving_the_meeting_earlier_makes_a_portfolio_still_to_come_late(crew, panel, entry):
    new_day = today() + timedelta(days=10)  # due 14 days before: four days ago
    [change] = services.deadline_changes(panel, new_day)
    assert change.submission == entry and change.becomes_late and not change.submitted
    assert change.due_after == today() - timedelta(days=4)
    assert "becomes late" in change.message and "MOD-SUBMIT" in change.message

    move(panel, crew, new_day)
    panel.refresh_from_db()
    assert panel.held_on == new_day and panel.submissions_due_on == change.due_after
    entry.refresh_from_db()
    assert entry.is_overdue(today())
    [record] = PanelDateChange.objects.filter(panel=panel)
    assert record.changed_by == crew["chair"]
    assert record.held_on_before == today() + timedelta(days=30)
    assert record.held_on_after == new_day
    assert record.due_on_before == today() + timedelta(days=16)
    assert record.due_on_after == change.due_after
    assert record.became_late == [entry.code] and record.no_longer_late == []
    assert timezone.localdate(record.changed_at) == today()


def test_moving_the_meeting_later_puts_an_overdue_portfolio_back_on_time(crew, enrolment):
    panel = make_panel(crew, held_on=today() + timedelta(days=5))  # due nine days ago
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    assert entry.is_overdue(today())
    [change] = services.deadline_changes(panel, today() + timedelta(days=30))
    assert not change.becomes_late and "no longer late" in change.message
    move(panel, crew, today() + timedelta(days=30))
    entry.refresh_from_db()
    assert not entry.is_overdue(today())
    assert PanelDateChange.objects.get(panel=panel).no_longer_late == [entry.code]


def test_a_submitted_portfolio_stays_as_it_was_submitted(crew, panel, submitted):
    [change] = services.deadline_changes(panel, today() + timedelta(days=10))
    assert change.submitted and change.becomes_late
    assert "stays as it was submitted" in change.message
    move(panel, crew, today() + timedelta(days=10))
    submitted.refresh_from_db()
    assert not submitted.late  # frozen (MOD-SUBMIT): it was in on time
    assert PanelDateChange.objects.get(panel=panel).became_late == []


def test_a_move_that_changes_no_deadline_warns_of_nothing(crew, panel, entry):
    assert services.deadline_changes(panel, today() + timedelta(days=31)) == []
    assert services.deadline_changes(panel, panel.held_on) == []


def test_changing_only_the_venue_records_no_move(crew, panel):
    services.change_panel(
        panel=panel, by=crew["chair"], held_on=panel.held_on, seats=_seats(panel), venue="Room 2"
    )
    assert not PanelDateChange.objects.exists()


# --- The page ---------------------------------------------------------------------------------


def test_the_chair_sees_the_warning_then_confirms_the_move(client, crew, panel, entry):
    client.force_login(crew["chair"].user)
    url = reverse("moderation:panel_edit", args=[panel.pk])
    new_day = today() + timedelta(days=10)
    response = client.post(url, edit_data(panel, held_on=new_day.isoformat()))
    assert response.status_code == 200
    text = response.text
    assert "Moving the panel changes 1 deadline" in text
    assert f"{entry.code}: {entry.enrolment.person.full_name}</strong> becomes late" in text
    assert 'name="confirm_move"' in text and "Confirm and move the panel" in text
    panel.refresh_from_db()
    assert panel.held_on != new_day and not PanelDateChange.objects.exists()

    response = client.post(
        url, {**edit_data(panel, held_on=new_day.isoformat()), "confirm_move": new_day}
    )
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.held_on == new_day
    assert PanelDateChange.objects.get(panel=panel).changed_by == crew["chair"]
    detail = client.get(reverse("moderation:panel_detail", args=[panel.pk])).text
    assert "Date changes" in detail and crew["chair"].full_name in detail
    assert f"Became late: {entry.code}" in detail


def test_a_confirmation_for_another_date_is_asked_again(client, crew, panel, entry):
    client.force_login(crew["ld"].user)
    url = reverse("moderation:panel_edit", args=[panel.pk])
    stale = (today() + timedelta(days=12)).isoformat()
    new_day = today() + timedelta(days=10)
    response = client.post(
        url, {**edit_data(panel, held_on=new_day.isoformat()), "confirm_move": stale}
    )
    assert response.status_code == 200 and "Moving the panel changes" in response.text
    panel.refresh_from_db()
    assert panel.held_on == today() + timedelta(days=30)


def test_a_move_that_changes_no_deadline_is_saved_at_once(client, crew, panel, entry):
    client.force_login(crew["deputy"].user)
    url = reverse("moderation:panel_edit", args=[panel.pk])
    new_day = today() + timedelta(days=31)
    response = client.post(url, edit_data(panel, held_on=new_day.isoformat()))
    assert response.status_code == 302
    assert PanelDateChange.objects.get(panel=panel).changed_by == crew["deputy"]


@pytest.mark.parametrize("role", ["moderator", "nqsw", "pm", "gm", "other_assessor"])
def test_those_who_may_not_change_a_panel_cannot_move_it(client, crew, panel, entry, role):
    person = crew["other_gm"] if role == "moderator" else crew[role]
    client.force_login(person.user)
    url = reverse("moderation:panel_edit", args=[panel.pk])
    new_day = (today() + timedelta(days=10)).isoformat()
    response = client.post(url, {**edit_data(panel, held_on=new_day), "confirm_move": new_day})
    assert response.status_code in (403, 404)
    assert not PanelDateChange.objects.exists()


def test_a_superuser_without_a_staff_profile_sees_the_warning_but_records_nothing(
    client, panel, entry, django_user_model
):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    url = reverse("moderation:panel_edit", args=[panel.pk])
    new_day = (today() + timedelta(days=10)).isoformat()
    response = client.post(url, edit_data(panel, held_on=new_day))
    assert response.status_code == 200 and "Moving the panel changes" in response.text
    response = client.post(url, {**edit_data(panel, held_on=new_day), "confirm_move": new_day})
    assert response.status_code == 403
    assert not PanelDateChange.objects.exists()


# --- "Record the decision" --------------------------------------------------------------------


def test_the_agenda_offers_record_the_decision_only_when_it_can_be(client, crew, panel, allocated):
    client.force_login(crew["chair"].user)
    agenda = reverse("moderation:agenda", args=[panel.pk])
    decision = reverse("moderation:decision", args=[allocated.code])

    text = client.get(agenda).text
    assert "Record the decision" not in text
    assert "0 of 1 moderation forms are complete" in text

    complete_forms(allocated)
    text = client.get(agenda).text
    assert "Record the decision" not in text
    assert f"from {panel.held_on.day} {panel.held_on:%B %Y} (MOD-DECISION)" in text
    page = client.get(decision).text
    assert "The decision can be recorded at the meeting" in page
    assert 'name="verdict"' not in page

    with time_machine.travel(at(panel.held_on), tick=False):
        client.force_login(crew["chair"].user)
        text = client.get(agenda).text
        assert "Record the decision" in text
        page = client.get(decision).text
        assert 'name="verdict"' in page and "can be recorded at the meeting" not in page
