"""Pages of the training pathway (TRAINING-MANDATORY), concerns and the PiP (CAPABILITY) and
move-on (MOVE-ON): check access, validate a form, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.access import allowed, person_of, require, staff_member
from academy.forms import add_errors
from academy.models import Person, PracticeGroup
from cohorts.access import get_enrolment_for_user, visible_enrolments
from cohorts.models import Enrolment
from learning import pathway_forms as forms
from learning import pathway_services as services
from learning.models import (
    AbsenceDecision,
    Attendance,
    CancellationPolicy,
    Concern,
    MoveOn,
    PathwayCourse,
)
from learning.pathway_access import (
    absences_awaiting_gm,
    attendance_filter,
    concern_enrolments,
    decides_absence_as,
    get_absence_decision_for_user,
    get_attendance_for_user,
    get_concern_for_user,
    get_course_for_user,
    move_on_enrolments,
    sees_courses,
)

# --- The training pathway (TRAINING-MANDATORY) -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pathway(request):
    if not sees_courses(request.user):
        raise Http404("No training pathway for this account.")
    can_publish = allowed(request.user, "learning.publish_course")
    form = forms.CourseForm(request.POST or None) if can_publish else None
    if request.method == "POST":
        require(request.user, "learning.publish_course", why="The L&D officer publishes courses.")
        if form.is_valid():
            try:
                course = services.publish_course(**form.cleaned_data, by=staff_member(request.user))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"{course.title} published.")
                return redirect("learning:course", course.pk)
    courses = PathwayCourse.objects.select_related("cohort").annotate(taken=Count("attendances"))
    mine = []
    person = person_of(request.user)
    if person is not None and person.is_early_career:
        mine = list(
            Attendance.objects.filter(enrolment__person=person)
            .for_listing()
            .order_by("course__held_on")
        )
    # TRAINING-MANDATORY: what waits on a GM's authorisation (the count on their home and
    # their navigation badge is this list's length). Decided on each course's page.
    awaiting = None
    if person is not None and person.role == Person.Role.GROUP_MANAGER:
        awaiting = list(
            absences_awaiting_gm(request.user).select_related(
                "course", "enrolment__person", "enrolment__practice_group"
            )
        )
    return render(
        request,
        "learning/pathway/pathway.html",
        {"courses": courses, "form": form, "mine": mine, "awaiting": awaiting},
    )


def _course_rows(request, course):
    attendances = list(
        course.attendances.filter(attendance_filter(request.user))
        .for_listing()
        .prefetch_related("enrolment__practice_group__service")
        .select_related(
            "enrolment__practice_group__practice_manager",
            "enrolment__practice_group__group_manager",
        )
    )
    flag_at = CancellationPolicy.flag_at_on(timezone.localdate())
    counts = dict(
        Attendance.objects.filter(
            enrolment__in=[a.enrolment_id for a in attendances], status=Attendance.Status.CANCELLED
        )
        .values_list("enrolment")
        .annotate(n=Count("pk"))
    )
    submitted = services.final_submitted_among([a.enrolment_id for a in attendances])
    rows = []
    for attendance in attendances:
        decided = {d.as_role for d in attendance.decisions.all()}
        mine = decides_absence_as(request.user, attendance) if attendance.is_absence else []
        frozen = services.decisions_frozen_because(
            attendance.enrolment, attendance.enrolment_id in submitted
        )
        rows.append(
            {
                "attendance": attendance,
                "findings": services.attendance_findings(
                    attendance, flag_at, counts.get(attendance.enrolment_id, 0)
                ),
                "decide_roles": [
                    (r, AbsenceDecision.AsRole(r).label) for r in mine if r not in decided
                ],
                # TRAINING-MANDATORY: the viewer's own role's decisions, while they may change.
                "change_decisions": []
                if frozen
                else [d for d in attendance.decisions.all() if d.as_role in mine],
                "frozen": frozen if set(mine) & decided else "",
            }
        )
    return rows


@login_required
@require_GET
def course(request, pk):
    course = get_course_for_user(request.user, pk)
    can_record = allowed(request.user, "learning.record_attendance")
    book_form = None
    if can_record:
        booked = course.attendances.values("enrolment_id")
        book_form = forms.BookForm(
            enrolments=services.eligible_enrolments(course).exclude(pk__in=booked)
        )
    return render(
        request,
        "learning/pathway/course.html",
        {
            "course": course,
            "rows": _course_rows(request, course),
            "can_record": can_record,
            "book_form": book_form,
            "statuses": Attendance.Status.choices,
            "taken": course.attendances.count(),
        },
    )


@login_required
@require_POST
def course_book(request, pk):
    course = get_course_for_user(request.user, pk)
    require(request.user, "learning.record_attendance", why="The L&D officer books places.")
    form = forms.BookForm(request.POST, enrolments=services.eligible_enrolments(course))
    if form.is_valid():
        try:
            services.book_place(
                course=course,
                enrolment=form.cleaned_data["enrolment"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Place booked.")
    else:
        messages.error(request, "Choose someone from the cohort to book.")
    return redirect("learning:course", course.pk)


@login_required
@require_POST
def attendance_record(request, pk):
    attendance = get_attendance_for_user(request.user, pk)
    require(request.user, "learning.record_attendance", why="The L&D officer records attendance.")
    form = forms.AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.record_attendance(
                attendance=attendance,
                status=form.cleaned_data["status"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Attendance recorded for {attendance.enrolment.person}.")
    else:
        messages.error(request, "Choose an attendance.")
    return redirect("learning:course", attendance.course_id)


@login_required
@require_POST
def absence_decide(request, pk):
    attendance = get_attendance_for_user(request.user, pk)
    roles = decides_absence_as(request.user, attendance)
    if not roles:
        raise PermissionDenied(
            "TRAINING-MANDATORY: the NQSW's practice manager and group manager decide."
        )
    form = forms.AbsenceDecisionForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            services.decide_absence(
                attendance=attendance,
                as_role=form.cleaned_data["as_role"],
                authorised=form.cleaned_data["authorised"],
                note=form.cleaned_data["note"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "The decision could not be read: try again.")
    return redirect("learning:course", attendance.course_id)


@login_required
@require_POST
def absence_change(request, pk):
    decision = get_absence_decision_for_user(request.user, pk)
    attendance = get_attendance_for_user(request.user, decision.attendance_id)
    if decision.as_role not in decides_absence_as(request.user, attendance):
        raise PermissionDenied(
            f"TRAINING-MANDATORY: only the NQSW's {decision.get_as_role_display().lower()} "
            "changes this decision."
        )
    form = forms.AbsenceChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_absence_decision(
                decision=decision, **form.cleaned_data, by=staff_member(request.user)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Decision changed: the earlier one is kept in its history.")
    else:
        messages.error(request, "Say why the decision changes.")
    return redirect("learning:course", attendance.course_id)


@login_required
@require_GET
def cancellations(request):
    require(
        request.user,
        "learning.view_cancellation_flags",
        why="The list is for the Service Development Lead – Professional Practice.",
    )
    today = timezone.localdate()
    flagged = services.cancellation_counts(
        visible_enrolments(request.user).filter(status__in=Enrolment.CURRENT_STATUSES), today
    )
    return render(
        request,
        "learning/pathway/cancellations.html",
        {"flagged": flagged, "flag_at": CancellationPolicy.flag_at_on(today)},
    )


# --- Concerns and the PiP (CAPABILITY) -------------------------------------------------------


@login_required
@require_GET
def concerns(request):
    rows = Concern.objects.visible_to(request.user).select_related("enrolment__person", "raised_by")
    return render(
        request,
        "learning/pathway/concerns.html",
        {"concerns": rows, "can_raise": concern_enrolments(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request):
    enrolments = concern_enrolments(request.user)
    if not enrolments.exists():
        raise PermissionDenied(
            "CAPABILITY: the NQSW's assessor or practice manager raises a concern."
        )
    form = forms.ConcernForm(request.POST or None, enrolments=enrolments)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.raise_concern(
                enrolment=form.cleaned_data["enrolment"],
                what=form.cleaned_data["what"],
                evidence=form.cleaned_data["evidence"],
                raised_on=form.cleaned_data["raised_on"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Concern raised with Professional Practice.")
            return redirect("learning:concern", concern.pk)
    return render(request, "learning/pathway/concern_new.html", {"form": form})


STEPS = {
    "review": ("learning.review_concern", forms.ReviewConcernForm, services.review_concern),
    "resolve": ("learning.review_concern", forms.ResolveConcernForm, services.resolve_concern),
    "pip": ("learning.review_concern", forms.StartPipForm, services.start_pip),
    "pip_outcome": (
        "learning.record_pip_outcome",
        forms.PipOutcomeForm,
        services.record_pip_outcome,
    ),
}


def _step_forms(request, concern, bound=None):
    """The next steps the user may take on the concern, each with its form (the posted one
    when it was refused)."""
    open_steps = {
        Concern.Status.RAISED: ["review", "resolve"],
        Concern.Status.SUPPORT: ["review", "resolve", "pip"],
        Concern.Status.PIP: [] if concern.pip_outcome else ["pip_outcome"],
        Concern.Status.RESOLVED: [],
    }[concern.status]
    found = {}
    for step in open_steps:
        perm, form_class, _ = STEPS[step]
        if allowed(request.user, perm, concern):
            if bound is not None and bound[0] == step:
                found[step] = bound[1]
            else:
                found[step] = form_class(prefix=step)
    if bound is not None and bound[0] not in found:
        # A step asked for out of turn: its refusal is still shown.
        found[bound[0]] = bound[1]
    return found


@login_required
@require_GET
def concern(request, pk):
    concern = get_concern_for_user(request.user, pk)
    return render(
        request,
        "learning/pathway/concern.html",
        {"concern": concern, "steps": _step_forms(request, concern)},
    )


@login_required
@require_POST
def concern_step(request, pk, step):
    concern = get_concern_for_user(request.user, pk)
    if step not in STEPS:
        raise Http404("No such step.")
    perm, form_class, action = STEPS[step]
    require(
        request.user, perm, concern, "CAPABILITY: the Service Development Lead reviews concerns."
    )
    form = form_class(request.POST, prefix=step)
    if form.is_valid():
        try:
            action(concern=concern, **form.cleaned_data, by=staff_member(request.user))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Concern updated.")
            return redirect("learning:concern", concern.pk)
    return render(
        request,
        "learning/pathway/concern.html",
        {"concern": concern, "steps": _step_forms(request, concern, bound=(step, form))},
        status=400,
    )


# --- Move-on (MOVE-ON) -----------------------------------------------------------------------


MOVE_ON_PER_PAGE = 50
# A service with more destinations than this gets a page of its own for each NQSW's choice:
# a drop-down of every group on each of 50 rows made the list grow with the academy
# (issue 17), and is no way to choose among hundreds anyway.
INLINE_DESTINATIONS = 30


def _move_on_page_of(enrolments, pk) -> int:
    """The page of the move-on list (in name order) that shows enrolment `pk`; the first
    when it is not one of `enrolments`."""
    if not (pk or "").isdigit():
        return 1
    name = enrolments.filter(pk=pk).values_list("person__full_name", flat=True).first()
    if name is None:
        return 1
    before = enrolments.filter(
        Q(person__full_name__lt=name) | Q(person__full_name=name, pk__lt=pk)
    ).count()
    return before // MOVE_ON_PER_PAGE + 1


@login_required
@require_GET
def move_on(request):
    require(request.user, "learning.view_move_on", why="MOVE-ON is recorded by group managers.")
    today = timezone.localdate()
    enrolments = move_on_enrolments(request.user)
    # A service's NQSWs a page at a time (issue 17); the count of missing destinations is
    # over all of them. The home page links to one NQSW's row with ?nqsw=<pk>: its page.
    number = request.GET.get("page") or _move_on_page_of(enrolments, request.GET.get("nqsw"))
    page = Paginator(
        enrolments.select_related("person", "practice_group__service")
        .prefetch_related(
            "extensions",
            Prefetch("move_on", queryset=MoveOn.objects.select_related("destination")),
        )
        .order_by("person__full_name", "pk"),
        MOVE_ON_PER_PAGE,
    ).get_page(number)
    services_seen = {enrolment.practice_group.service_id for enrolment in page}
    sizes = dict(
        PracticeGroup.objects.filter(service_id__in=services_seen)
        .values_list("service")
        .annotate(n=Count("pk"))
        .order_by()
    )
    inline = [service for service, n in sizes.items() if n - 1 <= INLINE_DESTINATIONS]
    groups = list(PracticeGroup.objects.filter(service_id__in=inline).order_by("name"))
    rows = []
    for enrolment in page:
        opens = services.move_on_opens(enrolment)
        service = enrolment.practice_group.service_id
        choices = [
            g for g in groups if g.service_id == service and g.pk != enrolment.practice_group_id
        ]
        rows.append(
            {
                "enrolment": enrolment,
                "move": getattr(enrolment, "move_on", None),
                "opens": opens,
                "open": opens <= today,
                "choices": choices,
                "inline": service in inline,
            }
        )
    return render(
        request,
        "learning/pathway/move_on.html",
        {
            "rows": rows,
            "page": page,
            "today": today,
            "missing": services.count_without_destination(enrolments, today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def move_on_record(request, pk):
    """One NQSW's destination: posted from the list's row, or chosen on this page where
    the service has too many groups for a drop-down on every row."""
    enrolment = get_enrolment_for_user(request.user, pk)
    require(
        request.user,
        "learning.record_move_on",
        enrolment,
        "MOVE-ON: a group manager of the NQSW's service records the move.",
    )
    destinations = services.destinations_for(enrolment)
    if request.method == "GET":
        move = MoveOn.objects.filter(enrolment=enrolment).first()
        initial = {"destination": move.destination_id} if move else {}
        context = {
            "enrolment": enrolment,
            "form": forms.MoveOnForm(initial=initial, destinations=destinations),
            "move": move,
            "opens": services.move_on_opens(enrolment),
            "today": timezone.localdate(),
        }
        return render(request, "learning/pathway/move_on_record.html", context)
    form = forms.MoveOnForm(request.POST, destinations=destinations)
    if form.is_valid():
        try:
            services.record_move_on(
                enrolment=enrolment,
                destination=form.cleaned_data["destination"],
                by=staff_member(request.user),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{enrolment.person.full_name}'s destination recorded.")
    else:
        messages.error(request, "Choose a practice group of the NQSW's service.")
    # Back to the list where the NQSW's row is.
    return redirect(f"{reverse('learning:move_on')}?nqsw={enrolment.pk}")
