import django_filters

from academy.forms import LongSelect
from academy.models import PracticeGroup, Service
from cohorts.models import Enrolment
from supervision import schedule as sched

STATUS_CHOICES = [
    (sched.OVERDUE, "Overdue"),
    (sched.DUE_SOON, "Due this week"),
    (sched.ON_TRACK, "On track"),
    (sched.ON_LEAVE, "On leave"),
    (sched.COMPLETE, "ASYE complete"),
]


class SupervisionFilter(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        field_name="practice_group__service", queryset=Service.objects.all(), label="Service"
    )
    # Every group a chair sees: hundreds at national size, so written option by option.
    practice_group = django_filters.ModelChoiceFilter(
        queryset=PracticeGroup.objects.none(), label="Practice group", widget=LongSelect
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="keep_all", label="Supervision status"
    )

    class Meta:
        model = Enrolment
        fields = ["service", "practice_group", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the groups this user can see.
        self.filters["practice_group"].queryset = PracticeGroup.objects.visible_to(user)

    def keep_all(self, queryset, name, value):
        # The status is the stored summary's (`supervision.summaries`), and a stale summary
        # is written again before it is read, so it is applied after that refresh, as a
        # condition on the summary (`supervision.overview`, via `wanted_status`).
        return queryset

    def wanted_status(self) -> str | None:
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("status") or None
        return None
