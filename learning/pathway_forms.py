from django import forms
from django.utils import timezone

from academy.forms import StrictBooleanField
from cohorts.models import Cohort
from learning.models import Attendance, Concern, PathwayCourse

DATE = forms.DateInput(attrs={"type": "date"})


class CourseForm(forms.ModelForm):
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.order_by("-start_date"),
        help_text="OU trainees join the September cohort's courses before they qualify.",
    )

    class Meta:
        model = PathwayCourse
        fields = ["kind", "title", "held_on", "places", "cohort"]
        widgets = {"held_on": DATE}


class BookForm(forms.Form):
    enrolment = forms.ModelChoiceField(queryset=None, label="NQSW or OU trainee")

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments.select_related("person").order_by(
            "person__full_name"
        )
        self.fields["enrolment"].label_from_instance = lambda e: e.person.full_name


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices, label="Attendance")


class AbsenceVerdictForm(forms.Form):
    """TRAINING-MANDATORY: authorised or not, with a note when not."""

    authorised = StrictBooleanField(
        label="I authorise this absence", required=False, widget=forms.CheckboxInput
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you do not authorise it.",
    )


class AbsenceDecisionForm(AbsenceVerdictForm):
    as_role = forms.ChoiceField(label="Decide as", widget=forms.HiddenInput)

    field_order = ["as_role", "authorised", "note"]

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_role"].choices = [(role, role) for role in roles]


class AbsenceChangeForm(AbsenceVerdictForm):
    """A new verdict on an absence already decided, and why."""

    reason = forms.CharField(
        label="Why the decision changes", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConcernForm(forms.Form):
    enrolment = forms.ModelChoiceField(queryset=None, label="NQSW")
    what = forms.CharField(
        label="What is the concern about competence?", widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    raised_on = forms.DateField(label="Raised on", widget=DATE)

    def __init__(self, *args, enrolments, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("raised_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: e.person.full_name


class ReviewConcernForm(forms.Form):
    support = forms.CharField(
        label="Added support (ASYE assessor, Practice Improvement Team)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveConcernForm(forms.Form):
    resolved_on = forms.DateField(label="Resolved on", widget=DATE)


class StartPipForm(forms.Form):
    gm_advised_on = forms.DateField(label="Group manager advised on", widget=DATE)
    pip_started_on = forms.DateField(label="PiP started on", widget=DATE)


class PipOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Concern.Outcome.choices, label="PiP outcome")
    ended_on = forms.DateField(label="PiP ended on", widget=DATE)
    notes = forms.CharField(
        label="Outcome for the final assessment report", widget=forms.Textarea(attrs={"rows": 3})
    )


class MoveOnForm(forms.Form):
    destination = forms.ModelChoiceField(queryset=None, label="Main practice group")

    def __init__(self, *args, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = destinations
