"""`supervision_plan` (JSON, ics, exit statuses) and `send_reminders` (never twice a day)."""

import json
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from supervision.models import ReminderLog
from supervision.services import send_reminders
from tests import factories
from tests.supervision.conftest import one_to_one

pytestmark = pytest.mark.django_db


def plan_command(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command("supervision_plan", *args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def test_plan_as_json(capsys, enrolment):
    one_to_one(enrolment, date(2026, 11, 3))
    code, out, err = plan_command(
        capsys, enrolment.person.staff_id, "--as-of", "2026-11-20", "--format", "json"
    )
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["staff_id"] == enrolment.person.staff_id
    assert result["next_due"] == "2026-11-17"
    assert result["status"] == "overdue by 3 days"
    assert result["rule"] == "SUP-FORTNIGHTLY"
    assert result["planned"][:7] == [
        "2026-09-01",
        "2026-09-08",
        "2026-09-15",
        "2026-09-22",
        "2026-09-29",
        "2026-10-06",
        "2026-10-20",
    ]
    assert "2026-11-03" in result["planned"] and result["planned"][8] == "2026-11-17"


def test_plan_after_the_asye_is_complete(capsys, enrolment):
    code, out, _ = plan_command(capsys, enrolment.person.staff_id, "--as-of", "2027-09-01")
    result = json.loads(out)
    assert (code, result["next_due"], result["status"]) == (0, None, "ASYE complete")


def test_plan_as_ics(capsys, enrolment):
    code, out, _ = plan_command(
        capsys, enrolment.person.staff_id, "--format", "ics", "--as-of", "2026-09-01"
    )
    assert code == 0
    calendar = Calendar.from_ical(out)
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert starts[0] == date(2026, 9, 1) and len(starts) == 26


def test_unknown_staff_id_exits_2(capsys, db):
    code, out, err = plan_command(capsys, "NOBODY")
    assert code == 2
    assert out == ""
    assert "no person has the staff id 'NOBODY'" in err


def test_a_person_without_an_enrolment_exits_2(capsys, people):
    code, out, err = plan_command(capsys, people["pm"].staff_id)
    assert code == 2
    assert "has no ASYE enrolment" in err


def test_a_trainee_without_an_asye_start_exits_2(capsys, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    code, _, err = plan_command(capsys, trainee.person.staff_id)
    assert code == 2 and "no ASYE enrolment" in err


def test_a_bad_date_is_refused(capsys, enrolment):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("supervision_plan", enrolment.person.staff_id, "--as-of", "31/12/2026")


# --- send_reminders ---------------------------------------------------------------------------


def test_reminders_go_to_the_pm_and_the_nqsw_once_a_day(people, enrolment):
    # The other group's NQSW is overdue too: their PM gets their own digest.
    colleague = factories.EnrolmentFactory(practice_group=enrolment.practice_group)
    one_to_one(colleague, date(2026, 11, 3))
    today = date(2026, 11, 12)  # enrolment: overdue since 1 Sep; colleague due 17 Nov
    call_command("send_reminders", "--as-of", today.isoformat())
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {
        people["pm"].email,
        enrolment.person.email,
        colleague.person.email,
        people["other_pm"].email,
        people["other_nqsw"].email,
    }
    digest = by_recipient[people["pm"].email]
    assert digest.subject == "Supervision: 1 overdue, 1 due this week"
    assert f"{enrolment.person.full_name} ({enrolment.person.staff_id})" in digest.body
    assert "overdue by 72 days" in digest.body
    assert "Tue 17 Nov 2026" in digest.body
    assert "17 November 2026" in by_recipient[colleague.person.email].body
    assert enrolment.person.full_name not in by_recipient[people["other_pm"].email].body

    # A second run the same day sends nothing new.
    run = send_reminders(today=today)
    assert run.sent == [] and len(run.skipped) == 5
    assert len(mail.outbox) == 5
    assert ReminderLog.objects.count() == 5
    # The next day they go again.
    assert len(send_reminders(today=date(2026, 11, 13)).sent) == 5


def test_no_reminder_when_nothing_is_due_this_week(enrolment):
    one_to_one(enrolment, date(2026, 11, 3))
    run = send_reminders(today=date(2026, 11, 5))  # due 17 Nov: 12 days away
    assert run.sent == [] and mail.outbox == []


def test_a_failed_send_is_not_logged_so_it_is_tried_again(enrolment, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.supervision.test_commands.RefusingBackend"}}
    run = send_reminders(today=date(2026, 9, 10))
    assert run.sent == [] and len(run.failed) == 2
    assert not ReminderLog.objects.exists()


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
