import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from academy.forms import StrictBooleanField
from learning.models import PathwayCourse
from supervision.models import (
    CASE_REFERENCE_MESSAGE,
    CASE_REFERENCE_PATTERN,
    Session,
    SupportRecord,
    validate_supervision_date,
)
from supervision.services import normalise_case_references

Kind = Session.Kind


class CaseReferencesField(forms.CharField):
    """Case references separated by spaces or commas; each one checked like a case's own
    reference, so a name typed here is refused rather than stored."""

    default_error_messages = {"invalid": CASE_REFERENCE_MESSAGE}

    def to_python(self, value):
        return normalise_case_references(super().to_python(value) or "")

    def validate(self, value):
        super().validate(value)
        bad = [ref for ref in value.split() if not re.match(CASE_REFERENCE_PATTERN, ref)]
        if bad:
            # The refused text is not repeated back: it may be a child's name.
            raise ValidationError(
                "%(count)s item(s) are not case references. " + CASE_REFERENCE_MESSAGE,
                code="invalid",
                params={"count": len(bad)},
            )


class SessionContentForm(forms.Form):
    """What every supervision record holds (SUP-CONTENT)."""

    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="Start time (UK time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="SUP-CONTENT: the reflection on practice.",
    )
    training_to_practice = forms.CharField(
        label="Link from recent training to practice",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="SUP-CONTENT: which recent training, and how it will change practice.",
    )
    appreciative_inquiry = StrictBooleanField(
        label="Appreciative Inquiry was used", required=False, help_text="SUP-CONTENT."
    )
    course = forms.ModelChoiceField(
        label="Pathway course discussed",
        queryset=PathwayCourse.objects.none(),
        required=False,
        help_text="SUP-CONTENT: the training course linked to practice, if any.",
    )
    actions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    case_references = CaseReferencesField(
        label="Case references discussed",
        required=False,
        max_length=500,
        help_text="References only (e.g. CIN-20413), separated by spaces. Never names.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # Courses already held, the latest first (the training is "recent").
        self.fields["course"].queryset = PathwayCourse.objects.filter(
            held_on__lte=timezone.localdate()
        ).order_by("-held_on", "title")

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in SessionContentForm.base_fields}


class OneToOneForm(SessionContentForm):
    kind = forms.ChoiceField(
        label="Kind of supervision",
        choices=[(Kind.ONE_TO_ONE, Kind.ONE_TO_ONE.label), (Kind.JOINT, Kind.JOINT.label)],
        initial=Kind.ONE_TO_ONE,
        widget=forms.RadioSelect,
    )

    field_order = ["kind"]

    def __init__(self, *args, enrolment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment

    def clean_held_on(self):
        # Checked with the field, so a bad date is reported in the same response as every
        # other error rather than only once the rest is right (issue 10 item 13).
        held_on = self.cleaned_data["held_on"]
        try:
            validate_supervision_date(held_on, enrolment=self.enrolment, today=timezone.localdate())
        except ValidationError as error:
            raise ValidationError(error.message_dict["held_on"]) from error
        return held_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.JOINT and not cleaned.get("case_references"):
            self.add_error(
                "case_references",
                "COWORK-LEAD: a joint supervision names the co-worked case's reference.",
            )
        return cleaned


class GroupSessionForm(SessionContentForm):
    """A group session with a register: one "attended" box per worker, ticked by default."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for enrolment in self.enrolments:
            self.fields[self.register_name(enrolment)] = StrictBooleanField(
                label=enrolment.person.full_name, required=False, initial=True
            )

    @staticmethod
    def register_name(enrolment) -> str:
        return f"attended_{enrolment.pk}"

    def register_fields(self):
        return [self[self.register_name(enrolment)] for enrolment in self.enrolments]

    def content_fields(self):
        return [self[name] for name in SessionContentForm.base_fields]

    def attendance(self):
        return [
            (enrolment, self.cleaned_data[self.register_name(enrolment)])
            for enrolment in self.enrolments
        ]


class SupportForm(forms.ModelForm):
    class Meta:
        model = SupportRecord
        fields = ["from_date", "until", "reason"]
        widgets = {
            "from_date": forms.DateInput(attrs={"type": "date"}),
            "until": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "from_date": "SUP-THREE-WEEKLY: 1:1 supervision stays fortnightly from this date.",
        }
