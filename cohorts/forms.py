from django import forms

from cohorts.models import Extension


class ExtensionForm(forms.ModelForm):
    class Meta:
        model = Extension
        fields = ["reason", "first_day", "last_day", "notes"]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reason": "EXT-1: only sickness or absence longer than 6 weeks, or maternity leave.",
        }


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="Starters CSV",
        help_text=(
            "Columns: staff_id, full_name, email, role, service, office, practice_group, "
            "asye_start, programme, assessor_staff_id. Nothing is saved unless every row is valid."
        ),
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): say what would change, save nothing, send no invitations",
        required=False,
    )
