from django import forms

from assessment.models import (
    PLANNED_REVIEW_FIELDS,
    AssessorFeedback,
    DevelopmentPlan,
    DirectObservation,
    Framework,
    PracticeFeedback,
    Recommendation,
    ReflectionLog,
    Review,
    SelfAssessmentRating,
    SupportAgreement,
    WrittenWork,
    review_kind,
)
from cohorts.models import Programme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class EvidenceFieldsMixin:
    """One group of checkboxes per framework in force: the statements a record evidences.

    The frameworks come in with their elements prefetched, so the form costs no queries.
    """

    def add_element_fields(self, frameworks, selected=()):
        selected = {e.pk for e in selected}
        self._elements = {}
        self.element_field_names = []
        for framework in frameworks:
            name = f"elements_{framework.code.lower()}"
            if name in self.fields:  # two versions of one framework across the programme
                name = f"{name}_{framework.pk}"
            elements = list(framework.elements.all())
            self._elements.update({str(e.pk): e for e in elements})
            # A portfolio that straddles a change offers both versions, each with its dates.
            when = f", {framework.in_force_label}" if framework.in_force_label else ""
            self.fields[name] = forms.MultipleChoiceField(
                label=f"{framework.name} ({framework.version}{when}): what this evidences "
                "(EVIDENCE)",
                choices=[(str(e.pk), e.label) for e in elements],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[str(e.pk) for e in elements if e.pk in selected],
            )
            self.element_field_names.append(name)

    def elements(self) -> list:
        return [
            self._elements[pk]
            for name in self.element_field_names
            for pk in self.cleaned_data.get(name, [])
        ]

    def record_values(self) -> dict:
        """The cleaned values for the record itself, without the checkboxes."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.element_field_names and name != "change_reason"
        }


class EvidenceModelForm(EvidenceFieldsMixin, forms.ModelForm):
    def __init__(self, *args, frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        selected = self.instance.elements.all() if self.instance.pk else ()
        self.add_element_fields(frameworks, selected)


class ObservationForm(EvidenceModelForm):
    class Meta:
        model = DirectObservation
        fields = ["observed_on", "setting", "case_reference", "what_observed", "feedback"]
        widgets = {"observed_on": DATE, "what_observed": _text(6), "feedback": _text(6)}


class ObservationReflectionForm(forms.ModelForm):
    class Meta:
        model = DirectObservation
        fields = ["nqsw_reflection"]
        widgets = {"nqsw_reflection": _text(8)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nqsw_reflection"].required = True


class ReflectionLogForm(EvidenceModelForm):
    class Meta:
        model = ReflectionLog
        fields = ["period", "title", "written_on", "case_reference", "reflection"]
        widgets = {"written_on": DATE, "reflection": _text(12)}
        help_texts = {
            "period": "NAT-EVIDENCE asks for a critical reflection at 6 and at 12 months.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.assessor_feedback.exists():
            # LOGS: a change after the assessor's feedback is a new version with its reason.
            self.fields["change_reason"] = forms.CharField(
                label="Why are you changing this log?",
                help_text=(
                    "LOGS: your assessor has given feedback on this log, so the change is "
                    f"recorded as version {self.instance.version + 1} and your assessor is "
                    "told it changed."
                ),
                widget=_text(3),
            )


class AssessorFeedbackForm(forms.ModelForm):
    class Meta:
        model = AssessorFeedback
        fields = ["given_on", "feedback"]
        widgets = {"given_on": DATE, "feedback": _text(8)}


class PracticeFeedbackForm(EvidenceModelForm):
    class Meta:
        model = PracticeFeedback
        fields = ["received_on", "given_by_role", "case_reference", "feedback", "nqsw_reflection"]
        widgets = {"received_on": DATE, "feedback": _text(6), "nqsw_reflection": _text(6)}


class WrittenWorkForm(EvidenceModelForm):
    class Meta:
        model = WrittenWork
        fields = ["kind", "title", "completed_on", "case_reference", "summary", "nqsw_reflection"]
        widgets = {"completed_on": DATE, "summary": _text(6), "nqsw_reflection": _text(6)}


class WrittenWorkAssessmentForm(forms.ModelForm):
    class Meta:
        model = WrittenWork
        fields = ["assessed_on", "assessor_comments"]
        widgets = {"assessed_on": DATE, "assessor_comments": _text(8)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


class EvidenceMapForm(EvidenceFieldsMixin, forms.Form):
    def __init__(self, *args, frameworks=(), selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_element_fields(frameworks, selected)


class SelfAssessmentForm(forms.Form):
    """NAT-SELF: a rating and an optional note for every statement of the standard."""

    completed_on = forms.DateField(label="Completed on", widget=DATE)
    reflection = forms.CharField(label="Overall reflection", widget=_text(6), required=False)

    def __init__(self, *args, standard, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = []
        ratings = {r.element_id: r for r in existing.ratings.all()} if existing else {}
        if existing is not None:
            self.initial.setdefault("completed_on", existing.completed_on)
            self.initial.setdefault("reflection", existing.reflection)
        for element in standard.elements.all():
            current = ratings.get(element.pk)
            self.fields[f"rating_{element.pk}"] = forms.TypedChoiceField(
                label=f"{standard.code} {element.number}. {element.title}",
                choices=SelfAssessmentRating.Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=current.rating if current else None,
            )
            self.fields[f"note_{element.pk}"] = forms.CharField(
                label=f"Note on {standard.code} {element.number}",
                widget=_text(2),
                required=False,
                initial=current.note if current else "",
            )
            self.statements.append(element)

    def ratings(self) -> dict:
        return {
            element: (
                self.cleaned_data[f"rating_{element.pk}"],
                self.cleaned_data.get(f"note_{element.pk}", ""),
            )
            for element in self.statements
        }


class DevelopmentPlanForm(forms.ModelForm):
    class Meta:
        model = DevelopmentPlan
        fields = ["agreed_on", "learning_needs", "actions", "support"]
        widgets = {
            "agreed_on": DATE,
            "learning_needs": _text(6),
            "actions": _text(6),
            "support": _text(4),
        }


class VersionedFormMixin:
    """A change after sign-off needs its reason (the service says when)."""

    def __init__(self, *args, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["change_reason"]
        field.required = needs_reason
        field.widget = _text(3)
        if not needs_reason:
            del self.fields["change_reason"]

    def record_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "change_reason"}


class AgreementForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SupportAgreement
        fields = [
            "agreed_on",
            "three_month_review_on",
            "six_month_review_on",
            "nine_month_review_on",
            "final_review_on",
            "panel_on",
            "supervision_frequency",
            "workload_protection",
            "protected_time",
            "other_support",
            "change_reason",
        ]
        widgets = {
            "agreed_on": DATE,
            "three_month_review_on": DATE,
            "six_month_review_on": DATE,
            "nine_month_review_on": DATE,
            "final_review_on": DATE,
            "panel_on": DATE,
            "supervision_frequency": _text(3),
            "workload_protection": _text(4),
            "protected_time": _text(4),
            "other_support": _text(3),
        }

    def __init__(self, *args, points=None, planned=None, **kwargs):
        """`points`: the enrolment's programme's ProgrammePoints (issue 14). A point with no
        field of its own (the ECDP's 12- and 18-month reviews) gets a date field, in month
        order before the final review; the 9-month field goes when the programme has no
        month-10 point. `planned`: those points' current dates, {Review.kind: date}."""
        super().__init__(*args, **kwargs)
        self.points = list(points) if points is not None else None
        self.planned_fields = {}  # {form field name: Review.kind}
        if self.points is None:
            return
        planned = planned or {}
        kinds = {review_kind(p.month): p for p in sorted(self.points, key=lambda p: p.month)}
        if Review.Kind.NINE_MONTHS not in kinds:
            del self.fields["nine_month_review_on"]
        for kind, point in kinds.items():
            if kind in PLANNED_REVIEW_FIELDS:
                continue
            name = f"planned_{kind}"
            self.fields[name] = forms.DateField(
                label=f"{point.label} (optional)" if point.optional else point.label,
                required=not point.optional,
                widget=DATE,
                initial=planned.get(kind),
                help_text=f"Leave empty when no {point.label} is planned."
                if point.optional
                else "",
            )
            self.planned_fields[name] = kind
        order = list(self.fields)
        order.remove("final_review_on")
        order.insert(order.index("panel_on"), "final_review_on")
        for name in self.planned_fields:
            order.remove(name)
            order.insert(order.index("final_review_on"), name)
        self.order_fields(order)

    def planned(self) -> dict:
        """The dates of the points with no field of their own, {Review.kind: date or None}."""
        return {kind: self.cleaned_data.get(name) for name, kind in self.planned_fields.items()}

    def record_values(self) -> dict:
        values = super().record_values()
        return {k: v for k, v in values.items() if k not in self.planned_fields}

    def _post_clean(self):
        super()._post_clean()
        if self.points is None or self.errors:
            return
        # The same rule the service applies (one place), shown on the point's own field.
        errors = self.instance.planned_order_errors(
            {k: v for k, v in self.planned().items() if v is not None}, self.points
        )
        for kind, message in errors.items():
            self.add_error(f"planned_{kind}", message)


class ReviewForm(VersionedFormMixin, EvidenceFieldsMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["held_on", "progress", "nqsw_comments", "next_steps", "change_reason"]
        widgets = {
            "held_on": DATE,
            "progress": _text(10),
            "nqsw_comments": _text(4),
            "next_steps": _text(4),
        }

    def __init__(self, *args, frameworks=(), selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_element_fields(frameworks, selected)

    def record_values(self) -> dict:
        return EvidenceFieldsMixin.record_values(self)


class RecommendationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["outcome", "rationale", "change_reason"]
        widgets = {"outcome": forms.RadioSelect, "rationale": _text(10)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Recommendation.Outcome.choices


class FrameworkImportForm(forms.Form):
    """The admin's "Import a framework" (issue 14): the same as `manage.py import_framework`."""

    file = forms.FileField(
        help_text=(
            "A .json or .csv file, UTF-8. CSV columns: number, title, summary, statement. "
            "Nothing is saved unless every row is valid."
        )
    )
    name = forms.CharField(max_length=200)
    version = forms.CharField(max_length=40)
    in_force_from = forms.DateField(
        widget=DATE, help_text="The first day records are mapped to it (EVIDENCE)."
    )
    code = forms.CharField(
        max_length=10, required=False, help_text="Short name; empty: the name's initials."
    )
    kind = forms.ChoiceField(choices=Framework.Kind.choices, initial=Framework.Kind.STANDARD)
    source = forms.CharField(max_length=200, required=False)
    replaces = forms.ModelChoiceField(
        Framework.objects.all(),
        required=False,
        help_text="The framework this one takes over from: it stays in force until the day above.",
    )
    programmes = forms.ModelMultipleChoiceField(
        Programme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The programmes assessed against it; none: every programme.",
    )
