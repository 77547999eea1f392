"""The demo's training pathway: one NQSW with 3 cancellations (flagged), one concern
resolved, nobody on the PiP; a second run writes nothing."""

from datetime import date

import pytest

from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from learning import pathway_demo
from learning import pathway_services as services
from learning.models import Attendance, Concern, PathwayCourse
from learning.pathway_access import absences_awaiting_gm

pytestmark = pytest.mark.django_db


def test_demo_pathway_and_concern():
    today = date(2026, 11, 22)
    people = academy_demo.build(today)
    assert pathway_demo.build(today=today, people=people) == {"courses": 6}
    flagged = list(services.cancellation_counts(Enrolment.objects.all(), today))
    assert [(e.person.staff_id, e.cancellations) for e in flagged] == [("D0032", 3)]
    cancelled = Attendance.objects.for_listing().filter(status=Attendance.Status.CANCELLED)
    assert sorted(a.authorisation for a in cancelled) == ["authorised", "authorised", "awaiting"]
    # The third waits on the GM (gm.demo's home and badge): the PM has authorised it.
    waiting = list(absences_awaiting_gm(people["gm"].user))
    assert [a.enrolment.person.staff_id for a in waiting] == ["D0032"]
    assert Concern.objects.count() == 1
    assert Concern.objects.get().status == Concern.Status.RESOLVED
    assert not Concern.objects.filter(status=Concern.Status.PIP).exists()
    rows = Attendance.history.count()
    assert pathway_demo.build(today=today, people=people) == {"courses": 0}
    assert Attendance.history.count() == rows and PathwayCourse.objects.count() == 6
