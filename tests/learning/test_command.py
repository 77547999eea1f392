"""`manage.py mash_rota`: the output's shape and the exit statuses (the issue's contract)."""

import json
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from learning import services
from learning.models import MashRota
from tests import factories
from tests.learning.conftest import monday_of, team_of

SEASON = date(2027, 1, 4)


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("mash_rota", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def teams(db):
    a = factories.PracticeGroupFactory(name="Worthing CA&I")
    b = factories.PracticeGroupFactory(name="Crawley CLA")
    return {
        "a": team_of(3, a),
        "b": team_of(2, b),
        "trainee": factories.TraineeEnrolmentFactory(practice_group=a),
    }


def test_json_shape_sorted_and_within_the_rules(teams):
    code, out, err = run("--from", "2026-12-28", "--weeks", "3")
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert list(payload) == ["from", "weeks", "slots"]
    assert payload["from"] == "2026-12-28" and payload["weeks"] == 3
    slots = payload["slots"]
    assert all(set(slot) == {"date", "staff_id", "group"} for slot in slots)
    assert slots == sorted(slots, key=lambda s: (s["date"], s["group"], s["staff_id"]))
    days = [date.fromisoformat(s["date"]) for s in slots]
    assert min(days) >= SEASON and max(days) < date(2027, 1, 18)
    assert teams["trainee"].person.staff_id not in {s["staff_id"] for s in slots}
    weekly = Counter((s["staff_id"], monday_of(date.fromisoformat(s["date"]))) for s in slots)
    assert set(weekly.values()) == {1} and len(weekly) == 5 * 2
    assert max(Counter((s["date"], s["group"]) for s in slots).values()) == 1


def test_one_group(teams):
    code, out, _ = run("--from", "2027-01-04", "--weeks", "1", "--group", "Crawley CLA")
    assert code == 0
    slots = json.loads(out)["slots"]
    assert {s["group"] for s in slots} == {"Crawley CLA"} and len(slots) == 2


def test_no_slots_before_january(teams):
    code, out, _ = run("--from", "2026-09-07", "--weeks", "10")
    assert code == 0
    assert json.loads(out) == {"from": "2026-09-07", "weeks": 10, "slots": []}


def test_ics(teams):
    code, out, _ = run("--from", "2027-01-04", "--weeks", "1", "--format", "ics")
    assert code == 0
    assert out.startswith("BEGIN:VCALENDAR") and out.count("BEGIN:VEVENT") == 5


def test_the_published_rota_is_printed_where_there_is_one(teams):
    group = teams["a"][0].practice_group
    rota = services.propose_rota(
        practice_group=group, starts_on=SEASON, weeks=2, by=group.practice_manager
    )
    day = rota.days.order_by("date").first()
    free = next(
        SEASON + timedelta(days=n)
        for n in range(5)
        if not rota.days.filter(date=SEASON + timedelta(days=n)).exists()
    )
    services.move_day(day=day, to=free, by=group.practice_manager)
    code, out, _ = run("--from", "2027-01-04", "--weeks", "2", "--group", group.name)
    printed = {(s["date"], s["staff_id"]) for s in json.loads(out)["slots"]}
    assert (free.isoformat(), day.enrolment.person.staff_id) not in printed  # a draft
    services.publish_rota(rota=rota, by=group.practice_manager)
    code, out, _ = run("--from", "2027-01-04", "--weeks", "2", "--group", group.name)
    printed = {(s["date"], s["staff_id"]) for s in json.loads(out)["slots"]}
    assert code == 0
    assert printed == {(d.date.isoformat(), d.enrolment.person.staff_id) for d in rota.days.all()}
    assert MashRota.objects.get().published_at <= timezone.now()


@pytest.mark.parametrize(
    "args,words",
    [
        (["--from", "2027-13-01", "--weeks", "2"], "--from"),
        (["--from", "04/01/2027", "--weeks", "2"], "--from"),
        (["--from", "20270104", "--weeks", "2"], "--from"),
        (["--from", "2027-01-04", "--weeks", "0"], "--weeks"),
        (["--from", "2027-01-04", "--weeks", "-1"], "--weeks"),
        (["--from", "2027-01-04", "--weeks", "two"], "--weeks"),
        (["--from", "2027-01-04", "--weeks", "1.5"], "--weeks"),
        (["--from", "2027-01-04", "--weeks", "1", "--group", "Nowhere"], "Nowhere"),
        (["--from", "2027-01-04", "--weeks", "1", "--format", "xml"], "--format"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(teams, args, words):
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert words in err


def test_a_published_week_keeps_the_rules_when_leave_is_recorded_after(teams):
    from cohorts.services import record_extension

    group = teams["a"][0].practice_group
    pm = group.practice_manager
    rota = services.propose_rota(practice_group=group, starts_on=SEASON, weeks=1, by=pm)
    services.publish_rota(rota=rota, by=pm)
    day = rota.days.order_by("-date").first()  # the week's latest day: not a Monday
    assert day.date.weekday() > 0
    record_extension(
        enrolment=day.enrolment,
        reason="maternity",
        first_day=day.date,
        last_day=day.date + timedelta(weeks=20),
        approved_by=pm,
    )
    code, out, _ = run("--from", "2027-01-04", "--weeks", "1", "--group", group.name)
    slots = json.loads(out)["slots"]
    mine = [s["date"] for s in slots if s["staff_id"] == day.enrolment.person.staff_id]
    assert len(mine) == 1 and mine[0] < day.date.isoformat()
    assert len(slots) == 3
    assert max(Counter(s["date"] for s in slots).values()) == 1
    # The other published days stand.
    for kept in rota.days.exclude(pk=day.pk):
        assert {
            "date": kept.date.isoformat(),
            "staff_id": kept.enrolment.person.staff_id,
            "group": group.name,
        } in slots


def test_options_given_as_keywords(teams):
    out = StringIO()
    call_command("mash_rota", **{"from": date(2027, 1, 4)}, weeks=1, stdout=out)
    assert len(json.loads(out.getvalue())["slots"]) == 5
