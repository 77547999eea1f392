from decimal import Decimal

from django import forms

from cohorts.models import Cohort
from learning.models import (
    CreditsState,
    EvidenceKind,
    LearningTimeKind,
    MashDay,
    MashRota,
    Workshop,
)


class ProposeRotaForm(forms.ModelForm):
    class Meta:
        model = MashRota
        fields = ["starts_on", "weeks"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"starts_on": "From", "weeks": "Number of weeks"}

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day.weekday() != 0:
            raise forms.ValidationError(
                "A rota runs in whole weeks from a Monday (MASH-ROTA).", code="monday"
            )
        return day

    def clean_weeks(self):
        weeks = self.cleaned_data["weeks"]
        if weeks < 1 or weeks > 52:
            raise forms.ValidationError("A rota is 1 to 52 weeks long.", code="weeks")
        return weeks


class MoveDayForm(forms.ModelForm):
    class Meta:
        model = MashDay
        fields = ["date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        labels = {"date": "New MASH day"}


class OpportunityDoneForm(forms.Form):
    """LEARNING-OPPS: done, with a date and evidence of one kind."""

    done_on = forms.DateField(label="Done on", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.ChoiceField(label="Evidence", choices=EvidenceKind.choices)
    case_reference = forms.CharField(
        label="Case reference (for an allocation)", required=False, max_length=30
    )
    observation = forms.ModelChoiceField(label="Direct observation", queryset=None, required=False)
    reflection_log = forms.ModelChoiceField(
        label="Critical reflection log", queryset=None, required=False
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        # The NQSW's own records only, through the enrolment (this app imports no assessment).
        self.fields["observation"].queryset = enrolment.observations.all()
        self.fields["reflection_log"].queryset = enrolment.reflection_logs.all()


class StudyRequestForm(forms.Form):
    """STUDY-DAYS: the NQSW's (or trainee's) request, in whole or half days."""

    first_day = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.DecimalField(
        label="Days",
        min_value=Decimal("0.5"),
        max_value=60,
        decimal_places=1,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    reason = forms.CharField(
        label="What the study is for", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if (days * 2) % 1:
            raise forms.ValidationError("Ask for whole or half days (STUDY-DAYS).", code="half")
        return days


class StudyDecisionForm(forms.Form):
    decision_note = forms.CharField(label="Note (optional)", required=False, max_length=2000)


class StudyAllowanceForm(forms.Form):
    """STUDY-DAYS: a trainee's university figures for an academic year."""

    academic_year = forms.IntegerField(
        label="Academic year starting in", min_value=2000, max_value=2100
    )
    modules = forms.IntegerField(label="Modules (Open University)", min_value=0, max_value=10)
    study_weeks = forms.IntegerField(
        label="Weeks of study leave (OU) or university study weeks (Chichester)",
        min_value=0,
        max_value=52,
    )


class CreditsForm(forms.Form):
    """WORKSHOPS: the optional 10 Masters-level credits."""

    state = forms.ChoiceField(label="Credits", choices=CreditsState.choices)
    on = forms.DateField(
        label="Date (submitted or awarded)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LearningTimeForm(forms.Form):
    """PROTECTED-TIME: time spent on learning and development, recorded by hand."""

    kind = forms.ModelChoiceField(label="Kind", queryset=LearningTimeKind.objects.all())
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label="Hours (empty: the kind's default length)",
        required=False,
        min_value=Decimal("0.5"),
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    what = forms.CharField(label="What", max_length=200)


class WorkshopForm(forms.ModelForm):
    """WORKSHOPS: one of the three days for a cohort, with its date and venue."""

    cohort = forms.ModelChoiceField(queryset=Cohort.objects.order_by("-start_date", "name"))

    class Meta:
        model = Workshop
        fields = ["theme", "cohort", "held_on", "place"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"theme": "Workshop", "held_on": "Date", "place": "Venue"}


class RescheduleWorkshopForm(forms.Form):
    """WORKSHOPS: a new date (or venue) before the day, and why."""

    held_on = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="Venue", max_length=200)
    reason = forms.CharField(
        label="Why it moves",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the workshop's history.",
    )
