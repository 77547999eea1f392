from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from academy.access import allowed, person_of, sees_every_cohort
from academy.models import Person, PracticeGroup
from academy.paging import narrow_first
from caseloads.states import worker_states
from cohorts.models import Cohort, Enrolment
from home import overview, waiting, year
from home.policy import policy_tables_and, worker_tables
from home.progress import nqsw_progress
from home.team_today import service_by_team, supervision_states, team_enrolments, team_today
from learning.access import upcoming_mash_days
from learning.pathway_access import absences_awaiting_gm
from learning.pathway_services import without_destination_for
from moderation.access import waiting_for_chair

# The caption of a staff member's list of enrolments, by role.
STAFF_CAPTIONS = {
    Person.Role.ASSESSOR: "The NQSWs you assess",
    Person.Role.GROUP_MANAGER: "Current enrolments in your service",
    Person.Role.PRACTICE_MANAGER: "Current enrolments in the groups you lead",
}

# A home page lists at most this many people, as a list page shows a page of 25 (issue 17);
# the enrolment list, linked under it, filters and pages through the rest.
HOME_LIMIT = 25
# The group manager's other lists across the service (team by team, NQSWs without a
# destination) show this many, each with its whole length and a link to where the rest are.
HOME_SHORT_LIMIT = 10


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
        # The chair's and Professional Practice's first questions (issue 11).
        ctx["panel"] = overview.panel_summary(today)
        ctx["glance"] = overview.cohorts_at_a_glance(today)
        # The navigation badge (home.waiting.waiting_count) from what this page lists: the
        # chair's sign-offs and progressions, Professional Practice's unallocated portfolios.
        if person is not None and person.role == Person.Role.PRINCIPAL_SOCIAL_WORKER:
            ctx["chair_waiting"] = list(
                waiting_for_chair(request.user).select_related(
                    "submission__panel", "submission__enrolment__person"
                )
            )
            ctx["waiting_count"] = len(ctx["chair_waiting"])
        elif person is not None and person.role in waiting.ALLOCATES:
            ctx["waiting_count"] = ctx["panel"].unallocated if ctx["panel"] else 0
        return render(request, "home/all.html", ctx)

    if person is None:
        return render(request, "home/no_profile.html", ctx)

    enrolments = Enrolment.objects.visible_to(request.user).current().for_listing()
    if person.is_early_career:
        # Their rows (extensions, supervision record...) come with the policy tables, in
        # one query (home.policy.worker_tables), instead of the listing's prefetch.
        ctx["own"] = list(enrolments.filter(person=person).prefetch_related(None))
        tables = worker_tables(ctx["own"]) if ctx["own"] else None
        # "Am I on track?": the same facts as `manage.py asye_status` (issue 11).
        ctx["progress"] = nqsw_progress(ctx["own"][0], today, tables) if ctx["own"] else None
        if ctx["progress"] is not None:
            ctx["timeline"] = year.timeline(ctx["own"][0], ctx["progress"])
        ctx["mash_days"] = upcoming_mash_days(person, today, enrolments=ctx["own"])
        # The navigation badge (home.waiting.waiting_count) from the submissions just read:
        # the MOD-SUBMIT deadlines still open to the NQSW.
        if person.role == Person.Role.NQSW:
            ctx["waiting_count"] = sum(
                submission.awaits_submission
                for own in ctx["own"]
                for submission in tables.submissions.get(own.pk, [])
            )
        # The programme's name for the page's words: "ASYE" for the ASYE, "ECDP" (issue 14).
        ctx["programme"] = ctx["own"][0].programme_run.name if ctx["own"] else ""
        return render(request, "home/worker.html", ctx)

    # Prefetched onto the person, so the navigation's "leads a team?" (learning's menu asks
    # `led_groups.exists()`) answers from these rows instead of a query of its own.
    prefetch_related_objects(
        [person],
        Prefetch("led_groups", queryset=PracticeGroup.objects.select_related("office", "service")),
    )
    ctx["led_groups"] = list(person.led_groups.all())
    wanted = waiting_lists_for(person, bool(ctx["led_groups"]))
    is_gm = person.role == Person.Role.GROUP_MANAGER
    # A group manager's counts across the service come from the stored rows (issue 17):
    # only the PM's own teams ("Who needs me today?") are evaluated worker by worker.
    if ctx["led_groups"] or (wanted and not is_gm):
        # Read once for the list, "Who needs me today?" and the waiting lists (issue 11);
        # in the listing's order (Enrolment.Meta.ordering: by name).
        team = team_enrolments(request.user)
        # A GM's absences waiting for their decision (TRAINING-MANDATORY) come with the
        # policy tables, in the same query: the page stays within its 15 (issue 11).
        absences = [absences_awaiting_gm(request.user).only("status")] if is_gm else []
        tables, absences = policy_tables_and(*absences)
        states = (
            worker_states(team, today, cap_table=tables.cap_table, setting_rows=tables.setting_rows)
            if wanted == waiting.PM_LISTS
            else None
        )
        listed = [e for e in team if e.person_id != person.pk][: HOME_LIMIT + 1]
    else:
        absences = [list(absences_awaiting_gm(request.user).only("status"))] if is_gm else []
        listed = narrow_first(
            enrolments.exclude(person=person), Enrolment.objects.for_listing(), HOME_LIMIT + 1
        )
    ctx["enrolments"], ctx["more"] = listed[:HOME_LIMIT], len(listed) > HOME_LIMIT
    # Assessors and managers always see their list (empty or not); others only when they
    # can see someone.
    ctx["caption"] = STAFF_CAPTIONS.get(person.role)
    if ctx["led_groups"]:
        # "Who needs me today?" (issue 11), with ALLOC-APPROVE's queue of requests; its
        # supervision counts from the overview's stored rows.
        supervision = supervision_states(team, today)
        ctx["team_today"] = team_today(request.user, today, team, states, supervision)
        ctx["waiting_requests"] = ctx["team_today"].waiting_requests
    if is_gm:
        # The PM's view across the service, by team (issue 11), and the waiting lists'
        # lengths across it.
        ctx["by_team"], totals, ctx["teams"] = service_by_team(
            request.user, today, wanted, limit=HOME_SHORT_LIMIT
        )
        ctx["teams_not_shown"] = ctx["teams"] - len(ctx["by_team"])
        ctx["waiting"] = [(key, waiting.TITLES[key], totals[key]) for key in wanted]
    elif wanted:
        lists = waiting.waiting_lists(team, today, wanted, states, tables)
        ctx["waiting"] = [(key, waiting.TITLES[key], len(lists[key])) for key in wanted]
    # The navigation badge (home.waiting.waiting_count) from the counts just made, so the
    # page does not count them twice: the PM's requests, the assessor's logs.
    if person.role == Person.Role.PRACTICE_MANAGER and "team_today" in ctx:
        ctx["waiting_count"] = ctx["waiting_requests"]
    elif person.role == Person.Role.ASSESSOR:
        ctx["waiting_count"] = len(lists[waiting.LOGS_AWAITING])
    if is_gm:
        # TRAINING-MANDATORY: absences waiting for the GM's authorisation, listed on the
        # training pathway page; also the navigation badge.
        ctx["absences_waiting"] = ctx["waiting_count"] = len(absences[0])
        # MOVE-ON (issue 12): their service's NQSWs from month 11 with no destination, until
        # the ASYE ends (when the move takes effect, a missing one is past recording here).
        listed = without_destination_for(request.user, today, limit=HOME_SHORT_LIMIT + 1)
        ctx["without_destination"] = listed[:HOME_SHORT_LIMIT]
        ctx["more_without_destination"] = len(listed) > HOME_SHORT_LIMIT
    return render(request, "home/staff.html", ctx)


def waiting_lists_for(person, leads_a_team: bool) -> tuple[str, ...]:
    """The waiting lists a staff member's home offers: a PM's for their teams (a group
    manager's for the service), an assessor's for the NQSWs they assess."""
    if person.role == Person.Role.ASSESSOR:
        return waiting.ASSESSOR_LISTS
    if leads_a_team or person.role == Person.Role.GROUP_MANAGER:
        return waiting.PM_LISTS
    return ()


@login_required
def waiting_list(request, what):
    """One list behind a home-page count (issue 11): the same list the count is the length of."""
    person = person_of(request.user)
    if person is None or person.is_early_career or what not in waiting.TITLES:
        raise Http404
    wanted = waiting_lists_for(person, person.led_groups.exists())
    if what not in wanted:
        raise Http404
    today = timezone.localdate()
    team = team_enrolments(request.user)
    items = waiting.waiting_lists(team, today, (what,))[what]
    return render(
        request,
        "home/waiting.html",
        {"title": waiting.TITLES[what], "items": items, "today": today, "what": what},
    )
