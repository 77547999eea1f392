from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.access import (
    allowed,
    get_practice_group_for_user,
    person_of,
    require,
    staff_member,
)
from academy.forms import add_errors, parse_yes_no
from academy.models import PracticeGroup
from cohorts.models import Cohort, academic_year
from learning import services, workshops
from learning.access import (
    get_day_for_user,
    get_learning_enrolment_for_user,
    get_opportunity_for_user,
    get_rota_for_user,
    get_scheduled_workshop_for_user,
    get_study_request_for_user,
    get_workshop_for_user,
)
from learning.forms import (
    CreditsForm,
    LearningTimeForm,
    MoveDayForm,
    OpportunityDoneForm,
    ProposeRotaForm,
    RescheduleWorkshopForm,
    StudyAllowanceForm,
    StudyDecisionForm,
    StudyRequestForm,
    WorkshopForm,
)
from learning.models import CreditsState, MashDay, MashRota, Workshop, WorkshopTheme
from learning.periods import proposal
from learning.record import enrolment_of, learning_record
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


MASH_TEAMS_PER_PAGE = 50


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
        .order_by("name", "pk")
    )
    # The chair and Professional Practice see every team: a page at a time (issue 17).
    page = Paginator(groups, MASH_TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(group, allowed(request.user, "learning.plan_mash", group)) for group in page]
    return render(request, "learning/mash_overview.html", {"rows": rows, "page": page})


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


# --- The learning record of one enrolment (LEARNING-OPPS, STUDY-DAYS, WORKSHOPS, ----------
# --- PROTECTED-TIME) ---------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    """The signed-in NQSW's or trainee's own learning record."""
    person = person_of(request.user)
    enrolment = enrolment_of(person) if person else None
    if enrolment is None:
        raise Http404("You have no enrolment.")
    return redirect("learning:record", enrolment.pk)


def render_record(request, enrolment, **forms):
    """The learning record page, with any bound form that failed in place of a fresh one."""
    today = timezone.localdate()
    context = {
        "enrolment": enrolment,
        "learning": learning_record(enrolment, today),
        "today": today,
        "can_manage": allowed(request.user, "learning.manage_learning", enrolment),
        "can_record": allowed(request.user, "learning.record_own_learning", enrolment),
        "can_request": allowed(request.user, "learning.request_study_days", enrolment),
        "study_form": StudyRequestForm(initial={"first_day": today}),
        "allowance_form": StudyAllowanceForm(initial={"academic_year": academic_year(today)}),
        "can_record_workshops": allowed(request.user, "learning.record_workshops", enrolment),
        "can_record_credits": allowed(request.user, "learning.record_credits_submitted", enrolment),
        "credit_states": CreditsState.choices,
        "time_form": LearningTimeForm(initial={"on": today}),
        **forms,
    }
    return render(request, "learning/record.html", context)


