import django_filters

from academy.models import Office, PracticeGroup, Service
from cohorts.models import Cohort, Enrolment


class EnrolmentFilter(django_filters.FilterSet):
    cohort = django_filters.ModelChoiceFilter(queryset=Cohort.objects.all())
    service = django_filters.ModelChoiceFilter(
        field_name="practice_group__service", queryset=Service.objects.all(), label="Service"
    )
    office = django_filters.ModelChoiceFilter(
        field_name="practice_group__office", queryset=Office.objects.all(), label="Office"
    )
    practice_group = django_filters.ModelChoiceFilter(queryset=PracticeGroup.objects.none())
    name = django_filters.CharFilter(field_name="person__full_name", lookup_expr="icontains")

    class Meta:
        model = Enrolment
        fields = ["cohort", "service", "office", "practice_group", "kind", "status", "name"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the groups this user can see.
        self.filters["practice_group"].queryset = PracticeGroup.objects.visible_to(user)
