"""The moderation pages: thin views that check access, validate a form and call a service.

Panels are found through `get_panel_for_user` and portfolios through
`get_submission_for_user` (by code), both 404 to outsiders; people who may know of a
panel or portfolio but not do what they ask get 403 (moderation/access.py).

MOD-ANON: the pages a moderator reaches (the reading list, a portfolio, its PDF, the form)
name a portfolio by its code only, in the page, the file name and the URL. Only the pages
for the chair, the deputy and the Professional Practice team (the panel, the agenda, the
decision, the moderators, progression) resolve a code to a name.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from academy.access import allowed, person_of, require, staff_member
from academy.forms import add_errors, one_time_form
from assessment.access import get_portfolio_for_user
from cohorts.models import Enrolment
from moderation import forms, services
from moderation.access import (
    PANEL_CHAIRS,
    chairs_panel,
    get_external_sample_for_user,
    get_moderation_document_for_user,
    get_panel_for_user,
    get_submission_for_user,
    runs_moderation,
)
from moderation.anonymise import SNAPSHOT_SECTIONS
from moderation.models import (
    Allocation,
    Answer,
    Decision,
    ExternalSample,
    ModerationForm,
    ModerationRecord,
    Panel,
    PdfStatus,
    ProgressionAuthorisation,
    Submission,
)

PAGE_SIZE = 50


def _refused(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _download(file, filename, content_type):
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The moderation home ----------------------------------------------------------------------


def _panels_for(user, person):
    """Panels the user runs: all for the Professional Practice team, else the ones they chair."""
    panels = Panel.objects.all()
    if not runs_moderation(user):
        panels = panels.filter(members__person=person, members__role__in=PANEL_CHAIRS).distinct()
    return panels.annotate(
        entered=Count("submissions", distinct=True),
        submitted=Count(
            "submissions", filter=Q(submissions__submitted_at__isnull=False), distinct=True
        ),
    ).order_by("-held_on", "pk")


@login_required
def panel_list(request):
    """Everything moderation holds for the user: panels they run, portfolios to read, and
    the NQSW's (or the assessor's NQSWs') places at panels."""
    user = request.user
    person = person_of(user)
    runs = runs_moderation(user)
    page = None
    if person is not None or runs:
        panels = _panels_for(user, person)
        if runs or panels.exists():
            page = Paginator(panels, PAGE_SIZE).get_page(request.GET.get("page"))
    reading = 0
    entries = []
    if person is not None:
        reading = Allocation.objects.filter(
            moderator__person=person, submission__panel__closed_at__isnull=True
        ).count()
        entries = list(
            Submission.objects.filter(
                Q(enrolment__person=person)
                | Q(enrolment__assessor=person, enrolment__status__in=Enrolment.CURRENT_STATUSES)
            )
            .select_related("panel", "enrolment__person")
            .order_by("-panel__held_on", "enrolment__person__full_name")[:PAGE_SIZE]
        )
    return render(
        request,
        "moderation/panel_list.html",
        {
            "page": page,
            "runs": runs,
            "may_add": allowed(user, "moderation.add_panel"),
            "reading": reading,
            "entries": entries,
            "today": timezone.localdate(),
        },
    )


