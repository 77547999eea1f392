"""The demo gets a published MASH rota from January, within the rules, idempotently."""

from collections import Counter
from datetime import date, timedelta

import pytest

from cohorts import demo as academy_demo
from learning import demo
from learning.models import MashDay, MashRota
from learning.rota import is_available

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
    assert demo.build(today=today, people=people) == {"rotas": 0}
    assert MashDay.history.count() == history
