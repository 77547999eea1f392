from django import forms

from academy.forms import StrictBooleanField
from academy.models import Person, PracticeGroup
from cohorts.models import ProgrammePoint
from moderation import points
from moderation.models import (
    OTHER_REVIEWS,
    Answer,
    Decision,
    ExternalSample,
    ModerationForm,
    Panel,
    PanelMember,
)
from moderation.services import Seat, due_enrolments

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def panel_kinds() -> list[tuple[str, str]]:
    """MOD-POINTS: the 6-month and final panels, and one for each other month a programme
    marks moderated (cohorts.ProgrammePoint, issue 14: the ECDP's 12-month review)."""
    others = {}
    rows = (
        ProgrammePoint.objects.filter(moderated=True)
        .exclude(month=points.SIX_MONTHS_MONTH)
        .order_by("month", "programme__name")
        .values_list("month", "programme__name")
    )
    for month, programme in rows:
        others.setdefault(month, []).append(programme)
    six, final = Panel.Kind.choices
    return [
        six,
        *(
            (
                points.kind_for_month(m),
                f"{points.kind_label(points.kind_for_month(m))} (month {m}: {', '.join(names)})",
            )
            for m, names in others.items()
        ),
        final,
    ]


def _people(*roles):
    return Person.objects.filter(role__in=roles).order_by("full_name")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.get_role_display()})"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        service = f", {obj.service.short_name}" if obj.service_id else ""
        return f"{obj.full_name}{service}"


