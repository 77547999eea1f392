from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from academy import csvfiles
from academy.access import sees_every_cohort
from academy.forms import LongSelect
from academy.models import Person, Service
from caseloads import audit, rules, services
from caseloads.models import REFERENCE_MESSAGE, REFERENCE_PATTERN, Allocation, Case
from cohorts.models import Enrolment, Extension
from cohorts.months import phase

# The case-management system's exports are small; this is far above any academy's.
MAX_AUDIT_BYTES = 2 * 1024 * 1024

# More workers than a drop-down is usable for (a group manager's whole service): the
# request form then finds the worker by name or staff ID first, and its page costs the same
# for a service of 300 or 3,000 (issue 17).
LONG_WORKER_LIST = 60
FOUND_WORKERS = 25  # matches shown for one search


def _date_input():
    # An HTML date input reads and writes ISO dates whatever the locale's format is.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def worker_label(full_name: str, kind: str, group_name: str) -> str:
    kind = "NQSW" if kind == Enrolment.Kind.ASYE else "trainee"
    return f"{full_name} ({kind}, {group_name})"


def worker_choices(enrolments, on: date) -> list[tuple[int, str]]:
    """(pk, label) of the enrolments still before or in their ASYE on `on`, in their order.

    Read as plain values, not instances: a GM's list is every worker of the service, and
    building each one with their person, group, programme and extensions made the form
    grow with the academy (issue 17). The phase is still cohorts' own rule (MONTH-3)."""
    rows = list(
        enrolments.values_list(
            "pk",
            "kind",
            "asye_start",
            "end_date",
            "cohort__programme__length_months",
            "person__full_name",
            "practice_group__name",
        )
    )
    shifts = Extension.shifts_by_enrolment(row[0] for row in rows)
    return [
        (pk, worker_label(full_name, kind, group_name))
        for pk, kind, start, ended, length, full_name, group_name in rows
        if phase(start, on, shifts[pk], ended=ended, length=length) != rules.AFTER
    ]


class WorkerChoiceField(forms.ModelChoiceField):
    """An NQSW or trainee of `queryset` still before or in their ASYE on `on`: a completed
    ASYE is an experienced worker's, asked for as the experienced worker, not as an NQSW.
    The choices shown are `worker_choices`; the one sent is read as an instance and judged
    again, so the form accepts exactly what it offers."""

    widget = LongSelect
    on = None  # today, unless `offer` names the day

    def offer(self, enrolments, *, on: date, shown=None) -> None:
        """Accept any of `enrolments`; list those of `shown` (by default all of them)."""
        self.queryset = enrolments
        self.on = on
        listed = enrolments if shown is None else shown
        self.choices = [("", self.empty_label), *worker_choices(listed, on)]

    def to_python(self, value):
        enrolment = super().to_python(value)
        if enrolment is not None and enrolment.phase(self.on) == rules.AFTER:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return enrolment

    def label_from_instance(self, enrolment):
        return worker_label(
            enrolment.person.full_name, enrolment.kind, enrolment.practice_group.name
        )


class ExperiencedWorkerField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name} ({person.get_role_display()})"


def experienced_workers(user):
    """The workers who may stand as the experienced worker (services.COMPANION_ROLES) in
    the services of the NQSWs and trainees `user` sees."""
    found = Person.objects.filter(role__in=services.COMPANION_ROLES)
    if not sees_every_cohort(user):
        seen = Enrolment.objects.visible_to(user).current().values("practice_group__service")
        found = found.filter(Q(practice_group__service__in=seen) | Q(service__in=seen))
    return found.select_related("practice_group").order_by("full_name", "pk")


def BACKDATED_REASON():  # noqa: N802 - one field definition shared by two forms
    return forms.CharField(
        label="Why it starts in the past (if backdated)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "ALLOC-BACKDATED: a start more than 14 days before today needs a reason; it is "
            "then shown as backdated."
        ),
    )


class CaseReferenceField(forms.CharField):
    def to_python(self, value):
        # References are upper case in the case-management system; a name fails the
        # pattern in either case, and the error never repeats it.
        return super().to_python(value).upper()


