"""The Caseloads pages: the allocation board, a worker's caseload, requests and their
decisions (ALLOC-APPROVE), endings, the visit sign-off (VISIT-SIGNOFF) and the audit of a
caseload report. Every number comes from `caseloads.states` and `caseloads.rules`, so
the pages, the CSV and the audit command cannot disagree."""

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy import csvfiles
from academy.access import NOTHING, allowed, person_of, staff_member
from academy.models import Person
from academy.paging import narrow_page
from caseloads import audit, charts, services
from caseloads.access import (
    can_decide,
    decides_filter,
    decides_for,
    get_allocation_for_user,
    get_case_for_user,
)
from caseloads.board import (
    BOARD_COLUMNS,
    PAGE_SIZE,
    board_page,
    board_queryset,
    board_row,
    csv_rows,
    proposal,
)
from caseloads.forms import (
    AddExperiencedWorkerForm,
    AllocationRequestForm,
    ApproveForm,
    AuditForm,
    DeclineForm,
    EndForm,
    VisitSignOffForm,
)
from caseloads.models import Allocation, VisitSignOff
from caseloads.states import cap_table_all_versions, next_band, people_states, worker_states
from cohorts.access import get_enrolment_for_user, person_filter
from cohorts.models import Enrolment

Status = Allocation.Status


def _worker_url(user, person: Person) -> str | None:
    """The worker's caseload page, if they have a current enrolment `user` can see."""
    enrolment = (
        Enrolment.objects.visible_to(user).current().filter(person=person).only("pk").first()
    )
    return reverse("caseloads:worker", args=[enrolment.pk]) if enrolment else None


# --- The allocation board -------------------------------------------------------------------


def _without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query


@login_required
@require_GET
def board(request):
    filterset, page, rows, totals, today = board_page(request)
    return render(
        request,
        "caseloads/board.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "today": today,
            "breaches": totals["breaches"],
            "warnings": totals["warnings"],
            "waiting": totals["waiting"] or 0,
            "can_request": allowed(request.user, "caseloads.request_allocation"),
            "can_audit": allowed(request.user, "caseloads.audit_caseloads"),
            "query": _without_page(request),
        },
    )


class _Echo:
    """A file-like object csv.writer writes to, handing each line back (streaming)."""

    def write(self, value):
        return value


@login_required
@require_GET
def board_csv(request):
    filterset, found, today = board_queryset(request)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(BOARD_COLUMNS)
        # Chunked reads of the summaries: the whole academy is never in memory at once.
        for row in csv_rows(found):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caseloads-{today:%Y-%m-%d}.csv"'
    return response


# --- One worker's caseload ------------------------------------------------------------------


@login_required
@require_GET
def my_caseload(request):
    person = person_of(request.user)
    enrolment = Enrolment.objects.current().filter(person=person).first() if person else None
    if enrolment is None:
        raise Http404("You have no current enrolment.")
    return redirect("caseloads:worker", pk=enrolment.pk)


