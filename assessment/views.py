"""The portfolio pages: thin views that check access, validate a form and call a service.

Every view finds the enrolment through `get_portfolio_for_user` (404 to outsiders,
who may not learn a portfolio exists) and then asks the rules predicate for the record type
(assessment/access.py); people who may see the portfolio but not write that
record get 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from academy.access import allowed, person_of, require
from academy.forms import add_errors, one_time_form
from academy.models import Person
from assessment import checks, forms, services
from assessment import portfolio as portfolios
from assessment.access import get_portfolio_for_user
from assessment.models import (
    DevelopmentPlan,
    DirectObservation,
    PortfolioPdf,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessment,
    SupportAgreement,
    WrittenWork,
)
from cohorts.filters import PortfolioFilter
from cohorts.models import Enrolment

PAGE_SIZE = 50

# The supervision frequency an agreement starts from (SUP-WEEKLY, -FORTNIGHTLY, -THREE-WEEKLY).
DEFAULT_SUPERVISION = (
    "At least weekly in weeks 1 to 6 (SUP-WEEKLY); 1:1 supervision at least every 14 days "
    "from week 7 (SUP-FORTNIGHTLY); every 21 days from month 9 unless more frequent support "
    "is still needed (SUP-THREE-WEEKLY)."
)


def _portfolio_url(enrolment, anchor=""):
    url = reverse("assessment:portfolio", args=[enrolment.pk])
    return f"{url}#{anchor}" if anchor else url


def _frameworks(enrolment, record=None):
    """The framework versions a record's evidence may map to (EVIDENCE, issue 14): those in
    force on its date for the NQSW's programme; for a record not yet dated, every version of
    the programme's span (the service checks the date it is given)."""
    frameworks = portfolios.all_frameworks()
    if record is not None:
        return portfolios.frameworks_for(
            frameworks, services.evidence_date(record), enrolment.programme_run
        )
    return portfolios.frameworks_of(frameworks, enrolment)


def _record_page(request, enrolment, form, *, title, intro, save, anchor, submit="Save"):
    """Validate `form`, call `save(form)` (a service), and go back to the portfolio."""
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"{title}: saved.")
            return redirect(_portfolio_url(enrolment, anchor(record)))
    return render(
        request,
        "assessment/record_form.html",
        {"enrolment": enrolment, "form": form, "title": title, "intro": intro, "submit": submit},
    )


# --- Lists and the portfolio ----------------------------------------------------------------