class AllocationRequestForm(forms.Form):
    """ALLOC-APPROVE: a request for a case to go to an NQSW or trainee, for their PM to
    decide. The case is the one already recorded under its reference, or a new one."""

    worker = WorkerChoiceField(
        queryset=Enrolment.objects.none(),
        help_text="The NQSWs and trainees you can see.",
    )
    role = forms.ChoiceField(
        choices=Allocation.Role.choices,
        initial=Allocation.Role.ALLOCATED,
        widget=forms.RadioSelect,
        help_text="Co-working counts towards the caseload too (CAP-COUNT).",
    )
    case_reference = CaseReferenceField(
        max_length=20,
        validators=[RegexValidator(REFERENCE_PATTERN, REFERENCE_MESSAGE)],
        help_text="The case-management reference only (e.g. CIN-20413): never a name.",
    )
    case_type = forms.ChoiceField(choices=Case.CaseType.choices)
    children = forms.IntegerField(
        label="Number of children",
        min_value=1,
        max_value=20,
        help_text="Caseloads are counted in children (CAP-COUNT).",
    )
    service = forms.ModelChoiceField(queryset=Service.objects.all(), empty_label=None)
    start_date = forms.DateField(widget=_date_input())
    backdated_reason = BACKDATED_REASON()
    companion = ExperiencedWorkerField(
        label="Together with (experienced worker)",
        required=False,
        queryset=Person.objects.none(),
        help_text=(
            "SOLE-CP-CLA: in ASYE months 1-6 a CP or CLA case needs an experienced "
            "registered social worker on it. Both are asked for together and decided as one."
        ),
    )
    companion_role = forms.ChoiceField(
        label="The experienced worker's role",
        choices=Allocation.Role.choices,
        initial=Allocation.Role.ALLOCATED,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the practice manager: why this worker, and any support planned.",
    )

    FOUND_WORKERS = FOUND_WORKERS  # for the find page's "only the first ..." line

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        current = (
            Enrolment.objects.visible_to(user)
            .current()
            .select_related("person", "practice_group", "cohort__programme")
            .prefetch_related("extensions")
            .order_by("person__full_name", "pk")
        )
        self.current = current
        self.on = timezone.localdate()
        self.long_list = current[: LONG_WORKER_LIST + 1].count() > LONG_WORKER_LIST
        shown = None
        if self.long_list:
            chosen = str(self.data.get("worker") or self.initial.get("worker") or "")
            shown = current.filter(pk=chosen) if chosen.isdigit() else current.none()
        self.fields["worker"].offer(current, on=self.on, shown=shown)
        self.fields["companion"].queryset = experienced_workers(user)

    @property
    def has_workers(self) -> bool:
        return len(self.fields["worker"].choices) > 1  # more than the empty choice

    @property
    def needs_worker(self) -> bool:
        """A long list with no worker chosen yet: the worker is found first."""
        return self.long_list and not self.is_bound and not self.has_workers

    def find_workers(self, query: str) -> list[tuple[int, str]]:
        """(pk, label) of up to FOUND_WORKERS workers the form offers whose name holds
        `query`, or whose staff ID it is."""
        query = query.strip()
        if not query:
            return []
        matches = self.current.filter(
            Q(person__full_name__icontains=query) | Q(person__staff_id__iexact=query)
        )
        # Twice as many read: those past their programme are dropped by worker_choices.
        return worker_choices(matches[: FOUND_WORKERS * 2], self.on)[:FOUND_WORKERS]

    def clean(self):
        cleaned = super().clean()
        reference = cleaned.get("case_reference")
        if reference and not self.errors:
            case = Case.objects.filter(reference=reference).select_related("service").first()
            recorded = case and (case.case_type, case.children, case.service_id)
            wanted = (cleaned["case_type"], cleaned["children"], cleaned["service"].pk)
            if case and recorded != wanted:
                # One case, one set of facts: another worker's caseload counts them too,
                # so they are corrected in the admin, not by a request.
                raise ValidationError(
                    "Case %(reference)s is already recorded as %(case_type)s with "
                    "%(children)s child(ren) in %(service)s. Ask for it as recorded, or "
                    "ask an administrator to correct the case.",
                    code="case_differs",
                    params={
                        "reference": reference,
                        "case_type": case.case_type,
                        "children": case.children,
                        "service": case.service,
                    },
                )
        return cleaned

    def request(self, *, requested_by: Person) -> Allocation:
        """Record the request (and the case, if new) or raise, leaving nothing behind:
        CaseloadRefused for a certain breach (S47-TRAINEE, S47-EARLY, G10-NO-OWN),
        ValidationError for a live allocation already on the case."""
        data = self.cleaned_data
        with transaction.atomic():
            case, _ = Case.objects.get_or_create(
                reference=data["case_reference"],
                defaults={
                    "case_type": data["case_type"],
                    "children": data["children"],
                    "service": data["service"],
                },
            )
            return services.request_allocation(
                case=case,
                worker=data["worker"].person,
                role=data["role"],
                start_date=data["start_date"],
                requested_by=requested_by,
                reason=data["reason"],
                backdated_reason=data["backdated_reason"],
                companion=data["companion"],
                companion_role=data["companion_role"] or Allocation.Role.COWORKER,
            )


