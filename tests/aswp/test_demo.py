"""The demo's ASWP route: one open round with three applicants at different stages, five
ASWPs in post with sign-ins, built through the services, idempotently (issue 13)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from academy.models import Person
from aswp import demo
from aswp.models import Application, Round, Stage
from cohorts import demo as academy_demo

pytestmark = pytest.mark.django_db


def test_demo_round_applicants_and_aswps_idempotently():
    today = date(2026, 11, 22)
    people = academy_demo.build(today)
    assert demo.build(today=today, people=people) == {"applications": 3, "aswps": 5}
    round_ = Round.objects.get()
    assert round_.is_open(today)
    stages = sorted(a.stage for a in Application.objects.for_stage())
    assert stages == sorted([Stage.DRAFT, Stage.AWAITING_ASSESSMENT, Stage.IN_ASSESSMENT])
    assert Person.objects.filter(role=Person.Role.ASWP).count() == 5
    users = get_user_model().objects.filter(username__in=["aswp.demo", "applicant.demo"])
    assert all(user.check_password(academy_demo.DEMO_PASSWORD) for user in users)
    assert users.count() == 2
    applicant = Person.objects.get(user__username="applicant.demo")
    assert applicant.practice_group.practice_manager == people["pm"]
    history = Application.history.count()
    assert demo.build(today=today, people=people) == {"applications": 0, "aswps": 5}
    assert Application.history.count() == history
