from django import forms

from learning.models import MashDay, MashRota


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
