from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from academy import access
from academy.models import Person
from caseloads.views import requests_waiting_for
from cohorts.models import Cohort, Enrolment

# A home page lists at most this many people; the enrolment list pages through the rest.
HOME_LIMIT = 100


@login_required
def home(request):
    """One home page whose content follows the signed-in person's role."""
    person = access.person_of(request.user)
    today = timezone.localdate()
    ctx = {"person": person, "today": today}

    if access.sees_every_cohort(request.user):
        current = Q(enrolments__status__in=["active", "deferred"])
        ctx["cohorts"] = Cohort.objects.annotate(
            current=Count("enrolments", filter=current),
            nqsws=Count("enrolments", filter=current & Q(enrolments__kind="asye")),
            trainees=Count("enrolments", filter=current & Q(enrolments__kind="trainee")),
            finished=Count("enrolments", filter=~current & Q(enrolments__isnull=False)),
        )
        return render(request, "academy/home_all.html", ctx)

    if person is None:
        return render(request, "academy/home_no_profile.html", ctx)

    enrolments = Enrolment.objects.visible_to(request.user).current().for_listing()
    if person.role in (Person.Role.NQSW, Person.Role.TRAINEE):
        ctx["own"] = list(enrolments.filter(person=person))
        return render(request, "academy/home_worker.html", ctx)

    listed = list(enrolments.exclude(person=person)[: HOME_LIMIT + 1])
    ctx["enrolments"], ctx["more"] = listed[:HOME_LIMIT], len(listed) > HOME_LIMIT
    ctx["led_groups"] = list(person.led_groups.select_related("office", "service"))
    if ctx["led_groups"]:
        # ALLOC-APPROVE: the academy PM's queue of allocation requests.
        ctx["waiting_requests"] = requests_waiting_for(request.user).count()
    return render(request, "academy/home_staff.html", ctx)