@login_required
@require_GET
def record(request, pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    return render_record(request, enrolment)


@login_required
@require_POST
def offer_opportunity(request, pk, opportunity_pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.manage_learning",
        enrolment,
        "LEARNING-OPPS: the NQSW's practice manager offers learning opportunities.",
    )
    opportunity = get_opportunity_for_user(request.user, enrolment, opportunity_pk)
    try:
        services.offer_opportunity(
            enrolment=enrolment,
            opportunity=opportunity,
            on=timezone.localdate(),
            by=staff_member(request.user),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{opportunity} offered to {enrolment.person.full_name}.")
    return redirect(reverse("learning:record", args=[enrolment.pk]) + "#opportunities")


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_done(request, pk, opportunity_pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.record_own_learning",
        enrolment,
        "LEARNING-OPPS: the NQSW or their practice manager records an opportunity done.",
    )
    opportunity = get_opportunity_for_user(request.user, enrolment, opportunity_pk)
    form = OpportunityDoneForm(
        request.POST or None, enrolment=enrolment, initial={"done_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_opportunity_done(
                enrolment=enrolment,
                opportunity=opportunity,
                on=data["done_on"],
                evidence=data["evidence"],
                case_reference=data["case_reference"],
                observation=data["observation"],
                reflection_log=data["reflection_log"],
                note=data["note"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{opportunity}: recorded as done.")
            return redirect(reverse("learning:record", args=[enrolment.pk]) + "#opportunities")
    return render(
        request,
        "learning/opportunity_done.html",
        {"enrolment": enrolment, "opportunity": opportunity, "form": form},
    )


@login_required
@require_POST
def request_study_days(request, pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.request_study_days",
        enrolment,
        "STUDY-DAYS: the NQSW or trainee asks for their own study days.",
    )
    form = StudyRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_study_days(
                enrolment=enrolment,
                first_day=form.cleaned_data["first_day"],
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Study days asked for: your practice manager decides.")
            return redirect(reverse("learning:record", args=[enrolment.pk]) + "#study-days")
    return render_record(request, enrolment, study_form=form)


@login_required
@require_POST
def decide_study_days(request, pk, request_pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.manage_learning",
        enrolment,
        "STUDY-DAYS: study days are agreed by the NQSW's practice manager.",
    )
    study_request = get_study_request_for_user(request.user, enrolment, request_pk)
    form = StudyDecisionForm(request.POST)
    agree = "agree" in request.POST
    if form.is_valid():
        try:
            services.decide_study_days(
                request=study_request,
                agree=agree,
                note=form.cleaned_data["decision_note"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Study days agreed." if agree else "Study days refused.")
    return redirect(reverse("learning:record", args=[enrolment.pk]) + "#study-days")


@login_required
@require_POST
def study_allowance(request, pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.manage_learning",
        enrolment,
        "STUDY-DAYS: the trainee's practice manager records the university's figures.",
    )
    form = StudyAllowanceForm(request.POST)
    if form.is_valid():
        try:
            services.record_study_allowance(
                enrolment=enrolment, by=staff_member(request.user), **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Study leave figures saved.")
            return redirect(reverse("learning:record", args=[enrolment.pk]) + "#study-days")
    return render_record(request, enrolment, allowance_form=form)


@login_required
@require_POST
def workshop_attendance(request, pk, workshop_pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.record_workshops",
        enrolment,
        "WORKSHOPS: attendance is recorded by the NQSW's PM or the L&D officer.",
    )
    workshop = get_workshop_for_user(request.user, enrolment, workshop_pk)
    attended = parse_yes_no(request.POST.get("attended"))
    if attended is None:
        messages.error(request, "Say whether the NQSW attended.")
    else:
        try:
            services.record_workshop_attendance(
                enrolment=enrolment,
                workshop=workshop,
                attended=attended,
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{workshop.theme}: attendance recorded.")
    return redirect(reverse("learning:record", args=[enrolment.pk]) + "#workshops")


@login_required
@require_POST
def workshop_credits(request, pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.record_credits_submitted",
        enrolment,
        "WORKSHOPS: the NQSW, their PM or the L&D officer records the credits.",
    )
    form = CreditsForm(request.POST)
    if form.is_valid():
        state = form.cleaned_data["state"]
        if state == CreditsState.AWARDED:
            require(
                request.user,
                "learning.record_workshops",
                enrolment,
                "WORKSHOPS: the PM or the L&D officer records the credits awarded.",
            )
        try:
            services.record_workshop_credits(
                enrolment=enrolment,
                state=state,
                on=form.cleaned_data["on"] or timezone.localdate(),
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Credits recorded.")
    else:
        messages.error(request, "Choose the state of the credits.")
    return redirect(reverse("learning:record", args=[enrolment.pk]) + "#workshops")


@login_required
@require_POST
def learning_time(request, pk):
    enrolment = get_learning_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.record_own_learning",
        enrolment,
        "PROTECTED-TIME: the NQSW or their practice manager records learning time.",
    )
    form = LearningTimeForm(request.POST)
    if form.is_valid():
        try:
            services.record_learning_time(
                enrolment=enrolment, by=staff_member(request.user), **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Learning time recorded.")
            return redirect(reverse("learning:record", args=[enrolment.pk]) + "#protected-time")
    return render_record(request, enrolment, time_form=form)


# --- Scheduling the workshops (WORKSHOPS) ------------------------------------------------

SCHEDULERS = "WORKSHOPS: the L&D officer schedules the university workshops."


@login_required
@require_GET
def workshops_list(request):
    """The three days of every cohort, with what may still move."""
    require(request.user, "learning.schedule_workshops", why=SCHEDULERS)
    today = timezone.localdate()
    themes = list(WorkshopTheme.objects.all())
    cohorts = Cohort.objects.order_by("-start_date", "name").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.annotate(recorded=Count("attendances")))
    )
    rows = []
    for cohort in cohorts:
        by_theme = {w.theme_id: w for w in cohort.workshops.all()}
        days = []
        for theme in themes:
            workshop = by_theme.get(theme.pk)
            fixed = workshops.fixed_because(workshop, workshop.recorded, today) if workshop else ""
            days.append({"theme": theme, "workshop": workshop, "fixed": fixed})
        rows.append((cohort, days))
    return render(request, "learning/workshops.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request):
    require(request.user, "learning.schedule_workshops", why=SCHEDULERS)
    # The list's "Set the date" links name the cohort and the day.
    initial = {key: request.GET[key] for key in ("cohort", "theme") if request.GET.get(key)}
    form = WorkshopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.schedule_workshop(
                **form.cleaned_data, by=staff_member(request.user)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{workshop.theme} set for {workshop.held_on:%d/%m/%Y}.")
            return redirect(reverse("learning:workshops") + f"#cohort-{workshop.cohort_id}")
    return render(request, "learning/workshop_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def workshop_change(request, pk):
    workshop = get_scheduled_workshop_for_user(request.user, pk)
    today = timezone.localdate()
    form = RescheduleWorkshopForm(
        request.POST or None, initial={"held_on": workshop.held_on, "place": workshop.place}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_workshop(
                workshop=workshop, **form.cleaned_data, by=staff_member(request.user)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{workshop.theme} ({workshop.cohort}): change saved.")
            return redirect(reverse("learning:workshops") + f"#cohort-{workshop.cohort_id}")
    return render(
        request,
        "learning/workshop_change.html",
        {
            "workshop": workshop,
            "form": form,
            "fixed": workshops.fixed_because(workshop, workshop.attendances.count(), today),
            "history": workshop.history.all(),
        },
    )