# --- Setting up a panel (MOD-PANEL, MOD-POINTS) -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def panel_new(request):
    require(
        request.user,
        "moderation.add_panel",
        None,
        "The Professional Practice team sets up moderation panels.",
    )
    form = forms.PanelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel = services.set_up_panel(
                kind=data["kind"],
                held_on=data["held_on"],
                venue=data["venue"],
                seats=form.seats(),
                by=staff_member(request.user),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"{panel.title}: set up.")
            return redirect("moderation:panel_detail", pk=panel.pk)
    return render(
        request,
        "moderation/panel_form.html",
        {"form": form, "title": "Set up a moderation panel", "panel": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_edit(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(
        request.user,
        "moderation.change_panel",
        panel,
        "The chair, the deputy chair and the Professional Practice team change a panel.",
    )
    form = forms.PanelForm(request.POST or None, panel=panel)
    changes = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["held_on"] != panel.held_on:
            changes = services.deadline_changes(panel, data["held_on"])
        # MOD-SUBMIT: the chair sees what a move does to the deadlines before it is made.
        confirmed = request.POST.get("confirm_move") == data["held_on"].isoformat()
        if not changes or confirmed:
            try:
                services.change_panel(
                    panel=panel,
                    held_on=data["held_on"],
                    venue=data["venue"],
                    seats=form.seats(),
                    by=staff_member(request.user),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(request, "The panel is changed.")
                return redirect("moderation:panel_detail", pk=panel.pk)
    return render(
        request,
        "moderation/panel_form.html",
        {
            "form": form,
            "title": f"Change the {panel.title}",
            "panel": panel,
            "changes": changes,
            "confirm_move": form.cleaned_data["held_on"].isoformat() if changes else "",
        },
    )


def _manager_rows(panel, today):
    """Every place at the panel with what the chair needs to see, in a fixed number of
    queries (the code resolved to the NQSW: MOD-ANON allows it here)."""
    submissions = (
        panel.submissions.select_related(
            "enrolment__person",
            "enrolment__assessor",
            "enrolment__practice_group__service",
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("moderator__person", "form").order_by(
                    "pk"
                ),
            ),
            Prefetch("decisions", queryset=Decision.objects.order_by("-version")),
            # CAPABILITY: concerns and PiPs (learning's records, read through the
            # enrolment's reverse relation) are shown to the panel, and an open one puts
            # the portfolio on the fail-pathway agenda (MOD-FAIL-FULL).
            "enrolment__capability_concerns",
        )
        .order_by("enrolment__person__full_name", "pk")
    )
    rows = []
    for submission in submissions:
        submission.panel = panel
        allocations = list(submission.allocations.all())
        forms_done = 0
        concerns = []
        for allocation in allocations:
            form = _form_of(allocation)
            allocation.form_state = _form_state(form)
            if form is not None and form.is_complete:
                forms_done += 1
            if form is not None and form.concerns:
                concerns.append((allocation.moderator.display_name, form.concern_details))
        decisions = list(submission.decisions.all())
        capability = list(submission.enrolment.capability_concerns.all())
        rows.append(
            {
                "submission": submission,
                "capability": capability,
                "capability_open": any(c.is_unsettled for c in capability),
                "allocations": allocations,
                "forms_done": forms_done,
                "concerns": concerns,
                "decision": decisions[0] if decisions else None,
                "overdue": submission.is_overdue(today),
                "decide_when": services.when_decidable(
                    submission, allocated=len(allocations), forms_done=forms_done, today=today
                ),
            }
        )
    return rows


def _form_of(allocation):
    try:
        return allocation.form
    except ModerationForm.DoesNotExist:
        return None


def _form_state(form) -> str:
    if form is None:
        return "not started"
    return "complete" if form.is_complete else "draft"


@login_required
def panel_detail(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(
        request.user,
        "moderation.change_panel",
        panel,
        "Only the chair, the deputy chair and the Professional Practice team see the panel's "
        "list of NQSWs.",
    )
    today = timezone.localdate()
    # Everyone due at the meeting grows with the academy (issue 17): a page of them at a
    # time, all ticked; once entered they leave the list and the next ones move up.
    if panel.is_open:
        due_page = services.due_list(panel).page(request.GET.get("page"), PAGE_SIZE)
    else:
        due_page = Paginator([], PAGE_SIZE).get_page(1)
    return render(
        request,
        "moderation/panel_detail.html",
        {
            "panel": panel,
            "members": list(panel.members.all()),
            "missing_seats": services.missing_seats(panel),
            "rows": _manager_rows(panel, today),
            "date_changes": panel.date_changes.select_related("changed_by"),
            "enter_form": forms.EnterForm(due=due_page.object_list) if due_page else None,
            "page": due_page,
            "today": today,
            "chairs": chairs_panel(request.user, panel),
            "pdfs": panel.submissions.pdf_progress(),
        },
    )


@login_required
@require_POST
def panel_pdfs(request, pk):
    """Render every missing PDF of the panel's portfolios in the background (issue 17 item 4);
    the panel page shows how many are ready."""
    panel = get_panel_for_user(request.user, pk)
    require(request.user, "moderation.change_panel", panel, "You cannot render this panel's PDFs.")
    try:
        asked = services.request_panel_pdfs(panel=panel, by=staff_member(request.user))
    except ValidationError as e:
        _refused(request, e)
    else:
        if asked:
            messages.success(
                request,
                f"{asked} PDF(s) are being rendered in the background: reload this page to see "
                "how many are ready.",
            )
        else:
            messages.info(request, "Every submitted portfolio's PDF is ready or on its way.")
    return redirect("moderation:panel_detail", pk=panel.pk)


@login_required
@require_POST
def panel_enter(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(request.user, "moderation.change_panel", panel, "You cannot enter NQSWs.")
    # Only the ticked NQSWs are looked up: the form refuses any of them no longer due.
    ticked = [int(value) for value in request.POST.getlist("enrolments") if value.isdigit()]
    form = forms.EnterForm(request.POST, due=services.due_list(panel, among=ticked))
    if not form.is_valid():
        messages.error(request, "Choose the NQSWs to enter from the ones due.")
        return redirect("moderation:panel_detail", pk=panel.pk)
    try:
        entered = services.enter_for_panel(
            panel=panel, enrolments=form.chosen(), by=staff_member(request.user)
        )
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(request, f"{len(entered)} NQSW(s) entered, each with their code.")
    return redirect("moderation:panel_detail", pk=panel.pk)


@login_required
@require_POST
def panel_allocate(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(request.user, "moderation.change_panel", panel, "You cannot allocate portfolios.")
    try:
        result = services.allocate_automatically(panel=panel, by=staff_member(request.user))
    except ValidationError as e:
        _refused(request, e)
    else:
        text = (
            f"{len(result.allocations)} portfolio(s) allocated, {len(result.continued)} to the "
            "moderator who read them last time (MOD-ALLOCATE)."
        )
        if result.unallocated:
            text += f" {len(result.unallocated)} could not be: allocate them by hand."
        messages.success(request, text)
    return redirect("moderation:panel_detail", pk=panel.pk)


@login_required
@require_POST
def panel_close(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(request.user, "moderation.change_panel", panel, "You cannot close this panel.")
    try:
        services.close_panel(panel=panel, by=staff_member(request.user))
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(request, "The panel is closed: moderators can no longer read it.")
    return redirect("moderation:panel_detail", pk=panel.pk)


# --- The agenda (MOD-FAIL-FULL, MOD-ASSESSOR) -------------------------------------------------


def agenda_order(row) -> tuple:
    """Fail pathway (an open concern or PiP counts, CAPABILITY) first, then concerns, then
    the rest (MOD-FAIL-FULL), each by code."""
    submission = row["submission"]
    return (not on_fail_pathway(row), not row["concerns"], submission.code)


def on_fail_pathway(row) -> bool:
    return row["submission"].fail_pathway or row["capability_open"]


@login_required
def agenda(request, pk):
    panel = get_panel_for_user(request.user, pk)
    require(
        request.user,
        "moderation.change_panel",
        panel,
        "The agenda is for the chair, the deputy chair and the Professional Practice team.",
    )
    today = timezone.localdate()
    rows = _manager_rows(panel, today)
    items = sorted((r for r in rows if r["submission"].is_submitted), key=agenda_order)
    missing = [r for r in rows if not r["submission"].is_submitted]
    assessors = {}
    for row in items:
        enrolment = row["submission"].enrolment
        if enrolment.assessor_id:
            assessors.setdefault(enrolment.assessor_id, (enrolment.assessor, []))[1].append(
                row["submission"].code
            )
    return render(
        request,
        "moderation/agenda.html",
        {
            "panel": panel,
            "full": [r for r in items if on_fail_pathway(r) or r["concerns"]],
            "brief": [r for r in items if not (on_fail_pathway(r) or r["concerns"])],
            "missing": missing,
            "assessors": sorted(assessors.values(), key=lambda a: a[0].full_name),
            "today": today,
            "chairs": chairs_panel(request.user, panel),
        },
    )


# --- Reading and moderating (MOD-ANON, MOD-CHECKLIST) -----------------------------------------


@login_required
def reading_list(request):
    """The portfolios allocated to the user on open panels, by code only (MOD-ANON)."""
    person = person_of(request.user)
    rows = []
    if person is not None:
        allocations = (
            Allocation.objects.filter(
                moderator__person=person, submission__panel__closed_at__isnull=True
            )
            .select_related("submission__panel", "form")
            .order_by("submission__panel__held_on", "submission__code")
        )
        for allocation in allocations:
            allocation.form_state = _form_state(_form_of(allocation))
            rows.append(allocation)
    return render(
        request, "moderation/reading_list.html", {"rows": rows, "today": timezone.localdate()}
    )


def _my_allocation(submission, person):
    if person is None:
        return None
    return submission.allocations.filter(moderator__person=person).select_related("form").first()


@login_required
def read(request, code):
    submission = get_submission_for_user(request.user, code)
    require(request.user, "moderation.read_submission", submission, "You cannot read this.")
    allocation = _my_allocation(submission, person_of(request.user))
    return render(
        request,
        "moderation/read.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "facts": submission.snapshot,
            "sections": SNAPSHOT_SECTIONS,
            "allocation": allocation,
            "form_state": _form_state(_form_of(allocation)) if allocation else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_pdf(request, code):
    """GET: the anonymised PDF, named by the code. POST: ask again after a failed render."""
    submission = get_submission_for_user(request.user, code)
    require(request.user, "moderation.read_submission", submission, "You cannot read this.")
    if request.method == "POST":
        services.request_submission_pdf(submission=submission)
        return redirect("moderation:read", code=submission.code)
    if submission.pdf_status != PdfStatus.READY or not submission.pdf:
        return redirect("moderation:read", code=submission.code)
    return _download(submission.pdf, submission.pdf_name, "application/pdf")


def protected_time_answer(facts) -> str:
    """The checklist's "use of the 10% protected time", answered from the share recorded
    (PROTECTED-TIME) on the day of submission; the moderator may change it."""
    recorded = ((facts or {}).get("checklist") or {}).get("protected_time")
    if not recorded:
        return ""
    return Answer.YES if recorded.get("met") else Answer.NO


@login_required
@require_http_methods(["GET", "POST"])
def moderation_form(request, code):
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.add_moderationform",
        submission,
        "Only the moderators this portfolio is allocated to fill in a moderation form.",
    )
    person = person_of(request.user)
    allocation = _my_allocation(submission, person)
    existing = _form_of(allocation)
    form = forms.ModerationFormForm(
        request.POST or None,
        instance=existing
        or ModerationForm(
            allocation=allocation, protected_time=protected_time_answer(submission.snapshot)
        ),
    )
    decided = submission.decisions.exists()
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        try:
            services.record_form(
                allocation=allocation, by=person, values=form.values(), complete=complete
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request,
                f"Your form on {submission.code} is "
                + ("complete." if complete else "saved as a draft."),
            )
            return redirect("moderation:reading_list")
    return render(
        request,
        "moderation/moderation_form.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "facts": submission.snapshot,
            "form": form,
            "existing": existing,
            "decided": decided,
        },
    )


# --- Hand allocation, late portfolios, decisions (the chair's pages) --------------------------


def _enrolment_of(submission):
    """The NQSW behind a code, with the assessor and PM who may not moderate them
    (MOD-ALLOCATE): for the chair's pages only."""
    return Enrolment.objects.select_related(
        "person", "assessor", "practice_group__practice_manager"
    ).get(pk=submission.enrolment_id)


@login_required
@require_http_methods(["GET", "POST"])
def moderators(request, code):
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.allocate",
        submission,
        "The chair, the deputy chair and the Professional Practice team allocate portfolios.",
    )
    current = [a.moderator for a in submission.allocations.select_related("moderator")]
    form = forms.ModeratorsForm(
        request.POST or None, panel=submission.panel, initial={"moderators": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_moderators(
                submission=submission,
                moderators=form.cleaned_data["moderators"],
                by=staff_member(request.user),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"The moderators of {submission.code} are changed.")
            return redirect("moderation:panel_detail", pk=submission.panel_id)
    return render(
        request,
        "moderation/moderators.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "enrolment": _enrolment_of(submission),
            "form": form,
        },
    )


@login_required
@require_POST
def accept_late(request, code):
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.accept_late",
        submission,
        "Only the panel's chair accepts a late portfolio (MOD-SUBMIT).",
    )
    try:
        services.accept_late(submission=submission, by=staff_member(request.user))
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(
            request, f"{submission.code} may now be submitted late; it stays flagged as late."
        )
    return redirect("moderation:agenda", pk=submission.panel_id)


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, code):
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.record_decision",
        submission,
        "The panel's chair, deputy chair and the Professional Practice team record decisions.",
    )
    enrolment = (
        Enrolment.objects.select_related("person", "assessor", "practice_group")
        .filter(pk=submission.enrolment_id)
        .get()
    )
    versions = list(
        submission.decisions.select_related("recorded_by", "signed_off_by").order_by("-version")
    )
    latest = versions[0] if versions else None
    may_sign = allowed(request.user, "moderation.sign_off_decision", submission)
    form = forms.DecisionForm(
        request.POST or None,
        replaces_signed=latest is not None and latest.is_signed_off,
        may_sign=may_sign,
        initial={"verdict": latest.verdict, "reasons": latest.reasons} if latest else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                submission=submission,
                by=staff_member(request.user),
                verdict=data["verdict"],
                reasons=data["reasons"],
                change_reason=data.get("change_reason", ""),
                sign_off=data.get("sign_off", False),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, f"The decision on {submission.code} is recorded.")
            return redirect("moderation:decision", code=submission.code)
    moderation_forms = services.record_forms(submission)
    allocated = submission.allocations.count()
    return render(
        request,
        "moderation/decision.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "enrolment": enrolment,
            "forms": moderation_forms,
            "allocations": allocated,
            "decide_when": services.when_decidable(
                submission,
                allocated=allocated,
                forms_done=sum(1 for f in moderation_forms if f.is_complete),
                today=timezone.localdate(),
            ),
            "versions": versions,
            "latest": latest,
            "form": form,
            "may_sign": may_sign,
            "progression": ProgressionAuthorisation.objects.filter(
                decision__submission=submission
            ).first(),
        },
    )


@login_required
@require_POST
def sign_off(request, code):
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.sign_off_decision",
        submission,
        "Only the panel's chair signs decisions off (MOD-DECISION).",
    )
    draft = submission.decisions.filter(signed_off_at__isnull=True).first()
    if draft is None:
        messages.error(request, "There is no draft decision to sign off.")
    else:
        try:
            services.sign_off_decision(decision=draft, by=staff_member(request.user))
        except ValidationError as e:
            _refused(request, e)
        else:
            messages.success(request, f"The decision on {submission.code} is signed off.")
    return redirect("moderation:decision", code=submission.code)


@login_required
@require_http_methods(["GET", "POST"])
def progression(request, code):
    """PROGRESSION: after a signed final PASS the chair authorises pay progression."""
    submission = get_submission_for_user(request.user, code)
    require(
        request.user,
        "moderation.record_decision",
        submission,
        "Pay progression is for the panel's chair and the Professional Practice team.",
    )
    if request.method == "POST":
        require(
            request.user,
            "moderation.authorise_progression",
            submission,
            "Only the panel's chair authorises pay progression.",
        )
        try:
            services.authorise_progression(submission=submission, by=staff_member(request.user))
        except ValidationError as e:
            _refused(request, e)
        else:
            messages.success(request, "Pay progression is authorised.")
        return redirect("moderation:progression", code=submission.code)
    enrolment = Enrolment.objects.select_related("person").get(pk=submission.enrolment_id)
    latest = submission.decisions.order_by("-version").first()
    return render(
        request,
        "moderation/progression.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "enrolment": enrolment,
            "latest": latest,
            "authorisations": list(
                ProgressionAuthorisation.objects.filter(
                    decision__submission=submission
                ).select_related("authorised_by", "decision")
            ),
            "may_authorise": allowed(request.user, "moderation.authorise_progression", submission),
        },
    )


