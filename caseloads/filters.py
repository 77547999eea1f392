import django_filters

from academy.forms import LongSelect
from academy.models import Office, PracticeGroup, Service
from caseloads import rules
from cohorts.models import Enrolment

# The board's stages: where the worker is on the date, derived (never stored: it moves on
# by itself). The ASYE bands are the guidance's stages ("Months 1-4", "month 5-6",
# "Month 7"-"Month 9", then 10 onwards); the cap table's own rows are finer and differ by
# service, and each row shows its band.
BEFORE_START = "before"
TRAINEE = "trainee"
AFTER = "after"
ASYE_BANDS = {
    "asye_1_4": (1, 4),
    "asye_5_6": (5, 6),
    "asye_7_9": (7, 9),
    "asye_10_12": (10, 12),
    # The second year of a two-year programme (the ECDP, issue 14).
    "months_13_24": (13, 24),
}
STAGE_CHOICES = [
    (TRAINEE, "Trainee on placement"),
    (BEFORE_START, "Before the ASYE start"),
    ("asye_1_4", "ASYE months 1-4"),
    ("asye_5_6", "ASYE months 5-6"),
    ("asye_7_9", "ASYE months 7-9"),
    ("asye_10_12", "ASYE months 10-12"),
    ("months_13_24", "Months 13-24 (two-year programme)"),
    (AFTER, "ASYE complete"),
]

ANY_BREACH = "breach"
OVER_CAP = "over_cap"
AT_CAP = "at_cap"
UNDER_MINIMUM = "under_minimum"
WARNINGS = "warnings"
ATTENTION_CHOICES = [
    (ANY_BREACH, "Any breach"),
    (OVER_CAP, "Over the cap (CAP-MAX)"),
    (AT_CAP, "At the cap (no headroom)"),
    (UNDER_MINIMUM, "Under the band's minimum (CAP-MIN)"),
    (WARNINGS, "Any warning"),
]


def stage_of(worker) -> str:
    """The board stage of a `caseloads.rules.Worker` on its date."""
    if worker.phase == rules.DURING and worker.asye_month:
        for key, (first, last) in ASYE_BANDS.items():
            if first <= worker.asye_month <= last:
                return key
        # No programme month is past its length (MONTH-3), and the longest seeded band
        # ends at 24; a longer programme's later months join the last band.
        return "months_13_24"
    if worker.phase == rules.AFTER:
        return AFTER
    if worker.kind == Enrolment.Kind.TRAINEE:
        return TRAINEE
    return BEFORE_START


def needs_attention(state, wanted: str) -> bool:
    """Whether a `caseloads.states.WorkerState` matches an ATTENTION_CHOICES value."""
    rules_found = {finding.rule for finding in state.findings}
    if wanted == ANY_BREACH:
        return bool(state.breaches)
    if wanted == OVER_CAP:
        return "CAP-MAX" in rules_found
    if wanted == AT_CAP:
        # Exactly at the tightest cap: one more child (or case) would breach CAP-MAX.
        cap = state.cap
        return cap is not None and state.caseload.count(cap.unit) == cap.maximum
    if wanted == UNDER_MINIMUM:
        return "CAP-MIN" in rules_found
    if wanted == WARNINGS:
        return bool(state.warnings)
    return True


class BoardFilter(django_filters.FilterSet):
    """The allocation board's filters: the first three narrow the enrolments in the
    database, the last two are applied to the computed caseloads (`wanted`)."""

    service = django_filters.ModelChoiceFilter(
        field_name="practice_group__service", queryset=Service.objects.all(), label="Service"
    )
    office = django_filters.ModelChoiceFilter(
        field_name="practice_group__office", queryset=Office.objects.all(), label="Office"
    )
    # Every group a chair sees: hundreds at national size, so written option by option.
    practice_group = django_filters.ModelChoiceFilter(
        queryset=PracticeGroup.objects.none(), label="Practice group", widget=LongSelect
    )
    stage = django_filters.ChoiceFilter(choices=STAGE_CHOICES, method="keep_all", label="Stage")
    attention = django_filters.ChoiceFilter(
        choices=ATTENTION_CHOICES, method="keep_all", label="Needs attention"
    )

    class Meta:
        model = Enrolment
        fields = ["service", "office", "practice_group", "stage", "attention"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the groups this user can see.
        self.filters["practice_group"].queryset = PracticeGroup.objects.visible_to(user)

    def keep_all(self, queryset, name, value):
        # Stage and findings are derived from the date and the allocations, so they are
        # applied to the computed rows by `wanted`.
        return queryset

    def wanted(self, name: str) -> str | None:
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get(name) or None
        return None
