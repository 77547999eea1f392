from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from academy.access import allowed, person_of, sees_every_cohort
from academy.models import Person
from cohorts.models import Cohort, Enrolment
from home.progress import nqsw_progress
from home.team_today import team_today
from learning.access import upcoming_mash_days

# The caption of a staff member's list of enrolments, by role.
STAFF_CAPTIONS = {
    Person.Role.ASSESSOR: "The NQSWs you assess",
    Person.Role.GROUP_MANAGER: "Current enrolments in your service",
    Person.Role.PRACTICE_MANAGER: "Current enrolments in the groups you lead",
}

# A home page lists at most this many people; the enrolment list pages through the rest.
HOME_LIMIT = 100


@login_required
def home(request):
    """One home page whose content follows the signed-in person's role."""
    person = person_of(request.user)
    today = timezone.localdate()
    ctx = {"person": person, "today": today}

    if sees_every_cohort(request.user):
        current = Q(enrolments__status__in=Enrolment.CURRENT_STATUSES)
        ctx["cohorts"] = Cohort.objects.annotate(
            current=Count("enrolments", filter=current),
            nqsws=Count("enrolments", filter=current & Q(enrolments__kind=Enrolment.Kind.ASYE)),
            trainees=Count(
                "enrolments", filter=current & Q(enrolments__kind=Enrolment.Kind.TRAINEE)
            ),
            finished=Count("enrolments", filter=~current & Q(enrolments__isnull=False)),
        )
        ctx["can_import"] = allowed(request.user, "academy.import_people")
        return render(request, "home/all.html", ctx)

    if person is None:
        return render(request, "home/no_profile.html", ctx)

    enrolments = Enrolment.objects.visible_to(request.user).current().for_listing()
    if person.is_early_career:
        ctx["own"] = list(enrolments.filter(person=person))
        # "Am I on track?": the same facts as `manage.py asye_status` (issue 11).
        ctx["progress"] = nqsw_progress(ctx["own"][0], today) if ctx["own"] else None
        ctx["mash_days"] = upcoming_mash_days(person, today)
        return render(request, "home/worker.html", ctx)

    listed = list(enrolments.exclude(person=person)[: HOME_LIMIT + 1])
    ctx["enrolments"], ctx["more"] = listed[:HOME_LIMIT], len(listed) > HOME_LIMIT
    # Assessors and managers always see their list (empty or not); others only when they
    # can see someone.
    ctx["caption"] = STAFF_CAPTIONS.get(person.role)
    ctx["led_groups"] = list(person.led_groups.select_related("office", "service"))
    if ctx["led_groups"]:
        # "Who needs me today?" (issue 11), with ALLOC-APPROVE's queue of requests.
        ctx["team_today"] = team_today(request.user, today)
        ctx["waiting_requests"] = ctx["team_today"].waiting_requests
    return render(request, "home/staff.html", ctx)