@login_required
def portfolio_list(request):
    """The NQSWs whose portfolios the user follows, with the checks; an NQSW goes to theirs."""
    person = person_of(request.user)
    visible = Enrolment.objects.visible_to(request.user).filter(kind=Enrolment.Kind.ASYE)
    if person is not None and person.role == Person.Role.NQSW:
        own = visible.filter(person=person).order_by("-asye_start").first()
        if own is not None:
            return redirect("assessment:portfolio", pk=own.pk)
    # Current portfolios unless a status is chosen, so finished ones stay reachable.
    filterset = PortfolioFilter(request.GET, queryset=visible.for_listing())
    enrolments = filterset.qs
    if person is not None:
        enrolments = enrolments.exclude(person=person)
    page = Paginator(enrolments.order_by("person__full_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    listed = list(page.object_list)
    facts = portfolios.facts_for(listed)
    today = timezone.localdate()
    rows = []
    for enrolment in listed:
        found = checks.evaluate(facts[enrolment.pk], today)
        rows.append(
            {
                "enrolment": enrolment,
                "facts": facts[enrolment.pk],
                "requirements": portfolios.requirements(facts[enrolment.pk]),
                "breaches": [f for f in found if f.is_breach],
                "to_do": [f for f in found if not f.is_breach],
            }
        )
    assesses = person is not None and person.role == Person.Role.ASSESSOR
    return render(
        request,
        "assessment/portfolio_list.html",
        {
            "rows": rows,
            "page": page,
            "today": today,
            "assesses": assesses,
            "filter": filterset,
            "query": query,
        },
    )


@login_required
def portfolio(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    p = portfolios.load(enrolment)
    user = request.user
    can = {
        "observe": allowed(user, "assessment.add_directobservation", enrolment),
        "write": allowed(user, "assessment.add_reflectionlog", enrolment),
        "assess": allowed(user, "assessment.add_review", enrolment),
        "map": allowed(user, "assessment.map_evidence", enrolment),
    }
    for observation in p.observations:
        observation.can_edit = allowed(user, "assessment.change_directobservation", observation)
    today = timezone.localdate()
    return render(
        request,
        "assessment/portfolio.html",
        {
            "enrolment": enrolment,
            "portfolio": p,
            "findings": p.findings(today),
            "requirement_rows": p.requirement_rows(today),
            "today": today,
            "can": can,
            "print": False,
            # MOD-FORM: the moderation forms added to the portfolio after each panel.
            "moderation_records": enrolment.moderation_records.filter(
                status="ready"
            ).select_related("submission__panel", "decision"),
        },
    )


# --- Observations (OBS-THREE) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def observation_new(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    require(
        request.user,
        "assessment.add_directobservation",
        enrolment,
        "Only the NQSW's assessor or practice manager records an observation.",
    )
    observer = person_of(request.user)
    form = forms.ObservationForm(
        request.POST or None,
        instance=DirectObservation(enrolment=enrolment, observer=observer, recorded_by=observer),
        frameworks=_frameworks(enrolment),
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Record a direct observation",
        intro="OBS-THREE: the assessor completes two observations, someone else the third.",
        save=lambda f: services.record_observation(
            enrolment=enrolment, observer=observer, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda o: f"observation-{o.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_edit(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    observation = get_object_or_404(DirectObservation, enrolment=enrolment, pk=record)
    require(
        request.user,
        "assessment.change_directobservation",
        observation,
        "Only the observer changes an observation.",
    )
    form = forms.ObservationForm(
        request.POST or None, instance=observation, frameworks=_frameworks(enrolment)
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Change a direct observation",
        intro="",
        save=lambda f: services.update_observation(
            observation=observation, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda o: f"observation-{o.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_reflection(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    observation = get_object_or_404(DirectObservation, enrolment=enrolment, pk=record)
    require(
        request.user,
        "assessment.reflect_on_directobservation",
        enrolment,
        "Only the NQSW reflects on their observation.",
    )
    form = forms.ObservationReflectionForm(request.POST or None, instance=observation)
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Your reflection on the observation of {observation.observed_on:%d/%m/%Y}",
        intro=observation.setting,
        save=lambda f: services.reflect_on_observation(
            observation=observation, reflection=f.cleaned_data["nqsw_reflection"]
        ),
        anchor=lambda o: f"observation-{o.pk}",
    )


# --- Reflection logs (LOGS) -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def log_new(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    require(
        request.user, "assessment.add_reflectionlog", enrolment, "Only the NQSW writes their logs."
    )
    person = person_of(request.user)
    form = forms.ReflectionLogForm(
        request.POST or None,
        instance=ReflectionLog(enrolment=enrolment, recorded_by=person),
        frameworks=_frameworks(enrolment),
        initial={"written_on": timezone.localdate()},
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Write a critical reflection log",
        intro="LOGS: your assessor gives feedback on each log.",
        save=lambda f: services.write_log(
            enrolment=enrolment, by=person, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda log: f"log-{log.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    log = get_object_or_404(ReflectionLog, enrolment=enrolment, pk=record)
    require(
        request.user, "assessment.add_reflectionlog", enrolment, "Only the NQSW changes their logs."
    )
    form = forms.ReflectionLogForm(
        request.POST or None, instance=log, frameworks=_frameworks(enrolment)
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Change a reflection log",
        intro="",
        save=lambda f: services.update_log(
            log=log,
            elements=f.elements(),
            change_reason=f.cleaned_data.get("change_reason", ""),
            **f.record_values(),
        ),
        anchor=lambda log: f"log-{log.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_feedback(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    log = get_object_or_404(ReflectionLog, enrolment=enrolment, pk=record)
    require(
        request.user,
        "assessment.add_assessorfeedback",
        enrolment,
        "Only the NQSW's assessor gives feedback on their logs.",
    )
    assessor = person_of(request.user)
    form = forms.AssessorFeedbackForm(
        request.POST or None, initial={"given_on": timezone.localdate()}
    )
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Feedback on “{log.title}”",
        intro=log.reflection,
        save=lambda f: services.give_log_feedback(log=log, assessor=assessor, **f.cleaned_data).log,
        anchor=lambda log: f"log-{log.pk}",
    )


# --- Feedback and written work (NAT-EVIDENCE) -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def feedback_new(request, pk, source):
    enrolment = get_portfolio_for_user(request.user, pk)
    if source not in PracticeFeedback.Source.values:
        raise Http404("No such kind of feedback.")
    require(request.user, "assessment.add_practicefeedback", enrolment, "Only the NQSW records it.")
    person = person_of(request.user)
    form = forms.PracticeFeedbackForm(
        request.POST or None,
        instance=PracticeFeedback(enrolment=enrolment, recorded_by=person, source=source),
        frameworks=_frameworks(enrolment),
    )
    label = PracticeFeedback.Source(source).label.lower()
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Record feedback from {label}",
        intro="NAT-EVIDENCE asks for 3 pieces from children and young people and 3 from "
        "other professionals. Name the person by their role only.",
        save=lambda f: services.record_feedback(
            enrolment=enrolment,
            by=person,
            source=source,
            elements=f.elements(),
            **f.record_values(),
        ),
        anchor=lambda r: f"feedback-{r.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_edit(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    feedback = get_object_or_404(PracticeFeedback, enrolment=enrolment, pk=record)
    require(request.user, "assessment.add_practicefeedback", enrolment, "Only the NQSW changes it.")
    form = forms.PracticeFeedbackForm(
        request.POST or None, instance=feedback, frameworks=_frameworks(enrolment)
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Change feedback",
        intro="",
        save=lambda f: services.update_feedback(
            record=feedback, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda r: f"feedback-{r.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def written_work_new(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    require(request.user, "assessment.add_writtenwork", enrolment, "Only the NQSW adds it.")
    person = person_of(request.user)
    form = forms.WrittenWorkForm(
        request.POST or None,
        instance=WrittenWork(enrolment=enrolment, recorded_by=person),
        frameworks=_frameworks(enrolment),
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Add written work",
        intro="NAT-EVIDENCE asks for 3 pieces of written work assessed by your assessor. "
        "The document stays in the case record.",
        save=lambda f: services.add_written_work(
            enrolment=enrolment, by=person, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda w: f"written-{w.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def written_work_edit(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    work = get_object_or_404(WrittenWork, enrolment=enrolment, pk=record)
    require(request.user, "assessment.add_writtenwork", enrolment, "Only the NQSW changes it.")
    form = forms.WrittenWorkForm(
        request.POST or None, instance=work, frameworks=_frameworks(enrolment)
    )
    return _record_page(
        request,
        enrolment,
        form,
        title="Change written work",
        intro="",
        save=lambda f: services.update_written_work(
            work=work, elements=f.elements(), **f.record_values()
        ),
        anchor=lambda w: f"written-{w.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def written_work_assess(request, pk, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    work = get_object_or_404(WrittenWork, enrolment=enrolment, pk=record)
    require(
        request.user,
        "assessment.assess_writtenwork",
        enrolment,
        "Only the NQSW's assessor assesses written work.",
    )
    assessor = person_of(request.user)
    form = forms.WrittenWorkAssessmentForm(
        request.POST or None,
        instance=work,
        initial={"assessed_on": work.assessed_on or timezone.localdate()},
    )
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Assess “{work.title}”",
        intro=work.summary,
        save=lambda f: services.assess_written_work(
            work=work,
            assessor=assessor,
            comments=f.cleaned_data["assessor_comments"],
            assessed_on=f.cleaned_data["assessed_on"],
        ),
        anchor=lambda w: f"written-{w.pk}",
    )


# --- Mapping evidence (EVIDENCE) ------------------------------------------------------------

MAPPABLE_KINDS = {
    "observation": (DirectObservation, "observation"),
    "log": (ReflectionLog, "log"),
    "feedback": (PracticeFeedback, "feedback"),
    "written-work": (WrittenWork, "written"),
}


@login_required
@require_http_methods(["GET", "POST"])
def map_evidence(request, pk, kind, record):
    enrolment = get_portfolio_for_user(request.user, pk)
    if kind not in MAPPABLE_KINDS:
        raise Http404("No such kind of record.")
    model, anchor = MAPPABLE_KINDS[kind]
    item = get_object_or_404(model, enrolment=enrolment, pk=record)
    require(
        request.user,
        "assessment.map_evidence",
        enrolment,
        "Only the NQSW and their assessor map evidence.",
    )
    form = forms.EvidenceMapForm(
        request.POST or None,
        frameworks=_frameworks(enrolment, item),
        selected=item.elements.all(),
    )
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Map “{item}” to its frameworks",
        intro=(
            "EVIDENCE: tick each domain and statement this record evidences, from the "
            f"framework versions in force on its date for the {enrolment.programme_run.name}."
        ),
        save=lambda f: services.map_evidence(record=item, elements=f.elements()),
        anchor=lambda r: f"{anchor}-{r.pk}",
    )


# --- Self-assessments (NAT-SELF) ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request, pk, stage):
    enrolment = get_portfolio_for_user(request.user, pk)
    if stage not in SelfAssessment.Stage.values:
        raise Http404("No such self-assessment.")
    require(
        request.user, "assessment.add_selfassessment", enrolment, "Only the NQSW assesses themself."
    )
    standard = portfolios.standard_for(
        portfolios.all_frameworks(),
        portfolios.self_assessment_day(enrolment),
        enrolment.programme_run,
    )
    if standard is None:
        raise Http404("No post-qualifying standard is in force for this ASYE.")
    existing = enrolment.self_assessments.filter(stage=stage).prefetch_related("ratings").first()
    person = person_of(request.user)
    form = forms.SelfAssessmentForm(
        request.POST or None,
        standard=standard,
        existing=existing,
        initial={} if existing else {"completed_on": timezone.localdate()},
    )
    label = SelfAssessment.Stage(stage).label.lower()
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_self_assessment(
                enrolment=enrolment,
                by=person,
                stage=stage,
                completed_on=form.cleaned_data["completed_on"],
                reflection=form.cleaned_data["reflection"],
                ratings=form.ratings(),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"Self-assessment {label}: saved.")
            return redirect(_portfolio_url(enrolment, f"self-assessment-{stage}"))
    return render(
        request,
        "assessment/self_assessment_form.html",
        {"enrolment": enrolment, "form": form, "standard": standard, "label": label},
    )


# --- The assessor's records: plans, agreement, reviews, recommendation ----------------------


@login_required
@require_http_methods(["GET", "POST"])
def development_plan(request, pk, period):
    enrolment = get_portfolio_for_user(request.user, pk)
    if period not in DevelopmentPlan.Period.values:
        raise Http404("No such development plan.")
    require(
        request.user,
        "assessment.add_developmentplan",
        enrolment,
        "Only the NQSW's assessor records their development plans.",
    )
    person = person_of(request.user)
    plan = enrolment.development_plans.filter(period=period).first()
    form = forms.DevelopmentPlanForm(
        request.POST or None,
        instance=plan or DevelopmentPlan(enrolment=enrolment, period=period, recorded_by=person),
        initial={} if plan else {"agreed_on": timezone.localdate()},
    )
    label = DevelopmentPlan.Period(period).label.lower()
    return _record_page(
        request,
        enrolment,
        form,
        title=f"Development plan for {label}",
        intro="NAT-PDP: development plans for months 0-3, 3-6 and 6-12.",
        save=lambda f: services.save_development_plan(
            enrolment=enrolment, by=person, period=period, **f.cleaned_data
        ),
        anchor=lambda p: f"plan-{p.period}",
    )


def _versioned_page(
    request,
    enrolment,
    *,
    form_class,
    current,
    initial,
    instance,
    title,
    intro,
    save,
    anchor,
    form_kwargs=None,
):
    """A form for a record the assessor signs off: a draft is edited, a signed one versioned."""
    needs_reason = current is not None and (current.is_signed_off or current.version > 1)
    if current is not None:
        initial = {**initial, **model_to_dict(current, fields=form_class._meta.fields)}
        if current.is_signed_off:
            initial["change_reason"] = ""
    form = form_class(
        request.POST or None,
        instance=instance,
        initial=initial,
        needs_reason=needs_reason,
        **(form_kwargs or {}),
    )
    if request.method == "POST" and form.is_valid():
        sign_off = request.POST.get("action") == "sign_off"
        try:
            record = save(
                form,
                sign_off=sign_off,
                change_reason=form.cleaned_data.get("change_reason", ""),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            done = "signed off" if record.is_signed_off else "saved as a draft"
            messages.success(request, f"{title}: version {record.version} {done}.")
            return redirect(_portfolio_url(enrolment, anchor))
    return render(
        request,
        "assessment/versioned_form.html",
        {
            "enrolment": enrolment,
            "form": form,
            "title": title,
            "intro": intro,
            "current": current,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    require(
        request.user,
        "assessment.add_supportagreement",
        enrolment,
        "Only the NQSW's assessor records the agreement.",
    )
    person = person_of(request.user)
    current = enrolment.agreements.prefetch_related("planned_reviews").order_by("-version").first()
    due = portfolios.due_for(enrolment)
    points = list(enrolment.programme_run.points.all())
    # The programme's other points start from their due dates too, then the agreed ones.
    planned = {point.kind: point.due for point in due.reviews}
    if current is not None:
        planned = current.planned_dates()
    return _versioned_page(
        request,
        enrolment,
        form_class=forms.AgreementForm,
        current=current,
        # The derived due dates are the starting point; the meeting dates are agreed.
        initial={
            "agreed_on": timezone.localdate(),
            "three_month_review_on": due.three_months,
            "six_month_review_on": due.six_months,
            "final_review_on": due.final,
            "supervision_frequency": DEFAULT_SUPERVISION,
        },
        instance=SupportAgreement(enrolment=enrolment, recorded_by=person),
        title="Support and assessment agreement",
        intro="NAT-AGREEMENT: in the first month, with the review dates, the internal "
        f"moderation panel, supervision, workload protection and the 10% protected time. "
        f"Due by {due.agreement:%d/%m/%Y}.",
        save=lambda f, **kw: services.save_agreement(
            enrolment=enrolment, by=person, planned=f.planned(), **kw, **f.record_values()
        ),
        anchor="agreement",
        form_kwargs={"points": points, "planned": planned},
    )


def _capability_outcomes(enrolment) -> str:
    """CAPABILITY: the PiP's outcome feeds the final assessment report, so the final
    review states every concern's outcome (learning's records, read through the
    enrolment's reverse relation: this app does not import learning)."""
    concerns = list(enrolment.capability_concerns.order_by("raised_on", "pk"))
    if not concerns:
        return " CAPABILITY: no concerns about competence were raised."
    parts = []
    for concern in concerns:
        text = f"concern of {concern.raised_on:%d/%m/%Y}: {concern.get_status_display()}"
        if concern.pip_outcome:
            text += (
                f", PiP outcome {concern.get_pip_outcome_display()} ({concern.pip_outcome_notes})"
            )
        parts.append(text)
    return " CAPABILITY: " + "; ".join(parts) + "."


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk, kind):
    enrolment = get_portfolio_for_user(request.user, pk)
    # The reviews are the NQSW's programme's points and the final (issue 14).
    point = portfolios.due_for(enrolment).review_point(kind)
    if point is None:
        raise Http404("No such review.")
    require(
        request.user,
        "assessment.add_review",
        enrolment,
        "Only the NQSW's assessor records reviews.",
    )
    person = person_of(request.user)
    current = (
        enrolment.reviews.filter(kind=kind)
        .prefetch_related("elements")
        .order_by("-version")
        .first()
    )
    due, label = point.due, point.label
    return _versioned_page(
        request,
        enrolment,
        form_class=forms.ReviewForm,
        current=current,
        initial={"held_on": min(timezone.localdate(), due)},
        instance=Review(enrolment=enrolment, kind=kind, recorded_by=person),
        title=label,
        intro=f"REVIEWS: due by {due:%d/%m/%Y} (from the ASYE start and any extension)."
        + (_capability_outcomes(enrolment) if kind == Review.Kind.FINAL else ""),
        save=lambda f, **kw: services.save_review(
            enrolment=enrolment,
            by=person,
            kind=kind,
            elements=f.elements(),
            **kw,
            **f.record_values(),
        ),
        anchor=f"review-{kind}",
        form_kwargs={
            "frameworks": _frameworks(enrolment),
            "selected": current.elements.all() if current else (),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    require(
        request.user,
        "assessment.add_recommendation",
        enrolment,
        "Only the NQSW's assessor makes the recommendation.",
    )
    person = person_of(request.user)
    current = enrolment.recommendations.order_by("-version").first()
    return _versioned_page(
        request,
        enrolment,
        form_class=forms.RecommendationForm,
        current=current,
        initial={},
        instance=Recommendation(enrolment=enrolment, recorded_by=person),
        title="Recommendation",
        intro="NAT-OUTCOME: at the final review the assessor recommends PASS or FAIL, with the "
        "rationale; the moderation panel verifies it (MOD-DECISION).",
        save=lambda f, **kw: services.save_recommendation(
            enrolment=enrolment, by=person, **kw, **f.record_values()
        ),
        anchor="recommendation",
    )


# --- The PDF --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_pdf(request, pk):
    """GET: is the PDF of the portfolio as it is now ready? POST: ask for it."""
    enrolment = get_portfolio_for_user(request.user, pk)
    if request.method == "POST":
        services.request_portfolio_pdf(enrolment=enrolment)
        return redirect("assessment:portfolio_pdf", pk=enrolment.pk)
    asked = request.GET.get("hash", "")
    if request.headers.get("HX-Request") and asked:
        # htmx polls for the render it is waiting on: one cheap lookup, no re-render.
        row = PortfolioPdf.objects.filter(enrolment=enrolment, content_hash=asked).first()
        content_hash = asked
        template = "assessment/pdf_status_partial.html"
    else:
        content_hash, row = services.current_portfolio_pdf(enrolment=enrolment)
        template = "assessment/pdf_status.html"
    return render(
        request,
        template,
        {"enrolment": enrolment, "row": row, "content_hash": content_hash},
    )


@login_required
@require_http_methods(["GET"])
def portfolio_pdf_download(request, pk):
    enrolment = get_portfolio_for_user(request.user, pk)
    _, row = services.current_portfolio_pdf(enrolment=enrolment)
    if row is None or row.status != PortfolioPdf.Status.READY:
        return redirect("assessment:portfolio_pdf", pk=enrolment.pk)
    response = FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=f"asye-portfolio-{enrolment.person.staff_id}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
