"""A published MASH rota for the demo academy (seed_demo step, after cohorts.demo.build).

Every demo academy team with current NQSWs gets the planner's rota for the first twelve
weeks from January of the academy year around `today`, published by its PM, through the
same services as the pages (MASH-ROTA). A second run finds the rotas there and writes
nothing.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from academy.models import PracticeGroup
from cohorts.demo import EMAIL_DOMAIN, AcademyCalendar
from cohorts.models import Enrolment
from learning import pathway_demo, services
from learning.models import MashRota

WEEKS = 12


def demo_groups():
    with_nqsws = Enrolment.objects.current().filter(
        kind=Enrolment.Kind.ASYE, person__email__endswith=f"@{EMAIL_DOMAIN}"
    )
    return (
        PracticeGroup.objects.filter(pk__in=with_nqsws.values("practice_group_id"))
        .select_related("practice_manager")
        .order_by("name")
    )


@transaction.atomic
def build(today: date | None = None, people=None) -> dict:
    calendar = AcademyCalendar.around(today or timezone.localdate())
    january = calendar.january_start
    starts_on = january - timedelta(days=january.weekday())
    added = 0
    for group in demo_groups():
        if group.practice_manager is None:
            continue
        if MashRota.objects.filter(practice_group=group, starts_on=starts_on).exists():
            continue
        rota = services.propose_rota(
            practice_group=group, starts_on=starts_on, weeks=WEEKS, by=group.practice_manager
        )
        services.publish_rota(rota=rota, by=group.practice_manager)
        added += 1
    if people is not None:
        # The training pathway and a concern (learning/pathway_demo.py).
        pathway_demo.build(today=today or timezone.localdate(), people=people)
    return {"rotas": added}
