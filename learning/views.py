from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.access import allowed, get_practice_group_for_user, person_of, staff_member
from academy.models import PracticeGroup
from learning import services
from learning.access import get_day_for_user, get_rota_for_user
from learning.forms import MoveDayForm, ProposeRotaForm
from learning.models import MashDay, MashRota
from learning.periods import proposal
from learning.rota import is_available, mash_season_start, weeks_of

DEFAULT_WEEKS = 12


def default_start(today: date) -> date:
    """The Monday on or after the later of today and January's first working day."""
    day = max(today, mash_season_start(today))
    return day + timedelta(days=-day.weekday() % 7)


def as_weeks(start: date, weeks: int, entries):
    """[(monday, [(day, [entries on day])])] for a table of weeks; entries have `.day`."""
    by_day = {}
    for entry in entries:
        by_day.setdefault(entry_day(entry), []).append(entry)
    return [
        (monday, [(day, by_day.get(day, [])) for day in days])
        for monday, days in weeks_of(start, weeks)
    ]


def entry_day(entry):
    return entry.date if isinstance(entry, MashDay) else entry.day


@login_required
@require_GET
def mash_overview(request):
    person = person_of(request.user)
    if person is not None and person.is_early_career:
        return redirect("learning:my_mash")
    groups = (
        PracticeGroup.objects.visible_to(request.user)
        .select_related("service", "practice_manager")
        .prefetch_related(
            Prefetch("mash_rotas", queryset=MashRota.objects.select_related("published_by"))
        )
        .order_by("name")
    )
    rows = [(group, allowed(request.user, "learning.plan_mash", group)) for group in groups]
    return render(request, "learning/mash_overview.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def mash_plan(request, group_pk):
    group = get_practice_group_for_user(request.user, group_pk)
    can_plan = allowed(request.user, "learning.plan_mash", group)
    today = timezone.localdate()
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        form = ProposeRotaForm(request.POST)
        if form.is_valid():
            try:
                rota = services.propose_rota(
                    practice_group=group,
                    starts_on=form.cleaned_data["starts_on"],
                    weeks=form.cleaned_data["weeks"],
                    by=staff_member(request.user),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Rota saved as a draft: change any day, then publish.")
                return redirect("learning:mash_rota", rota.pk)
    else:
        form = ProposeRotaForm(
            request.GET or None,
            initial={"starts_on": default_start(today), "weeks": DEFAULT_WEEKS},
        )
    if form.is_bound and form.is_valid():
        start, weeks = form.cleaned_data["starts_on"], form.cleaned_data["weeks"]
    else:
        start, weeks = default_start(today), DEFAULT_WEEKS
    slots = proposal([group], start, weeks)
    return render(
        request,
        "learning/mash_plan.html",
        {
            "group": group,
            "form": form,
            "can_plan": can_plan,
            "start": start,
            "weeks": weeks,
            "table": as_weeks(start, weeks, slots),
            "rotas": group.mash_rotas.select_related("published_by"),
        },
    )


@login_required
@require_GET
def mash_rota(request, pk):
    rota = get_rota_for_user(request.user, pk)
    days = rota.days.select_related("enrolment__person")
    return render(
        request,
        "learning/mash_rota.html",
        {
            "rota": rota,
            "can_plan": allowed(request.user, "learning.plan_mash", rota.practice_group),
            "table": as_weeks(rota.starts_on, rota.weeks, days),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mash_change_day(request, pk, day_pk):
    rota = get_rota_for_user(request.user, pk)
    if not allowed(request.user, "learning.plan_mash", rota.practice_group):
        raise PermissionDenied
    day = get_day_for_user(request.user, rota, day_pk)
    if request.method == "POST":
        form = MoveDayForm(request.POST)
        if form.is_valid():
            try:
                services.move_day(
                    day=day, to=form.cleaned_data["date"], by=staff_member(request.user)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{day.enrolment.person.full_name}'s MASH day moved.")
                return redirect("learning:mash_rota", rota.pk)
    else:
        form = MoveDayForm(initial={"date": day.date})
    return render(
        request, "learning/mash_change_day.html", {"rota": rota, "day": day, "form": form}
    )


@login_required
@require_POST
def mash_publish(request, pk):
    rota = get_rota_for_user(request.user, pk)
    if not allowed(request.user, "learning.plan_mash", rota.practice_group):
        raise PermissionDenied
    services.publish_rota(rota=rota, by=staff_member(request.user))
    messages.success(request, "Rota published: the NQSWs see their MASH days.")
    return redirect("learning:mash_rota", rota.pk)


@login_required
@require_GET
def my_mash(request):
    person = person_of(request.user)
    days = MashDay.objects.published_for(person) if person else MashDay.objects.none()
    # Leave recorded after the rota was published takes the day off (MASH-ROTA, EXT-1).
    days = [day for day in days if is_available(day.enrolment, day.date)]
    today = timezone.localdate()
    return render(request, "learning/my_mash.html", {"days": days, "today": today})