class AddExperiencedWorkerForm(forms.Form):
    """SOLE-CP-CLA: an experienced worker asked for on a case already recorded."""

    worker = ExperiencedWorkerField(
        label="Experienced worker",
        queryset=Person.objects.none(),
        help_text="A Grade 10/11 SW, social worker or ASWP in the case's service.",
    )
    role = forms.ChoiceField(
        choices=Allocation.Role.choices,
        initial=Allocation.Role.COWORKER,
        widget=forms.RadioSelect,
    )
    start_date = forms.DateField(widget=_date_input())
    backdated_reason = BACKDATED_REASON()
    reason = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = experienced_workers(user).filter(
            Q(practice_group__service=case.service) | Q(service=case.service)
        )


class DecisionForm(forms.Form):
    """A decision's note. An allocation has one note, so the requester's is kept and the
    decider's added after it."""

    heading = ""

    def note_for(self, allocation: Allocation) -> str:
        note = self.cleaned_data["reason"].strip()
        if not note:
            return ""  # the services then keep the request's note as it is
        return "\n\n".join(filter(None, [allocation.reason, f"{self.heading}: {note}"]))


class ApproveForm(DecisionForm):
    prefix = "approve"  # shares the page with DeclineForm: distinct field ids
    heading = "Approved"
    reason = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Added to the request's note, e.g. the support agreed.",
    )


class DeclineForm(DecisionForm):
    prefix = "decline"
    heading = "Declined"
    reason = forms.CharField(
        label="Why the request is declined",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the decision, apart from the request's note; the requester "
        "and the worker see it.",
    )


class EndForm(forms.Form):
    """The ending of an approved allocation: recorded with its reason, never deleted."""

    HOW = [
        ("Closure", "The case closed"),
        ("Transfer", "Transferred to another worker or team"),
        ("Other", "Other"),
    ]

    how = forms.ChoiceField(label="How it ends", choices=HOW, widget=forms.RadioSelect)
    end_date = forms.DateField(
        label="Last day on the case",
        widget=_date_input(),
        help_text="The worker holds the case up to and including this day.",
    )
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. the outcome, or who the case went to (staff, not family names).",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("end_date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def end_reason(self) -> str:
        return f"{self.cleaned_data['how']}: {self.cleaned_data['details'].strip()}"


class VisitSignOffForm(forms.Form):
    signed_on = forms.DateField(
        label="Date of the sign-off",
        widget=_date_input(),
        help_text="VISIT-SIGNOFF: from this date the worker may complete CP and CLA visits.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise ValidationError("A sign-off is recorded once it has been given, not ahead.")
        return signed_on


class AuditForm(forms.Form):
    """The caseload report from the case-management system, checked as on a date."""

    file = forms.FileField(
        label="Caseload report (CSV)",
        help_text="Columns: case_ref, case_type, children, staff_id, role; one row per "
        "worker on a case.",
    )
    as_of = forms.DateField(label="As of", widget=_date_input())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("as_of", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_AUDIT_BYTES:
            raise ValidationError("The file is larger than 2 MB; is it the caseload report?")
        try:
            return csvfiles.decode(upload.read())
        except csvfiles.NotUTF8:
            raise ValidationError("The file is not UTF-8 text; save it as CSV UTF-8.") from None

    def rows(self) -> list[audit.SnapshotRow]:
        """The report's rows; raises csvfiles.CSVRejected naming each row and column."""
        return audit.read_snapshot(self.cleaned_data["file"])
