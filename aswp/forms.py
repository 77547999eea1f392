from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from academy.forms import StrictBooleanField
from academy.models import Person
from aswp.models import Application, AssessmentStep, Consultation, Decision, Round

DATE = forms.DateInput(attrs={"type": "date"})


class PlacesForm(forms.Form):
    places = forms.IntegerField(min_value=1, max_value=500, label="Number of ASWP places")
    effective_from = forms.DateField(label="From", widget=DATE)


class RoundForm(forms.ModelForm):
    interview_first = StrictBooleanField(label="Senior-management interview first", required=False)

    class Meta:
        model = Round
        fields = ["name", "opens_on", "closes_on", "interview_first", "panel"]
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = Person.objects.filter(
            role__in=[
                Person.Role.GROUP_MANAGER,
                Person.Role.PRINCIPAL_SOCIAL_WORKER,
                Person.Role.SERVICE_DEVELOPMENT_LEAD,
                Person.Role.LD_OFFICER,
            ]
        )


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["experience", "practice_reflection", "advanced_evidence"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in fields}


class StatementForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 8})}


class ShortlistForm(forms.Form):
    shortlisted = forms.TypedChoiceField(
        label="Outcome of the interview",
        choices=[("yes", "Shortlisted for assessment"), ("no", "Not shortlisted")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    panel = forms.CharField(label="Interview panel", max_length=300)
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class StartAssessmentForm(forms.Form):
    starts_on = forms.DateField(label="Assessment start", widget=DATE)


class StepForm(forms.ModelForm):
    class Meta:
        model = AssessmentStep
        fields = ["kind", "held_on", "seen", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self):
        # The service validates the step against its application (not on the form).
        pass


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["outcome", "reasons", "panel", "appointed_from"]
        widgets = {
            "outcome": forms.RadioSelect,
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "appointed_from": DATE,
        }
        labels = {"appointed_from": "ASWP from (if appointed)"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Decision.Outcome.APPOINTED and not cleaned.get(
            "appointed_from"
        ):
            self.add_error("appointed_from", "Give the date the ASWP role starts.")
        return cleaned

    def _post_clean(self):
        # The service validates the whole decision (the application is not on the form).
        pass


class ColleagueField(forms.ModelChoiceField):
    """A colleague typed by staff id or full name rather than picked from a list: the list
    would hold every member of staff, one option each, and grow with the academy (issue 17).
    A name shared by several colleagues asks for the staff id instead."""

    widget = forms.TextInput

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        found = list(
            self.queryset.filter(Q(staff_id__iexact=value) | Q(full_name__iexact=value))[:6]
        )
        by_id = [person for person in found if person.staff_id.lower() == value.lower()]
        if by_id:
            return by_id[0]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                "No colleague with that staff id or full name.", code="invalid_choice"
            )
        ids = ", ".join(person.staff_id for person in found[:5])
        raise ValidationError(
            "Several colleagues are called %(name)s: enter the staff id (%(ids)s).",
            code="ambiguous",
            params={"name": value, "ids": ids},
        )

    def prepare_value(self, value):
        if isinstance(value, Person):
            return value.staff_id
        return value


class ConsultationForm(forms.ModelForm):
    colleague = ColleagueField(
        queryset=Person.objects.none(),
        label="Colleague",
        help_text="Their staff id, or their full name.",
    )

    class Meta:
        model = Consultation
        fields = ["held_on", "colleague", "case_reference", "advice"]
        widgets = {"held_on": DATE, "advice": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, aswp=None, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = Person.objects.filter(user__is_active=True).exclude(
            role__in=[Person.Role.ADMIN]
        )
        if aswp is not None:
            colleagues = colleagues.exclude(pk=aswp.pk)
        self.fields["colleague"].queryset = colleagues

    def _post_clean(self):
        pass


class PeerSessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DATE)
    topic = forms.CharField(max_length=200)
    attended = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Who attended",
        required=False,
    )

    def __init__(self, *args, aswps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = aswps if aswps is not None else Person.objects.none()


class SupervisorForm(forms.Form):
    aswp = forms.ModelChoiceField(queryset=Person.objects.none(), label="ASWP")
    supervisor = forms.ModelChoiceField(
        queryset=Person.objects.filter(role=Person.Role.GROUP_MANAGER),
        label="Named supervisor (a service manager)",
    )
    from_date = forms.DateField(label="From", widget=DATE)

    def __init__(self, *args, aswps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aswp"].queryset = aswps if aswps is not None else Person.objects.none()