# --- The NQSW's side: submitting, and what the panel decided (MOD-SUBMIT, MOD-FORM) -----------


@login_required
def enrolment_moderation(request, pk):
    """The NQSW's places at panels, what the panels decided, and the moderation forms and
    pay progression added to the portfolio. Never the code (MOD-ANON)."""
    enrolment = get_portfolio_for_user(request.user, pk)
    submissions = list(
        enrolment.moderation_submissions.select_related("panel")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(signed_off_at__isnull=False).order_by("-version"),
                to_attr="signed",
            )
        )
        .order_by("panel__held_on")
    )
    return render(
        request,
        "moderation/enrolment_moderation.html",
        {
            "enrolment": enrolment,
            "submissions": submissions,
            "records": list(
                enrolment.moderation_records.select_related("submission__panel", "decision")
                .filter(status=PdfStatus.READY)
                .order_by("requested_at")
            ),
            "authorisations": list(
                enrolment.progression_authorisations.filter(status=PdfStatus.READY)
            ),
            "may_submit": allowed(request.user, "moderation.submit_portfolio", enrolment),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk, panel):
    enrolment = get_portfolio_for_user(request.user, pk)
    submission = get_object_or_404(
        Submission.objects.select_related("panel"), enrolment=enrolment, panel_id=panel
    )
    require(
        request.user,
        "moderation.submit_portfolio",
        enrolment,
        "The NQSW or their assessor submits the portfolio (MOD-SUBMIT).",
    )
    person = person_of(request.user)
    is_assessor = person is not None and enrolment.assessor_id == person.pk
    form = forms.SubmitForm(request.POST or None, assessor=is_assessor)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_portfolio(
                submission=submission,
                by=person,
                fail_pathway=form.cleaned_data.get("fail_pathway", False),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request, f"The portfolio is submitted for the {submission.panel.title}."
            )
            return redirect("moderation:enrolment_moderation", pk=enrolment.pk)
    return render(
        request,
        "moderation/submit.html",
        {
            "enrolment": enrolment,
            "submission": submission,
            "panel": submission.panel,
            "form": form,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET"])
def record_pdf(request, pk):
    """MOD-FORM: the moderation form in the NQSW's portfolio, for whoever reads it."""
    record = get_moderation_document_for_user(request.user, ModerationRecord, pk)
    return _download(
        record.file, f"moderation-form-{record.enrolment.person.staff_id}.pdf", "application/pdf"
    )


@login_required
@require_http_methods(["GET"])
def progression_pdf(request, pk):
    authorisation = get_moderation_document_for_user(request.user, ProgressionAuthorisation, pk)
    return _download(
        authorisation.file,
        f"pay-progression-{authorisation.enrolment.person.staff_id}.pdf",
        "application/pdf",
    )


# --- The external sample (MOD-EXTERNAL) -------------------------------------------------------


def _eligible_for_sample():
    """Portfolios the panel has moderated: submitted, with a signed-off decision."""
    return (
        Submission.objects.submitted()
        .filter(decisions__signed_off_at__isnull=False)
        .select_related("panel")
        .distinct()
        .order_by("-panel__held_on", "code")
    )


@login_required
def external_list(request):
    require(
        request.user,
        "moderation.export_sample",
        None,
        "The Professional Practice team exports samples for external moderation.",
    )
    samples = ExternalSample.objects.annotate(size=Count("items")).order_by("-created_at")
    page = Paginator(samples, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/external_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def external_new(request):
    require(
        request.user,
        "moderation.export_sample",
        None,
        "The Professional Practice team exports samples for external moderation.",
    )
    form = forms.ExternalSampleForm(request.POST or None, submissions=_eligible_for_sample())
    if request.method == "POST" and form.is_valid():
        try:
            sample = services.build_external_sample(
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                submissions=list(form.cleaned_data["submissions"]),
                by=staff_member(request.user),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, "The sample is being exported.")
            return redirect("moderation:external_detail", pk=sample.pk)
    return render(request, "moderation/external_new.html", {"form": form})


@login_required
def external_detail(request, pk):
    sample = get_external_sample_for_user(request.user, pk)
    items = sample.submissions.select_related("panel").order_by("code")
    return render(
        request, "moderation/external_detail.html", {"sample": sample, "items": list(items)}
    )


@login_required
@require_http_methods(["GET"])
def external_download(request, pk):
    sample = get_external_sample_for_user(request.user, pk)
    if sample.status != PdfStatus.READY or not sample.file:
        return redirect("moderation:external_detail", pk=sample.pk)
    return _download(sample.file, sample.zip_name, "application/zip")
