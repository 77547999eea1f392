"""The demo gets a published MASH rota from January, within the rules, idempotently."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from learning import demo, studydays
from learning.models import MashDay, MashRota, WorkshopAttendance
from learning.opportunities import opportunities_for
from learning.protected import protected_time
from learning.rota import is_available
from learning.workshops import workshop_days

pytestmark = pytest.mark.django_db


def test_demo_rota_is_published_from_january_and_idempotent():
    today = date(2026, 11, 22)
    people = academy_demo.build(today)
    assert demo.build(today=today, people=people)["rotas"] >= 1
    rotas = MashRota.objects.all()
    assert all(rota.is_published for rota in rotas)
    assert {rota.starts_on for rota in rotas} == {date(2027, 1, 4)}
    days = MashDay.objects.select_related("enrolment__person").prefetch_related(
        "enrolment__extensions"
    )
    assert days.exists()
    assert all(is_available(day.enrolment, day.date) for day in days)
    weekly = Counter((d.enrolment_id, d.date - timedelta(days=d.date.weekday())) for d in days)
    assert max(weekly.values()) == 1
    per_day = Counter((d.rota_id, d.date) for d in days)
    assert max(per_day.values()) == 1
    history = MashDay.history.count()
    assert demo.build(today=today, people=people)["rotas"] == 0
    assert MashDay.history.count() == history


def test_demo_learning_records_are_believable_and_idempotent():
    today = date(2026, 11, 22)
    people = academy_demo.build(today)
    first = demo.build(today=today, people=people)
    assert first["opportunities"] > 0 and first["workshops"] == 3 and first["study"] == 1
    nqsw = Enrolment.objects.filter(person=people["nqsw"]).first()
    states = {s.name: s.state for s in opportunities_for(nqsw, today)}
    assert states["Signs of Safety"] == "done"
    assert states["Court work"] == "not_offered"
    assert studydays.balance(nqsw, today).taken == 1
    assert studydays.balance(nqsw, today).asked == Decimal("0.5")
    assert protected_time(nqsw, today).hours > 0
    assert [d.state for d in workshop_days(nqsw, today)][0] in ("attended", "absent")
    assert WorkshopAttendance.objects.filter(attended=False).exists()
    again = demo.build(today=today, people=people)
    assert again == {"rotas": 0, "opportunities": 0, "workshops": 0, "study": 0}


def test_the_mash_opportunity_is_done_from_the_published_rota():
    today = date(2026, 11, 22)
    people = academy_demo.build(today)
    demo.build(today=today, people=people)
    day = (
        MashDay.objects.select_related("enrolment")
        .prefetch_related("enrolment__extensions")
        .first()
    )
    states = {s.name: s for s in opportunities_for(day.enrolment, day.date)}
    assert states["Spend time at MASH"].state == "done"
    assert states["Spend time at MASH"].done_on == day.date
    before = {
        s.name: s.state for s in opportunities_for(day.enrolment, day.date - timedelta(days=1))
    }
    assert before["Spend time at MASH"] != "done"
