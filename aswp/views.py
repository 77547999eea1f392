"""Thin views: check access, validate a form, call one service, render (issue 13)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.access import allowed, first_or_404, person_of, require, staff_member
from academy.forms import add_errors, one_time_form
from academy.models import Person
from aswp import forms, services
from aswp import overview as overview_data
from aswp.access import get_application_for_user, get_round_for_user
from aswp.models import Application, AswpPolicy, NamedSupervisor, PeerSession, Round, Stage

RUNS = "Only the Principal Social Worker's team and administrators run the ASWP route."
ASSESSES = "Only the round's panel and the Principal Social Worker's team assess applications."


@login_required
@require_GET
def overview(request):
    require(request.user, "aswp.run", why=RUNS)
    today = timezone.localdate()
    context = overview_data.build(today)
    context["places_form"] = forms.PlacesForm(
        initial={"places": context["places"], "effective_from": today}
    )
    context["supervisor_form"] = forms.SupervisorForm(
        aswps=services.aswps_in_post(), initial={"from_date": today}
    )
    return render(request, "aswp/overview.html", context)


@login_required
@require_POST
def set_places(request):
    require(request.user, "aswp.run", why=RUNS)
    form = forms.PlacesForm(request.POST)
    if form.is_valid():
        services.set_places(**form.cleaned_data, by=staff_member(request.user))
        messages.success(request, "ASWP-PLACES: the number of places is saved.")
        return redirect("aswp:overview")
    return render(request, "aswp/form.html", {"form": form, "title": "Set the ASWP places"})


@login_required
@require_POST
def name_supervisor(request):
    require(request.user, "aswp.run", why=RUNS)
    form = forms.SupervisorForm(request.POST, aswps=services.aswps_in_post())
    if form.is_valid():
        try:
            services.name_supervisor(**form.cleaned_data, by=staff_member(request.user))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Named supervisor saved.")
            return redirect("aswp:overview")
    return render(request, "aswp/form.html", {"form": form, "title": "Name a supervisor"})


@login_required
@one_time_form
@require_http_methods(["GET", "POST"])
def round_new(request):
    require(request.user, "aswp.run", why=RUNS)
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.open_round(
            name=data["name"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            interview_first=data["interview_first"],
            panel=data["panel"],
            by=staff_member(request.user),
        )
        messages.success(request, f"{round_} is open for applications.")
        return redirect("aswp:round", round_.pk)
    return render(request, "aswp/form.html", {"form": form, "title": "Open an application round"})


@login_required
@require_GET
def round_detail(request, pk):
    round_ = get_round_for_user(request.user, pk)
    applications = (
        Application.objects.visible_to(request.user)
        .filter(round=round_)
        .for_stage()
        .select_related("applicant")
    )
    return render(
        request,
        "aswp/round.html",
        {"round": round_, "applications": applications, "panel": round_.panel.all()},
    )


@login_required
@require_GET
def mine(request):
    """An applicant's applications and the open rounds; a manager's staff's applications."""
    person = person_of(request.user)
    today = timezone.localdate()
    visible = Application.objects.visible_to(request.user).for_stage().select_related("applicant")
    own = [a for a in visible if person and a.applicant_id == person.pk]
    others = [a for a in visible if not person or a.applicant_id != person.pk]
    applied = {a.round_id for a in own}
    open_rounds = [r for r in Round.objects.open_on(today) if r.pk not in applied]
    return render(
        request,
        "aswp/mine.html",
        {
            "own": own,
            "others": others,
            "open_rounds": open_rounds,
            "may_apply": allowed(request.user, "aswp.apply"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, pk):
    # Any open round may be applied to; a closed or unknown one is not there to apply to.
    round_ = first_or_404(Round.objects.open_on(timezone.localdate()).filter(pk=pk), "open round")
    require(
        request.user,
        "aswp.apply",
        why="The ASWP route is for experienced social workers (Grade 10/11 or social worker).",
    )
    applicant = staff_member(request.user)
    existing = Application.objects.filter(round=round_, applicant=applicant).first()
    if existing is not None:
        return redirect("aswp:application_edit", existing.pk)
    return _application_form(request, round_, applicant, None)


def _application_form(request, round_, applicant, application):
    form = forms.ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            saved = services.save_application(
                round=round_, applicant=applicant, submit=submit, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "Application submitted." if submit else "Draft saved: carry on when you are ready.",
            )
            return redirect("aswp:application", saved.pk)
    return render(
        request,
        "aswp/application_form.html",
        {"form": form, "round": round_, "application": application},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = get_application_for_user(request.user, pk)
    require(
        request.user,
        "aswp.edit_application",
        application,
        why="Only the applicant changes their application, and only while it is a draft.",
    )
    return _application_form(request, application.round, application.applicant, application)


@login_required
@require_GET
def application_detail(request, pk):
    application = get_application_for_user(request.user, pk)
    user = request.user
    today = timezone.localdate()
    policy = AswpPolicy.in_force(application.assessment_starts_on or today)
    steps = list(application.steps.select_related("recorded_by"))
    return render(
        request,
        "aswp/application.html",
        {
            "application": application,
            "steps": steps,
            "deadline": application.deadline(policy),
            "policy": policy,
            "findings": services.assessment_findings(application, today),
            "can_edit": allowed(user, "aswp.edit_application", application),
            "can_write_statement": allowed(user, "aswp.write_statement", application),
            "can_assess": allowed(user, "aswp.assess", application),
            "stage": application.stage,
            "Stage": Stage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement(request, pk):
    application = get_application_for_user(request.user, pk)
    require(
        request.user,
        "aswp.write_statement",
        application,
        why="Only the applicant's own manager writes the supporting statement.",
    )
    form = forms.StatementForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_statement(
                application=application,
                statement=form.cleaned_data["statement"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Supporting statement saved.")
            return redirect("aswp:application", application.pk)
    return render(
        request,
        "aswp/form.html",
        {
            "form": form,
            "title": f"Supporting statement for {application.applicant.full_name}",
            "cancel": application,
        },
    )


def _assessable(request, pk) -> Application:
    application = get_application_for_user(request.user, pk)
    require(request.user, "aswp.assess", application, why=ASSESSES)
    return application


def _panel_form(request, application, form, title, call, done):
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data, staff_member(request.user))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("aswp:application", application.pk)
    return render(request, "aswp/form.html", {"form": form, "title": title, "cancel": application})


@login_required
@require_http_methods(["GET", "POST"])
def shortlist(request, pk):
    application = _assessable(request, pk)
    return _panel_form(
        request,
        application,
        forms.ShortlistForm(request.POST or None),
        f"Senior-management interview: {application.applicant.full_name}",
        lambda data, by: services.record_shortlisting(application=application, **data, by=by),
        "Interview outcome recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def start_assessment(request, pk):
    application = _assessable(request, pk)
    return _panel_form(
        request,
        application,
        forms.StartAssessmentForm(
            request.POST or None, initial={"starts_on": timezone.localdate()}
        ),
        f"Start the assessment of {application.applicant.full_name}",
        lambda data, by: services.start_assessment(application=application, **data, by=by),
        "Assessment started.",
    )


@login_required
@one_time_form
@require_http_methods(["GET", "POST"])
def record_step(request, pk):
    application = _assessable(request, pk)
    return _panel_form(
        request,
        application,
        forms.StepForm(request.POST or None),
        f"Record an observation or interview: {application.applicant.full_name}",
        lambda data, by: services.record_step(application=application, **data, by=by),
        "Recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    application = _assessable(request, pk)
    return _panel_form(
        request,
        application,
        forms.DecisionForm(request.POST or None),
        f"The panel's decision: {application.applicant.full_name}",
        lambda data, by: services.decide(application=application, **data, by=by),
        "Decision signed. It cannot be changed.",
    )


@login_required
@one_time_form
@require_http_methods(["GET", "POST"])
def my_role(request):
    person = person_of(request.user)
    if person is None or person.role != Person.Role.ASWP:
        raise PermissionDenied("This page is for ASWPs in post.")
    form = forms.ConsultationForm(request.POST or None, aswp=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consultation(aswp=person, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Consultation recorded.")
            return redirect("aswp:my_role")
    named = NamedSupervisor.objects.filter(aswp=person).select_related("supervisor").first()
    return render(
        request,
        "aswp/my_role.html",
        {
            "person": person,
            "form": form,
            "consultations": person.aswp_consultations.select_related("colleague")[:50],
            "supervisor": named.supervisor if named else None,
            "sessions": PeerSession.objects.filter(attendances__aswp=person)
            .prefetch_related("attendances__aswp")
            .distinct()[:20],
        },
    )


@login_required
@one_time_form
@require_http_methods(["GET", "POST"])
def peer_session_new(request):
    require(
        request.user,
        "aswp.record_peer_session",
        why="ASWPs and the Principal Social Worker's team record the peer support group.",
    )
    aswps = services.aswps_in_post().order_by("full_name")
    form = forms.PeerSessionForm(request.POST or None, aswps=aswps)
    if request.method == "POST" and form.is_valid():
        present = {p.pk for p in form.cleaned_data["attended"]}
        try:
            services.record_peer_session(
                held_on=form.cleaned_data["held_on"],
                topic=form.cleaned_data["topic"],
                attendance=[(p, p.pk in present) for p in aswps],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Peer support group session recorded.")
            who = person_of(request.user)
            if who is not None and who.role == Person.Role.ASWP:
                return redirect("aswp:my_role")
            return redirect("aswp:overview")
    return render(
        request, "aswp/form.html", {"form": form, "title": "Record a peer support group session"}
    )
