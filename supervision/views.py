import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from academy.access import allowed, get_practice_group_for_user, person_of, staff_member
from academy.forms import one_time_form
from academy.spreadsheets import csv_cell
from cohorts.access import get_enrolment_for_user
from cohorts.models import Enrolment
from supervision import cowork, feeds, services
from supervision.access import get_session_for_user
from supervision.forms import GroupSessionForm, OneToOneForm, SupportForm
from supervision.models import (
    CalendarFeed,
    schedule_for,
)
from supervision.overview import CSV_COLUMNS, csv_queryset, csv_values, overview_page


@login_required
@require_GET
def overview(request):
    filterset, page, rows, counts, today = overview_page(request)
    person = person_of(request.user)
    for enrolment, _ in rows:
        # The row's "Record a 1:1" link; the rule needs no query (practice_group is loaded).
        enrolment.can_record = allowed(request.user, "supervision.add_session", enrolment)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/overview.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "today": today,
            "counts": counts,
            "led_groups": person.led_groups.all() if person else [],
            "can_record_assessor_session": allowed(
                request.user, "supervision.add_assessor_session"
            ),
            "query": query,
        },
    )


class _Echo:
    """A file-like object csv.writer writes to, handing each line back (streaming)."""

    def write(self, value):
        return value


@login_required
@require_GET
def overview_csv(request):
    found, today = csv_queryset(request)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for values in csv_values(found):
            yield writer.writerow([csv_cell(value) for value in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="supervision-{today:%Y-%m-%d}.csv"'
    return response


@login_required
def my_record(request):
    person = person_of(request.user)
    enrolment = Enrolment.objects.current().filter(person=person).first() if person else None
    if enrolment is None:
        raise Http404("You have no current enrolment.")
    return redirect("supervision:record", pk=enrolment.pk)


@login_required
def record(request, pk):
    """One worker's supervision record: next due date, planned dates, history."""
    enrolment = get_enrolment_for_user(request.user, pk)
    today = timezone.localdate()
    plan = schedule_for(enrolment, today=today)
    history = enrolment.supervision_attendances.select_related("session__supervisor").order_by(
        "-session__held_on", "-session__start_time"
    )
    return render(
        request,
        "supervision/record.html",
        {
            "enrolment": enrolment,
            "plan": plan,
            "today": today,
            "history": history,
            "support": enrolment.supervision_support.select_related("recorded_by"),
            "cowork_warnings": cowork.warnings_for(enrolment, today=today),
            "can_record": allowed(request.user, "supervision.add_session", enrolment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def record_session(request, pk):
    """A PM records a 1:1 (or a joint supervision of a co-worked case) for one worker."""
    enrolment = get_enrolment_for_user(request.user, pk)
    if not allowed(request.user, "supervision.add_session", enrolment):
        # They may see the enrolment, so it is no secret: say no plainly.
        raise PermissionDenied("Only the worker's practice manager or an administrator.")
    recorded_by = staff_member(request.user)
    form = OneToOneForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_one_to_one(
                enrolment=enrolment,
                recorded_by=recorded_by,
                kind=form.cleaned_data["kind"],
                **form.content(),
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"{session.get_kind_display()} on {session.held_on:%d/%m/%Y} recorded "
                f"for {enrolment.person.full_name}.",
            )
            return redirect("supervision:record", pk=enrolment.pk)
    return render(request, "supervision/session_form.html", {"enrolment": enrolment, "form": form})


def _group_form_page(request, *, form, title, intro, cancel_url, record):
    if request.method == "POST" and form.is_valid():
        try:
            session = record(form)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            present = sum(1 for _, attended in form.attendance() if attended)
            messages.success(
                request,
                f"{session.get_kind_display()} on {session.held_on:%d/%m/%Y} recorded: "
                f"{present} of {len(form.enrolments)} attended.",
            )
            return redirect("supervision:session_detail", pk=session.pk)
    return render(
        request,
        "supervision/group_session_form.html",
        {"form": form, "title": title, "intro": intro, "cancel_url": cancel_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def record_group_session(request, group_pk):
    """A PM records one group supervision for their whole practice group (SUP-GROUP)."""
    group = get_practice_group_for_user(request.user, group_pk)
    if not allowed(request.user, "supervision.add_group_session", group):
        raise PermissionDenied("Only the group's practice manager or an administrator.")
    recorded_by = staff_member(request.user)
    enrolments = (
        Enrolment.objects.current()
        .filter(practice_group=group)
        .select_related("person", "practice_group", "cohort__programme")
        .order_by("person__full_name")
    )
    form = GroupSessionForm(request.POST or None, enrolments=enrolments)
    return _group_form_page(
        request,
        form=form,
        title=f"Record a PM group supervision for {group.name}",
        intro=(
            "SUP-GROUP: reflection, links from the pathway training to practice, and peer "
            "support. In weeks 1-6 a group supervision counts towards SUP-WEEKLY for "
            "everyone who attended; from week 7 only 1:1s count towards the frequency."
        ),
        cancel_url=reverse("supervision:overview"),
        record=lambda f: services.record_group_session(
            group=group,
            recorded_by=recorded_by,
            attendance=f.attendance(),
            **f.content(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def record_assessor_session(request):
    """An assessor records a group session for the NQSWs they assess (SUP-GROUP)."""
    if not allowed(request.user, "supervision.add_assessor_session"):
        raise Http404("No such page.")
    assessor = person_of(request.user)
    enrolments = (
        Enrolment.objects.current()
        .filter(assessor=assessor)
        .select_related("person", "cohort__programme")
        .order_by("person__full_name")
    )
    form = GroupSessionForm(request.POST or None, enrolments=enrolments)
    return _group_form_page(
        request,
        form=form,
        title="Record an assessor group session",
        intro=(
            "SUP-GROUP: a session on completing the portfolio and gathering evidence. It is "
            "part of each NQSW's record but does not count towards the 1:1 frequency."
        ),
        cancel_url=reverse("supervision:overview"),
        record=lambda f: services.record_assessor_session(
            assessor=assessor, attendance=f.attendance(), **f.content()
        ),
    )


@login_required
def session_detail(request, pk):
    session = get_session_for_user(request.user, pk)
    visible = set(
        Enrolment.objects.visible_to(request.user)
        .filter(supervision_attendances__session=session)
        .values_list("pk", flat=True)
    )
    register = session.attendances.select_related("enrolment__person").order_by(
        "enrolment__person__full_name"
    )
    # An assessor's group brings NQSWs of several teams together: the register shows the
    # viewer only those they may see (issue 15 item 7). Whoever ran or recorded the session
    # has the whole register they took.
    person = person_of(request.user)
    ran_it = person is not None and person.pk in (session.supervisor_id, session.recorded_by_id)
    if not ran_it:
        register = register.filter(enrolment__in=visible)
    hidden = session.attendances.count() - len(register)
    return render(
        request,
        "supervision/session_detail.html",
        {"session": session, "register": register, "visible": visible, "hidden": hidden},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_support(request, pk):
    """SUP-THREE-WEEKLY: the PM records, with a reason, that 1:1s stay fortnightly."""
    enrolment = get_enrolment_for_user(request.user, pk)
    if not allowed(request.user, "supervision.add_supportrecord", enrolment):
        raise PermissionDenied("Only the worker's practice manager or an administrator.")
    recorded_by = staff_member(request.user)
    initial = {"from_date": enrolment.month_starts_on(9) or timezone.localdate()}
    form = SupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_support(
                enrolment=enrolment,
                recorded_by=recorded_by,
                **form.cleaned_data,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"Recorded: {enrolment.person.full_name} keeps fortnightly 1:1 supervision "
                f"from {form.cleaned_data['from_date']:%d/%m/%Y}.",
            )
            return redirect("supervision:record", pk=enrolment.pk)
    return render(request, "supervision/support_form.html", {"enrolment": enrolment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Anyone manages their own private calendar feed URL: create, regenerate, revoke."""
    person = person_of(request.user)
    if person is None:
        raise Http404("No staff profile.")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            services.regenerate_feed(person=person)
            messages.success(request, "Your new calendar URL is below; any old one has stopped.")
        elif action == "revoke":
            services.revoke_feed(person=person)
            messages.success(request, "Your calendar URL has been revoked.")
        else:
            return HttpResponse("Unknown action.", status=400)
        return redirect("supervision:feed_settings")
    feed = services.live_feed(person)
    url = (
        request.build_absolute_uri(reverse("supervision:feed", args=[feed.token])) if feed else None
    )
    return render(request, "supervision/feed_settings.html", {"feed": feed, "feed_url": url})


@never_cache
@require_GET
def feed(request, token):
    """The private feed: the token is the credential, so no login (calendar apps have none)."""
    found = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("person__user")
        .first()
    )
    # Gone once its owner is deactivated or has changed their password (issue 15 item 8).
    if found is None or not found.serves():
        raise Http404("No such calendar.")
    response = HttpResponse(
        feeds.calendar_for(found.person), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="supervision.ics"'
    return response