class PanelForm(forms.Form):
    """A panel and its members in their MOD-PANEL roles."""

    kind = forms.ChoiceField(
        label="Kind of panel (MOD-POINTS)", choices=Panel.Kind.choices, widget=forms.RadioSelect
    )
    held_on = forms.DateField(label="Meeting date", widget=DATE)
    venue = forms.CharField(max_length=200, required=False)
    chair = PersonChoice(
        queryset=_people(Person.Role.PRINCIPAL_SOCIAL_WORKER, Person.Role.SERVICE_DEVELOPMENT_LEAD),
        help_text="MOD-PANEL: the Principal Social Worker (or the deputy standing in).",
    )
    deputy_chair = PersonChoice(
        queryset=_people(Person.Role.SERVICE_DEVELOPMENT_LEAD),
        help_text="MOD-PANEL: the Service Development Lead – Professional Practice.",
    )
    ld_officers = PeopleChoice(
        label="Learning and Development Officer(s), Professional Practice",
        queryset=_people(Person.Role.LD_OFFICER),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sdl_adults = PeopleChoice(
        label="Service Development Lead – Adult Services",
        queryset=_people(Person.Role.ADULT_SERVICES_LEAD),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    group_managers = PeopleChoice(
        label="Group managers from services with an academy team",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # MOD-PANEL's external members: chosen from those with a sign-in (who then read their
    # allocated portfolios in the app), or named (who read the PDFs they are sent).
    service_user_person = PersonChoice(
        label="Service user member (with a sign-in)",
        queryset=_people(Person.Role.EXTERNAL_PANEL_MEMBER),
        required=False,
    )
    service_user = forms.CharField(
        label="Service user member (name, if they have no sign-in)", max_length=150, required=False
    )
    service_user_organisation = forms.CharField(
        label="Service user member (organisation)", max_length=150, required=False
    )
    university_person = PersonChoice(
        label="University member (with a sign-in)",
        queryset=_people(Person.Role.EXTERNAL_PANEL_MEMBER),
        required=False,
    )
    university = forms.CharField(
        label="University member (name, if they have no sign-in)", max_length=150, required=False
    )
    university_organisation = forms.CharField(
        label="University member (organisation)", max_length=150, required=False
    )

    def __init__(self, *args, panel: Panel | None = None, **kwargs):
        if panel is not None:
            kwargs.setdefault("initial", self.initial_for(panel))
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = panel_kinds()
        services = PracticeGroup.objects.values("service_id")
        self.fields["group_managers"].queryset = (
            _people(Person.Role.GROUP_MANAGER)
            .filter(service_id__in=services)
            .select_related("service")
        )
        if panel is not None:
            # The kind of a panel is what it moderates: set once.
            self.fields["kind"].disabled = True

    @staticmethod
    def initial_for(panel: Panel) -> dict:
        members = list(panel.members.all())

        def people(role):
            return [m.person for m in members if m.role == role]

        def named(role):
            found = [m for m in members if m.role == role]
            if not found:
                return None, "", ""
            return found[0].person, found[0].name, found[0].organisation

        service_user_person, service_user, service_user_organisation = named(
            PanelMember.Role.SERVICE_USER
        )
        university_person, university, university_organisation = named(PanelMember.Role.UNIVERSITY)
        return {
            "kind": panel.kind,
            "held_on": panel.held_on,
            "venue": panel.venue,
            "chair": panel.chair,
            "deputy_chair": panel.deputy_chair,
            "ld_officers": people(PanelMember.Role.LD_OFFICER),
            "sdl_adults": people(PanelMember.Role.SDL_ADULTS),
            "group_managers": people(PanelMember.Role.GROUP_MANAGER),
            "service_user_person": service_user_person,
            "service_user": service_user,
            "service_user_organisation": service_user_organisation,
            "university_person": university_person,
            "university": university,
            "university_organisation": university_organisation,
        }

    def clean(self):
        data = super().clean()
        for field, who in [("service_user", "service user"), ("university", "university")]:
            if data.get(f"{field}_person") and (data.get(field) or "").strip():
                self.add_error(
                    field,
                    f"MOD-PANEL: the {who} member sits either with their sign-in or by name; "
                    "leave the name empty when you choose them above.",
                )
        return data

    def seats(self) -> list[Seat]:
        data = self.cleaned_data
        seats = [
            Seat(PanelMember.Role.CHAIR, data["chair"]),
            Seat(PanelMember.Role.DEPUTY_CHAIR, data["deputy_chair"]),
        ]
        for field, role in [
            ("ld_officers", PanelMember.Role.LD_OFFICER),
            ("sdl_adults", PanelMember.Role.SDL_ADULTS),
            ("group_managers", PanelMember.Role.GROUP_MANAGER),
        ]:
            seats += [Seat(role, person) for person in data[field]]
        for field, role in [
            ("service_user", PanelMember.Role.SERVICE_USER),
            ("university", PanelMember.Role.UNIVERSITY),
        ]:
            if data[f"{field}_person"]:
                seats.append(
                    Seat(
                        role,
                        data[f"{field}_person"],
                        organisation=data[f"{field}_organisation"],
                    )
                )
            elif data[field].strip():
                seats.append(
                    Seat(role, name=data[field], organisation=data[f"{field}_organisation"])
                )
        return seats


class EnterForm(forms.Form):
    """Which of the NQSWs due for the panel to enter (MOD-POINTS)."""

    enrolments = forms.MultipleChoiceField(
        label="NQSWs due for this panel", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, due=(), **kwargs):
        """`due`: `services.due_list` rows (a page of them, on the panel page)."""
        super().__init__(*args, **kwargs)
        self.due = {str(d.enrolment_id): d for d in due}
        self.fields["enrolments"].choices = [
            (str(d.enrolment_id), f"{d.name}, {d.team} (due {d.reached:%d/%m/%Y})") for d in due
        ]
        self.fields["enrolments"].initial = list(self.due)

    def chosen(self):
        """The chosen NQSWs' enrolments, as `enter_for_panel` takes them."""
        return due_enrolments(int(pk) for pk in self.cleaned_data["enrolments"])


class ModeratorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_role_display()})"


class ModeratorsForm(forms.Form):
    """Who moderates one portfolio, adjusted by hand (MOD-ALLOCATE)."""

    moderators = ModeratorChoice(
        queryset=PanelMember.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, panel: Panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderators"].queryset = (
            panel.members.filter(person__isnull=False, role__in=list(PanelMember.MODERATOR_ROLES))
            .select_related("person")
            .order_by("person__full_name")
        )


class SubmitForm(forms.Form):
    confirm = StrictBooleanField(
        label="The portfolio is ready: freeze it as it is now and send it to the panel.",
    )
    fail_pathway = StrictBooleanField(
        label="The NQSW is on a fail pathway (MOD-FAIL-FULL: discussed in full at the panel)",
        required=False,
    )

    def __init__(self, *args, assessor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not assessor:
            del self.fields["fail_pathway"]


def _radio(answers):
    return forms.RadioSelect(choices=answers)


class ModerationFormForm(forms.ModelForm):
    """MOD-CHECKLIST: the checklist, then whether the recommendation is accurate, valid,
    robust and sufficient, with comments; concerns for the chair (MOD-FAIL-FULL)."""

    class Meta:
        model = ModerationForm
        fields = [
            *[name for name, _ in ModerationForm.CHECKLIST],
            OTHER_REVIEWS,
            *[name for name, _ in ModerationForm.JUDGEMENT],
            "strengths",
            "gaps",
            "comments",
            "concerns",
            "concern_details",
        ]
        field_classes = {"concerns": StrictBooleanField}
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "gaps": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 4}),
            "concern_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Answers may stay empty in a draft; completing checks them all (the model's clean).
        # Asked only when the programme has other reviews due by the panel (issue 14).
        if self.instance.other_reviews():
            self.fields[OTHER_REVIEWS].label = self.instance.other_reviews_label()
            self.order_fields([name for name, _ in self.instance.checklist_questions()])
        else:
            del self.fields[OTHER_REVIEWS]
        for name, _ in self.instance.checklist_questions():
            field = self.fields[name]
            field.widget = forms.RadioSelect()
            field.choices = Answer.choices
            field.required = False
        for name, label in ModerationForm.JUDGEMENT:
            field = self.fields[name]
            field.widget = forms.RadioSelect()
            field.choices = [(Answer.YES, "Yes"), (Answer.NO, "No")]
            field.label = f"The assessor's judgement is {label.lower()}"
            field.required = False

    def values(self) -> dict:
        return dict(self.cleaned_data)


class DecisionForm(forms.Form):
    """MOD-DECISION: whether the panel verifies the assessor's recommendation, and why."""

    verdict = forms.ChoiceField(
        label="The panel's decision", choices=Decision.Verdict.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))
    change_reason = forms.CharField(
        label="Why this decision replaces the signed-off one",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    sign_off = StrictBooleanField(
        label="Sign this decision off as chair: it is final from now on", required=False
    )

    def __init__(self, *args, replaces_signed: bool, may_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not replaces_signed:
            del self.fields["change_reason"]
        else:
            self.fields["change_reason"].required = True
        if not may_sign:
            del self.fields["sign_off"]


class SubmissionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        recommendation = obj.recommendation.upper() or "no recommendation"
        return f"{obj.code}: {obj.panel.title}, {recommendation}"


class ExternalSampleForm(forms.ModelForm):
    """MOD-EXTERNAL: the portfolios that go to the external moderation panel."""

    submissions = SubmissionChoice(
        label="Portfolios in the sample",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ExternalSample
        fields = ["title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submissions"].queryset = submissions
