from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from academy import csvfiles, invitations
from academy.access import allowed, person_of, staff_member
from academy.forms import one_time_form
from academy.navigation import enrolment_links
from academy.paging import narrow_page
from cohorts import importing, services
from cohorts.access import get_enrolment_for_user, get_people_import_for_user
from cohorts.filters import EnrolmentFilter
from cohorts.forms import ExtensionForm, PeopleImportForm
from cohorts.models import Enrolment, Extension


@login_required
def enrolment_list(request):
    visible = Enrolment.objects.visible_to(request.user).for_listing()
    # Always bound: with no status chosen the filter shows the current enrolments.
    filterset = EnrolmentFilter(request.GET, queryset=visible, user=request.user)
    # Sorted on the ids and names only, then the page's 50 read with their joins: a group
    # manager's 3,350 enrolments were joined six ways to keep 50 (issue 17).
    # The pk after the name, so that namesakes cannot swap between pages.
    ordered = filterset.qs.order_by(*Enrolment._meta.ordering, "pk")
    page = narrow_page(
        ordered, Enrolment.objects.for_listing(), request.GET.get("page"), per_page=50
    )
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
    """The upload form. The file is imported by a background task (issue 17 item 5: a
    national file takes longer than a web worker may run); the page redirects to its status."""
    if not allowed(request.user, "academy.import_people"):
        raise Http404("No such page.")
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            text = csvfiles.decode(form.cleaned_data["file"].read())
        except csvfiles.NotUTF8:
            form.add_error("file", "The file is not UTF-8 text; save it as CSV UTF-8.")
        else:
            people_import = services.queue_people_import(
                text=text,
                dry_run=form.cleaned_data["dry_run"],
                uploaded_by=request.user,
                base_url=invitations.site_url(request),
            )
            return redirect("cohorts:import_status", pk=people_import.pk)
    return render(request, "cohorts/import_people.html", {"form": form})


# How often the status page of a running import reloads itself.
IMPORT_REFRESH_SECONDS = 2


@login_required
@require_http_methods(["GET"])
def import_status(request, pk):
    """How far the background import of an uploaded file has got, then its report or its
    row errors (the same as the form page showed when it imported inline)."""
    people_import = get_people_import_for_user(request.user, pk)
    uploader = person_of(people_import.uploaded_by)
    return render(
        request,
        "cohorts/import_status.html",
        {
            "people_import": people_import,
            "uploaded_by": uploader.full_name if uploader else people_import.uploaded_by,
            "dry_run": people_import.dry_run,
            "report": importing.ImportReport(**people_import.report)
            if people_import.report
            else None,
            "errors": [csvfiles.RowError(**error) for error in people_import.errors],
            "refresh_seconds": IMPORT_REFRESH_SECONDS,
        },
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