@login_required
@require_GET
def worker(request, pk):
    """A worker's caseload: what counts today, requests, history, findings and the chart."""
    enrolment = get_enrolment_for_user(request.user, pk)
    today = timezone.localdate()
    state = worker_states([enrolment], today)[0]
    allocations = list(
        Allocation.objects.filter(worker_id=enrolment.person_id)
        .select_related("case", "requested_by", "decided_by", "ended_by")
        .order_by("-start_date", "-pk")
    )
    counting = {a.pk for a in state.allocations}
    proposals = {p.allocation.pk: p for p in (proposal(state, a) for a in state.requests)}
    history = charts.caseload_history(enrolment, allocations, today)
    name = enrolment.person.full_name
    try:
        signoff = enrolment.visit_signoff  # loaded by worker_states
    except VisitSignOff.DoesNotExist:
        signoff = None
    return render(
        request,
        "caseloads/worker.html",
        {
            "enrolment": enrolment,
            "state": state,
            "row": board_row(state),
            "next_band": next_band(state, cap_table_all_versions()),
            "today": today,
            "current": [a for a in allocations if a.pk in counting],
            "upcoming": [
                a for a in allocations if a.status == Status.APPROVED and a.start_date > today
            ],
            "waiting": [
                (a, proposals.get(a.pk)) for a in allocations if a.status == Status.REQUESTED
            ],
            "past": [
                a
                for a in allocations
                if a.pk not in counting and a.status in (Status.ENDED, Status.DECLINED)
            ],
            "history": history,
            "chart_url": charts.as_data_url(
                charts.chart_svg(history, title=f"{name}: children held and the cap band")
            ),
            "signoff": signoff,
            "decides": decides_for(request.user, enrolment.person, enrolment=enrolment),
            "can_sign_off": signoff is None
            and allowed(request.user, "caseloads.sign_off_visits", enrolment),
            "signoff_form": VisitSignOffForm(),
            "can_request": allowed(request.user, "caseloads.request_allocation"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_off_visits(request, pk):
    """VISIT-SIGNOFF: the worker's PM records the date they may complete CP/CLA visits."""
    enrolment = get_enrolment_for_user(request.user, pk)
    if not allowed(request.user, "caseloads.sign_off_visits", enrolment):
        # They may see the worker, so it is no secret: say no plainly.
        raise PermissionDenied("Only the worker's practice manager or an administrator.")
    form = VisitSignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signoff = services.sign_off_visits(
                enrolment=enrolment,
                signed_by=staff_member(request.user),
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"VISIT-SIGNOFF recorded: {enrolment.person.full_name} may complete CP and "
                f"CLA visits from {signoff.signed_on:%d/%m/%Y}.",
            )
            return redirect("caseloads:worker", pk=enrolment.pk)
    return render(request, "caseloads/signoff_form.html", {"enrolment": enrolment, "form": form})


# --- Requests and decisions -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_allocation(request):
    """A practice manager or group manager asks for a case to go to an NQSW or trainee."""
    person = person_of(request.user)
    if person is None or not allowed(request.user, "caseloads.request_allocation"):
        raise Http404("No such page.")
    initial = {"worker": request.GET.get("worker")} if request.GET.get("worker") else {}
    form = AllocationRequestForm(request.POST or None, user=request.user, initial=initial)
    if form.needs_worker:
        query = request.GET.get("q", "")
        context = {"form": form, "query": query, "found": form.find_workers(query)}
        return render(request, "caseloads/request_find.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = form.request(requested_by=person)
        except ValidationError as e:
            # CaseloadRefused names each certain breach with its rule ID and numbers.
            form.add_error(None, e)
        else:
            enrolment = form.cleaned_data["worker"]
            pm = enrolment.practice_group.practice_manager
            messages.success(
                request,
                f"Requested: {allocation.case.reference} for {enrolment.person.full_name}. "
                f"It counts once {pm.full_name if pm else 'their practice manager'} "
                "approves it (ALLOC-APPROVE).",
            )
            return redirect("caseloads:allocation", pk=allocation.pk)
    return render(request, "caseloads/request_form.html", {"form": form})


def _decides(condition):
    """Whether the user decides each allocation, as an SQL value (`decides_filter`)."""
    if not condition:  # an administrator decides every request
        return Value(True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


@login_required
@require_GET
def requests(request):
    """Requests waiting for a decision: first those for the user to decide."""
    today = timezone.localdate()
    # Those the user decides first (in SQL, so a page of 25 needs only its own workers'
    # caseloads: issue 17), then oldest first; `can_decide` still sorts each row.
    waiting = (
        Allocation.objects.visible_to(request.user)
        .filter(status=Status.REQUESTED)
        .order_by("requested_at", "pk")
    )
    condition = decides_filter(request.user)
    if condition is not NOTHING:  # someone who decides none reads them on the index's order
        waiting = waiting.annotate(decides=_decides(condition)).order_by(
            "-decides", "requested_at", "pk"
        )
    # Sorted on the ids, then the page's rows read with their case and people: a group
    # manager's 3,339 waiting requests were joined to every case to keep 25 (issue 17).
    page = narrow_page(
        waiting,
        Allocation.objects.select_related("case", "worker", "requested_by"),
        request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    shown = page.object_list
    workers = list({a.worker_id: a.worker for a in shown}.values())
    states = {s.person.pk: s for s in people_states(workers, today)}
    mine, others = [], []
    for allocation in shown:
        state = states[allocation.worker_id]
        decides = can_decide(request.user, allocation, enrolment=state.enrolment)
        (mine if decides else others).append(proposal(state, allocation))
    return render(
        request,
        "caseloads/requests.html",
        {
            "mine": mine,
            "others": others,
            "page": page,
            "query": _without_page(request),
            "today": today,
            "can_request": allowed(request.user, "caseloads.request_allocation"),
        },
    )


def _allocation_page(request, allocation, *, approve_form=None, decline_form=None, refused=None):
    today = timezone.localdate()
    preview = None
    if allocation.status == Status.REQUESTED:
        # The approval's own first check: the caseload on the later of today and the start.
        on = max(today, allocation.start_date)
        preview = proposal(people_states([allocation.worker], on)[0], allocation)
    decides = allowed(request.user, "caseloads.decide_allocation", allocation)
    companion = None
    if allocation.decided_with_id:
        companion = (
            Allocation.objects.select_related("worker", "case").filter(
                pk=allocation.decided_with_id
            )
        ).first()
    # The approval's checks refuse for certain: offer no button, say why instead.
    certain = list(preview.refusals) if preview else []
    if companion is not None and companion.status == Status.REQUESTED:
        on = max(today, companion.start_date)
        certain += proposal(people_states([companion.worker], on)[0], companion).refusals
    return render(
        request,
        "caseloads/allocation.html",
        {
            "allocation": allocation,
            "companion": companion,
            "can_approve": not certain,
            "certain_refusals": certain,
            "preview": preview,
            "refused": refused,
            "decides": decides,
            "approve_form": approve_form or ApproveForm(),
            "decline_form": decline_form or DeclineForm(),
            "worker_url": _worker_url(request.user, allocation.worker),
            "today": today,
        },
    )


@login_required
@require_GET
def allocation(request, pk):
    return _allocation_page(request, get_allocation_for_user(request.user, pk))


def _decision(request, pk):
    """The allocation and the deciding person, or 404 / 403."""
    found = get_allocation_for_user(request.user, pk)
    if not allowed(request.user, "caseloads.decide_allocation", found):
        # They may see the allocation, so it is no secret: say no plainly.
        raise PermissionDenied(
            "ALLOC-APPROVE: only the academy practice manager of the worker's team, or an "
            "administrator, decides."
        )
    return found, staff_member(request.user)


@login_required
@require_POST
def approve(request, pk):
    found, person = _decision(request, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            approved = services.approve_allocation(
                allocation=found, decided_by=person, reason=form.note_for(found)
            )
        except services.CaseloadRefused as refusal:
            # The request stays waiting; the page names each rule and its numbers.
            return _allocation_page(request, found, approve_form=form, refused=refusal.findings)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"Approved: {approved.case.reference} is on {approved.worker.full_name}'s "
                f"caseload from {approved.start_date:%d/%m/%Y}.",
            )
            return redirect("caseloads:requests")
    return _allocation_page(request, found, approve_form=form)


@login_required
@require_POST
def decline(request, pk):
    found, person = _decision(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            declined = services.decline_allocation(
                allocation=found, decided_by=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"Declined: {declined.case.reference} for {declined.worker.full_name}. "
                "The request stays on record.",
            )
            return redirect("caseloads:requests")
    return _allocation_page(request, found, decline_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def end_allocation(request, pk):
    """Record a closure or transfer: the allocation stays on record as ended."""
    found = get_allocation_for_user(request.user, pk)
    if not allowed(request.user, "caseloads.end_allocation", found):
        raise PermissionDenied("Only the worker's practice manager or an administrator.")
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.end_allocation(
                allocation=found,
                ended_by=staff_member(request.user),
                end_date=form.cleaned_data["end_date"],
                end_reason=form.end_reason(),
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"Ended: {ended.case.reference} leaves {ended.worker.full_name}'s caseload "
                f"after {ended.end_date:%d/%m/%Y}.",
            )
            url = _worker_url(request.user, ended.worker)
            return redirect(url or reverse("caseloads:allocation", args=[ended.pk]))
    return render(request, "caseloads/end_form.html", {"allocation": found, "form": form})


# --- One case and everyone on it -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case(request, pk):
    """Everyone on a case (SOLE-CP-CLA), and a form to ask for an experienced worker."""
    found = get_case_for_user(request.user, pk)
    can_add = allowed(request.user, "caseloads.request_allocation")
    form = None
    if can_add:
        form = AddExperiencedWorkerForm(request.POST or None, user=request.user, case=found)
    elif request.method == "POST":
        raise PermissionDenied("Only a practice manager, group manager or administrator asks.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.add_experienced_worker(
                case=found,
                worker=data["worker"],
                role=data["role"],
                start_date=data["start_date"],
                requested_by=staff_member(request.user),
                reason=data["reason"],
                backdated_reason=data["backdated_reason"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"Requested: {added.worker.full_name} on {found.reference}. It counts once "
                "the practice manager approves it (ALLOC-APPROVE).",
            )
            return redirect("caseloads:case", pk=found.pk)
    allocations = list(
        found.allocations.select_related(
            "worker", "requested_by", "decided_by", "ended_by"
        ).order_by("-start_date", "pk")
    )
    return render(
        request,
        "caseloads/case.html",
        {"case": found, "allocations": allocations, "form": form, "can_add": can_add},
    )


# --- The caseload audit ---------------------------------------------------------------------


@dataclass(frozen=True)
class AuditReport:
    as_of: date
    rows: int
    people: int
    findings: list[audit.AuditFinding]  # those about people the user may see
    hidden: int  # findings about people outside the user's teams

    @property
    def breaches(self) -> int:
        return sum(1 for f in self.findings if f.finding.is_breach)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.breaches


@login_required
@require_http_methods(["GET", "POST"])
def audit_upload(request):
    """The caseload report checked against the rules (caseloads.audit, the same code as
    `manage.py caseload_audit`). Reads the database, changes nothing."""
    if not allowed(request.user, "caseloads.audit_caseloads"):
        raise Http404("No such page.")
    form = AuditForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST" and form.is_valid():
        as_of = form.cleaned_data["as_of"]
        try:
            rows = form.rows()
            found = audit.audit(rows, as_of)
        except csvfiles.CSVRejected as rejected:
            problems = rejected.errors
        else:
            staff_ids = {row.staff_id for row in rows}
            # The report covers whole services: show findings only about people the user
            # may see, and say how many others there were.
            visible = set(
                Person.objects.filter(person_filter(request.user))
                .filter(staff_id__in=staff_ids)
                .values_list("staff_id", flat=True)
            )
            shown = [f for f in found if f.staff_id in visible]
            report = AuditReport(as_of, len(rows), len(staff_ids), shown, len(found) - len(shown))
    return render(
        request,
        "caseloads/audit.html",
        {"form": form, "report": report, "problems": problems, "columns": audit.COLUMNS},
    )
