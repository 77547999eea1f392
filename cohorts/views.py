from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from academy import csvfiles, invitations
from academy.access import allowed, staff_member
from academy.forms import one_time_form
from academy.navigation import enrolment_links
from cohorts import importing, services
from cohorts.access import get_enrolment_for_user
from cohorts.filters import EnrolmentFilter
from cohorts.forms import ExtensionForm, PeopleImportForm
from cohorts.models import Enrolment, Extension


@login_required
def enrolment_list(request):
    visible = Enrolment.objects.visible_to(request.user).for_listing()
    # Always bound: with no status chosen the filter shows the current enrolments.
    filterset = EnrolmentFilter(request.GET, queryset=visible, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cohorts/enrolment_list.html",
        {"filter": filterset, "page": page, "enrolments": page.object_list, "query": query},
    )


@login_required
def enrolment_detail(request, pk):
    enrolment = get_enrolment_for_user(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "cohorts/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "can_record_extension": allowed(request.user, "cohorts.add_extension", enrolment),
            "history": enrolment.history.select_related("history_user")[:20],
            # EXT-1: each recorded absence's dates, and every change made to them.
            "absences": Extension.objects.filter(enrolment=enrolment).select_related("approved_by"),
            "away": enrolment.absence_on(today),
            "extension_history": Extension.history.filter(enrolment_id=enrolment.pk)
            .select_related("history_user")
            .order_by("-history_date")[:20],
            # Each feature's records of this person, only those the viewer may open.
            "record_links": enrolment_links(request.user, enrolment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def record_extension(request, pk):
    enrolment = get_enrolment_for_user(request.user, pk)
    if not allowed(request.user, "cohorts.add_extension", enrolment):
        # They may see the enrolment, so it is no secret: say no plainly.
        raise PermissionDenied("Only the worker's practice manager or an administrator.")
    approved_by = staff_member(request.user)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.record_extension(
                enrolment=enrolment,
                approved_by=approved_by,
                **form.cleaned_data,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            # Read the enrolment again: the one in hand has the old extensions prefetched.
            enrolment = get_enrolment_for_user(request.user, pk)
            messages.success(
                request,
                f"Extension of {extension.months} month(s) recorded; "
                f"the ASYE now ends on {enrolment.planned_end():%d/%m/%Y}.",
            )
            return redirect("cohorts:enrolment_detail", pk=enrolment.pk)
    return render(request, "cohorts/extension_form.html", {"enrolment": enrolment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    if not allowed(request.user, "academy.import_people"):
        raise Http404("No such page.")
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    report = errors = None
    dry_run = False
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            text = csvfiles.decode(form.cleaned_data["file"].read())
        except csvfiles.NotUTF8:
            form.add_error("file", "The file is not UTF-8 text; save it as CSV UTF-8.")
        else:
            try:
                report = importing.import_people_csv(
                    text, dry_run=dry_run, base_url=invitations.site_url(request)
                )
            except csvfiles.CSVRejected as rejected:
                errors = rejected.errors
    return render(
        request,
        "cohorts/import_people.html",
        {"form": form, "report": report, "errors": errors, "dry_run": dry_run},
    )


@login_required
@require_http_methods(["GET"])
def import_template(request):
    """The starters CSV to fill in, with example rows (issue 10 item 12)."""
    if not allowed(request.user, "academy.import_people"):
        raise Http404("No such page.")
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="starters-template.csv"'
    return response
