from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from academy.models import Person, PracticeGroup
from cohorts.models import Enrolment


class MashSlotSetting(models.Model):
    """MASH-ROTA: "one NQSW per slot unless the PM says otherwise", as data with an
    effective-from date (seeded by a data migration, edited in the admin)."""

    effective_from = models.DateField(unique=True)
    capacity_per_team = models.PositiveSmallIntegerField(
        default=1, help_text="How many NQSWs of one academy team may be at the MASH on one day."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_team__gte=1),
                name="%(app_label)s_%(class)s_capacity_positive",
                violation_error_message="MASH-ROTA: a MASH slot takes at least one NQSW.",
            ),
        ]

    def __str__(self):
        return f"MASH slots from {self.effective_from:%d/%m/%Y}: {self.capacity_per_team} per team"

    @classmethod
    def capacity_on(cls, on: date) -> int:
        setting = cls.objects.filter(effective_from__lte=on).first()
        return setting.capacity_per_team if setting else 1


class MashRotaQuerySet(models.QuerySet):
    def visible_to(self, user):
        from learning.access import rota_filter

        return self.filter(rota_filter(user))

    def published(self):
        return self.filter(published_at__isnull=False)


class MashRota(models.Model):
    """One academy team's MASH rota for a number of weeks: proposed by the planner,
    changed and published by the team's PM."""

    practice_group = models.ForeignKey(PracticeGroup, models.PROTECT, related_name="mash_rotas")
    starts_on = models.DateField("from")
    weeks = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="published_mash_rotas"
    )

    history = HistoricalRecords()
    objects = MashRotaQuerySet.as_manager()

    class Meta:
        ordering = ["practice_group__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__gte=1),
                name="%(app_label)s_%(class)s_at_least_a_week",
                violation_error_message="A rota is at least one week long.",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, published_by__isnull=True)
                | Q(published_at__isnull=False, published_by__isnull=False),
                name="%(app_label)s_%(class)s_published_by_someone",
                violation_error_message="A published rota names who published it.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__iso_week_day=1),
                name="%(app_label)s_%(class)s_starts_on_monday",
                violation_error_message="MASH-ROTA: a rota runs in whole weeks from a Monday.",
            ),
            models.UniqueConstraint(
                fields=["practice_group", "starts_on"],
                name="%(app_label)s_%(class)s_one_per_start",
                violation_error_message="This team already has a rota from that day.",
            ),
        ]

    def __str__(self):
        return f"MASH rota, {self.practice_group} from {self.starts_on:%d/%m/%Y}"

    @property
    def ends_before(self) -> date:
        return self.starts_on + timedelta(weeks=self.weeks)

    @property
    def last_day(self) -> date:
        return self.ends_before - timedelta(days=1)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_before


class MashDayQuerySet(models.QuerySet):
    def published_for(self, person):
        """The person's own MASH days on published rotas (their page and calendar feed)."""
        return (
            self.filter(enrolment__person=person, rota__published_at__isnull=False)
            .select_related("rota__practice_group", "enrolment")
            .prefetch_related("enrolment__extensions")
            .order_by("date")
        )


class MashDay(models.Model):
    """One NQSW's day at the MASH on a rota."""

    rota = models.ForeignKey(MashRota, models.CASCADE, related_name="days")
    date = models.DateField()
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="mash_days")

    history = HistoricalRecords()
    objects = MashDayQuerySet.as_manager()

    class Meta:
        ordering = ["date", "enrolment__person__staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "date"],
                name="%(app_label)s_%(class)s_once_a_day",
                violation_error_message="MASH-ROTA: this NQSW is already at the MASH that day.",
            ),
            models.CheckConstraint(
                condition=Q(date__iso_week_day__lte=5),
                name="%(app_label)s_%(class)s_weekday",
                violation_error_message="MASH-ROTA: MASH days are weekdays.",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.person.full_name} at the MASH on {self.date:%d/%m/%Y}"
