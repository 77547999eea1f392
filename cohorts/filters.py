import django_filters
from django.db.models import Max, Min

from academy.forms import LongSelect
from academy.models import Office, PracticeGroup, Service
from cohorts.models import Cohort, Enrolment, academic_year, academic_year_label

ANY_STATUS = "all"


def academic_year_choices() -> list[tuple[int, str]]:
    """Every academic year an intake began in, newest first (one query)."""
    span = Cohort.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    if span["first"] is None:
        return []
    years = range(academic_year(span["last"]), academic_year(span["first"]) - 1, -1)
    return [(year, academic_year_label(year)) for year in years]


class ProgressFilter(django_filters.FilterSet):
    """Status and academic year, shared by the enrolment and portfolio lists.

    With no status chosen a list shows the current enrolments (active or deferred), so
    finished ones stay one choice away; "any status" shows all. The year is the academic
    year (1 Sep to 31 Aug) the ASYE began in; with none chosen, every year.
    """

    status = django_filters.ChoiceFilter(
        choices=[(ANY_STATUS, "Any status"), *Enrolment.Status.choices],
        empty_label="Current (active or deferred)",
        method="filter_status",
        label="Status",
    )
    year = django_filters.ChoiceFilter(
        choices=academic_year_choices,
        empty_label="Any year",
        method="filter_year",
        label="Academic year",
    )

    def filter_status(self, queryset, name, value):
        if value == ANY_STATUS:
            return queryset
        return queryset.filter(status=value)

    def filter_year(self, queryset, name, value):
        return queryset.in_academic_year(int(value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.current()
        return queryset


class EnrolmentFilter(ProgressFilter):
    cohort = django_filters.ModelChoiceFilter(queryset=Cohort.objects.all())
    service = django_filters.ModelChoiceFilter(
        field_name="practice_group__service", queryset=Service.objects.all(), label="Service"
    )
    office = django_filters.ModelChoiceFilter(
        field_name="practice_group__office", queryset=Office.objects.all(), label="Office"
    )
    # Every group a chair sees: hundreds at national size, so written option by option.
    practice_group = django_filters.ModelChoiceFilter(
        queryset=PracticeGroup.objects.none(), widget=LongSelect
    )
    name = django_filters.CharFilter(field_name="person__full_name", lookup_expr="icontains")

    class Meta:
        model = Enrolment
        fields = ["cohort", "service", "office", "practice_group", "kind", "status", "year", "name"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the groups this user can see.
        self.filters["practice_group"].queryset = PracticeGroup.objects.visible_to(user)


class PortfolioFilter(ProgressFilter):
    name = django_filters.CharFilter(field_name="person__full_name", lookup_expr="icontains")

    class Meta:
        model = Enrolment
        fields = ["status", "year", "name"]
