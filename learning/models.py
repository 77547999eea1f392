from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
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
            # The programme too: `learning.rota.is_available` reads each day's ASYE month, which
            # needs the programme's length (issue 14); without it, two queries a day.
            .select_related("rota__practice_group", "enrolment__cohort__programme")
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


# --- LEARNING-OPPS: the learning opportunities every NQSW is offered ---------------------


class LearningOpportunity(models.Model):
    """One of the opportunities every NQSW is to be offered (LEARNING-OPPS). The guidance's
    twelve are seeded by a data migration; an academy adds its own in the admin."""

    name = models.CharField(max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(default=100)
    # "Spend time at MASH" is done once the NQSW has had a day on a published MASH rota.
    from_mash_rota = models.BooleanField(
        "done from MASH rota days",
        default=False,
        help_text="Marked done from the NQSW's first day on a published MASH rota (MASH-ROTA).",
    )
    active = models.BooleanField(default=True, help_text="Offered to NQSWs from now on.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "learning opportunities"

    def __str__(self):
        return self.name


class OpportunityPolicy(models.Model):
    """By which ASYE month every opportunity should have been offered (LEARNING-OPPS, the
    month inferred), with an effective-from date."""

    effective_from = models.DateField(unique=True)
    offer_by_month = models.PositiveSmallIntegerField(
        default=9, help_text="ASYE month by which every opportunity should have been offered."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "opportunity policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(offer_by_month__gte=1, offer_by_month__lte=12),
                name="%(app_label)s_%(class)s_month_in_asye",
                violation_error_message="LEARNING-OPPS: an ASYE month is 1 to 12.",
            ),
        ]

    def __str__(self):
        return f"Opportunities offered by month {self.offer_by_month} from {self.effective_from}"

    @classmethod
    def offer_by_month_on(cls, on: date) -> int:
        policy = cls.objects.filter(effective_from__lte=on).first()
        return policy.offer_by_month if policy else 9


class EvidenceKind(models.TextChoices):
    ALLOCATION = "allocation", "An allocation (by case reference)"
    OBSERVATION = "observation", "A direct observation"
    LOG = "log", "A critical reflection log"
    NOTE = "note", "A note"


class OpportunityRecord(models.Model):
    """One NQSW's progress on one opportunity: offered (by the PM), then done (recorded by
    the NQSW or the PM) with a date and evidence. No row: not offered yet."""

    Evidence = EvidenceKind

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="opportunities")
    opportunity = models.ForeignKey(LearningOpportunity, models.PROTECT, related_name="records")
    offered_on = models.DateField()
    offered_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    done_on = models.DateField(null=True, blank=True)
    done_recorded_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence = models.CharField(max_length=12, choices=EvidenceKind.choices, blank=True)
    # Evidence in the other apps is referred to by model name, not imported: the portfolio
    # (assessment) reads this app, so this app never imports assessment.
    allocation = models.ForeignKey(
        "caseloads.Allocation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    observation = models.ForeignKey(
        "assessment.DirectObservation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    reflection_log = models.ForeignKey(
        "assessment.ReflectionLog", models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["opportunity__position", "opportunity__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "opportunity"],
                name="%(app_label)s_%(class)s_once_per_nqsw",
                violation_error_message="LEARNING-OPPS: this opportunity is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=models.F("offered_on")),
                name="%(app_label)s_%(class)s_done_after_offered",
                violation_error_message="LEARNING-OPPS: done on or after the day it was offered.",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, done_recorded_by__isnull=True, evidence="")
                | Q(done_on__isnull=False, done_recorded_by__isnull=False) & ~Q(evidence=""),
                name="%(app_label)s_%(class)s_done_with_evidence",
                violation_error_message="LEARNING-OPPS: done has a date and evidence.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(evidence="")
                    | Q(evidence="allocation", allocation__isnull=False)
                    | Q(evidence="observation", observation__isnull=False)
                    | Q(evidence="log", reflection_log__isnull=False)
                    | Q(evidence="note") & ~Q(note="")
                ),
                name="%(app_label)s_%(class)s_evidence_given",
                violation_error_message="LEARNING-OPPS: name the evidence of the kind chosen.",
            ),
        ]

    def __str__(self):
        return f"{self.opportunity} for {self.enrolment}"


# --- STUDY-DAYS: entitlement per kind of learner, requests agreed by the PM ---------------


class Learner(models.TextChoices):
    NQSW = "nqsw", "NQSW in the ASYE"
    OU_TRAINEE = "OU_BA", "Open University trainee"
    CHICHESTER_TRAINEE = "CHI_MA", "University of Chichester trainee"


class StudyEntitlement(models.Model):
    """How many study days a kind of learner is entitled to (STUDY-DAYS), as data:
    `days` plus `days_per_module_week` for each module and week of study leave, plus the
    university's study weeks (5 working days each) where `adds_university_weeks`; over the
    whole ASYE, or for each academic year where `per_academic_year`."""

    learner = models.CharField(max_length=10, choices=Learner.choices)
    effective_from = models.DateField()
    days = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    days_per_module_week = models.DecimalField(max_digits=3, decimal_places=1, default=0)
    adds_university_weeks = models.BooleanField(default=False)
    per_academic_year = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["learner", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "effective_from"],
                name="%(app_label)s_%(class)s_one_per_date",
                violation_error_message="STUDY-DAYS: one entitlement per learner and date.",
            ),
            models.CheckConstraint(
                condition=Q(learner__in=Learner.values),
                name="%(app_label)s_%(class)s_learner_valid",
                violation_error_message="Unknown kind of learner.",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=0, days_per_module_week__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message="STUDY-DAYS: an entitlement is never negative.",
            ),
        ]

    def __str__(self):
        return f"{self.get_learner_display()} from {self.effective_from:%d/%m/%Y}"


class StudyAllowance(models.Model):
    """A trainee's university figures for one academic year (STUDY-DAYS): the modules and
    weeks of study leave (Open University) or the university's study weeks (Chichester)."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="study_allowances")
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts (1 September)."
    )
    modules = models.PositiveSmallIntegerField(default=0)
    study_weeks = models.PositiveSmallIntegerField(
        default=0, help_text="Weeks of study leave (OU) or the university's study weeks."
    )
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "academic_year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message="STUDY-DAYS: one set of figures per academic year.",
            ),
        ]

    def __str__(self):
        return f"Study leave figures {self.academic_year} for {self.enrolment}"


class StudyRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting the PM"
    AGREED = "agreed", "Agreed"
    REFUSED = "refused", "Refused"


class StudyDayRequest(models.Model):
    """Study days asked for by the NQSW (or trainee) and agreed or refused by their PM
    (STUDY-DAYS). Kept in half days, so ½ day per module per week adds up exactly."""

    Status = StudyRequestStatus

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="study_requests")
    first_day = models.DateField()
    half_days = models.PositiveSmallIntegerField()
    reason = models.TextField("what the study is for")
    status = models.CharField(
        max_length=10, choices=StudyRequestStatus.choices, default=StudyRequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(half_days__gte=1),
                name="%(app_label)s_%(class)s_at_least_half_a_day",
                violation_error_message="STUDY-DAYS: a request is at least half a day.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StudyRequestStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=Q(status="requested", decided_by__isnull=True, decided_at__isnull=True)
                | Q(status__in=["agreed", "refused"], decided_by__isnull=False)
                & Q(decided_at__isnull=False),
                name="%(app_label)s_%(class)s_decided_by_someone",
                violation_error_message="STUDY-DAYS: an agreed or refused request names who.",
            ),
        ]

    def __str__(self):
        return f"{self.days} study day(s) from {self.first_day:%d/%m/%Y} for {self.enrolment}"

    @property
    def days(self) -> Decimal:
        return Decimal(self.half_days) / 2


# --- WORKSHOPS: the university's three resilience days and the optional credits ----------


class WorkshopTheme(models.Model):
    """One of the university's three one-day resilience workshops (WORKSHOPS), as data."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=150)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Day {self.number}: {self.title}"


class Workshop(models.Model):
    """A workshop day for a cohort: mandatory for its NQSWs (WORKSHOPS)."""

    theme = models.ForeignKey(WorkshopTheme, models.PROTECT, related_name="workshops")
    cohort = models.ForeignKey("cohorts.Cohort", models.PROTECT, related_name="workshops")
    held_on = models.DateField()
    place = models.CharField(max_length=200, default="University of Chichester")

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "theme__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "theme"],
                name="%(app_label)s_%(class)s_once_per_cohort",
                violation_error_message="WORKSHOPS: each day is held once for a cohort.",
            ),
            models.CheckConstraint(
                condition=Q(held_on__iso_week_day__lte=5),
                name="%(app_label)s_%(class)s_weekday",
                violation_error_message="WORKSHOPS: a workshop is on a weekday.",
            ),
        ]

    def __str__(self):
        return f"{self.theme} ({self.cohort}, {self.held_on:%d/%m/%Y})"

    def clean(self):
        # WORKSHOPS: the days are part of the cohort's ASYE year, so a date outside it is a
        # typing slip (a wrong year), never a plan.
        if self.held_on and self.cohort_id:
            start = self.cohort.start_date
            ends = start.replace(year=start.year + 1)
            if not start <= self.held_on < ends:
                raise ValidationError(
                    {
                        "held_on": f"WORKSHOPS: the day falls in {self.cohort}'s ASYE year, "
                        f"{start:%d/%m/%Y} to {ends - timedelta(days=1):%d/%m/%Y}."
                    }
                )


class WorkshopAttendance(models.Model):
    workshop = models.ForeignKey(Workshop, models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="workshop_attendances")
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["workshop__held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "enrolment"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message="WORKSHOPS: attendance is recorded once per NQSW.",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} {'at' if self.attended else 'absent from'} {self.workshop}"


class CreditsState(models.TextChoices):
    NOT_TAKEN = "not_taken", "Not taken"
    SUBMITTED = "submitted", "Assignment submitted"
    AWARDED = "awarded", "Credits awarded"


class WorkshopCredits(models.Model):
    """The optional 10 Masters-level credits for an assignment on the workshops
    (WORKSHOPS). No row: not taken."""

    State = CreditsState

    enrolment = models.OneToOneField(Enrolment, models.CASCADE, related_name="workshop_credits")
    state = models.CharField(max_length=10, choices=CreditsState.choices)
    submitted_on = models.DateField(null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "workshop credits"
        constraints = [
            models.CheckConstraint(
                condition=Q(state="not_taken", submitted_on__isnull=True, awarded_on__isnull=True)
                | Q(state="submitted", submitted_on__isnull=False, awarded_on__isnull=True)
                | Q(state="awarded", submitted_on__isnull=False, awarded_on__isnull=False)
                & Q(awarded_on__gte=models.F("submitted_on")),
                name="%(app_label)s_%(class)s_dates_match_state",
                violation_error_message=(
                    "WORKSHOPS: credits are awarded on or after the assignment is submitted."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_state_display()} for {self.enrolment}"


# --- PROTECTED-TIME: 10% of time for learning and development ---------------------------


class ProtectedTimePolicy(models.Model):
    """PROTECTED-TIME: the share of working time protected, and the working week it is a
    share of, with an effective-from date."""

    effective_from = models.DateField(unique=True)
    share_percent = models.DecimalField(max_digits=4, decimal_places=1, default=10)
    weekly_hours = models.DecimalField(max_digits=4, decimal_places=1, default=37)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "protected time policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0, share_percent__lte=100, weekly_hours__gt=0),
                name="%(app_label)s_%(class)s_sensible",
                violation_error_message="PROTECTED-TIME: a share of a positive working week.",
            ),
        ]

    def __str__(self):
        return f"{self.share_percent}% of {self.weekly_hours} hours from {self.effective_from}"

    @classmethod
    def in_force(cls, on: date) -> "ProtectedTimePolicy":
        return cls.objects.filter(effective_from__lte=on).first() or cls(
            effective_from=on, share_percent=Decimal(10), weekly_hours=Decimal(37)
        )


class LearningTimeKind(models.Model):
    """A kind of learning and development activity that counts towards the protected time,
    with its default length (PROTECTED-TIME), as data."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    default_hours = models.DecimalField(max_digits=4, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_hours__gt=0),
                name="%(app_label)s_%(class)s_hours_positive",
                violation_error_message="PROTECTED-TIME: a default length is positive.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.default_hours} h)"


class LearningTime(models.Model):
    """Learning and development time recorded by hand (training until the pathway is in the
    app, reading, shadowing...). Workshops attended, agreed study days and group
    supervision are counted from their own records, not entered again."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="learning_time")
    kind = models.ForeignKey(LearningTimeKind, models.PROTECT, related_name="+")
    on = models.DateField("date")
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    what = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="%(app_label)s_%(class)s_hours_in_a_day",
                violation_error_message="PROTECTED-TIME: between 0 and 24 hours.",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h of {self.kind.name} on {self.on:%d/%m/%Y}"


# --- The training pathway (TRAINING-MANDATORY) -----------------------------------------------


class CancellationPolicy(models.Model):
    """TRAINING-MANDATORY: how many cancellations of pathway training are flagged to the
    Service Development Lead – Professional Practice ("3 or more", inferred), as data with
    an effective-from date (seeded by a data migration, edited in the admin)."""

    effective_from = models.DateField(unique=True)
    flag_at = models.PositiveSmallIntegerField(
        default=3, help_text="Flag an NQSW to Professional Practice at this many cancellations."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "cancellation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(flag_at__gte=1),
                name="%(app_label)s_%(class)s_flag_at_positive",
                violation_error_message="TRAINING-MANDATORY: flag at one cancellation or more.",
            ),
        ]

    def __str__(self):
        return f"Flag at {self.flag_at} cancellations from {self.effective_from:%d/%m/%Y}"

    @classmethod
    def flag_at_on(cls, on: date) -> int:
        policy = cls.objects.filter(effective_from__lte=on).first()
        return policy.flag_at if policy else 3


class PathwayCourseKind(models.TextChoices):
    COURSE = "course", "Pathway course"
    LITE_BITES = "lite_bites", "Lite Bites session"


class PathwayCourse(models.Model):
    """A pathway course or a "Lite Bites" session the L&D officer publishes for a cohort."""

    Kind = PathwayCourseKind

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(max_length=200)
    held_on = models.DateField("date")
    places = models.PositiveSmallIntegerField()
    cohort = models.ForeignKey("cohorts.Cohort", models.PROTECT, related_name="pathway_courses")
    published_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PathwayCourseKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="A pathway course or a Lite Bites session.",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="%(app_label)s_%(class)s_has_places",
                violation_error_message="A course has at least one place.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class AttendanceStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


# The two kinds of absence TRAINING-MANDATORY says need authorising.
ABSENCES = (AttendanceStatus.CANCELLED, AttendanceStatus.DID_NOT_ATTEND)


class AttendanceQuerySet(models.QuerySet):
    def absences(self):
        return self.filter(status__in=ABSENCES)

    def for_listing(self):
        return self.select_related(
            "course", "enrolment__person", "enrolment__practice_group"
        ).prefetch_related("decisions__decided_by")


class Attendance(models.Model):
    """One NQSW's (or OU trainee's) place on a course, and whether they came."""

    Status = AttendanceStatus

    course = models.ForeignKey(PathwayCourse, models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="pathway_attendances")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["course__held_on", "enrolment__person__full_name"]
        indexes = [
            # The cancellations list starts from the cancelled places (issue 17).
            models.Index(
                fields=["enrolment"],
                condition=Q(status=AttendanceStatus.CANCELLED),
                name="learning_attendance_cancelled",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown attendance.",
            ),
            models.UniqueConstraint(
                fields=["course", "enrolment"],
                name="%(app_label)s_%(class)s_once_per_course",
                violation_error_message="This NQSW already has a place on this course.",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.person.full_name}: {self.course} ({self.get_status_display()})"

    @property
    def is_absence(self) -> bool:
        return self.status in ABSENCES

    def decision_as(self, role: str):
        """The recorded decision of the PM or the GM (reads prefetched `decisions`)."""
        return next((d for d in self.decisions.all() if d.as_role == role), None)

    @property
    def authorisation(self) -> str:
        """TRAINING-MANDATORY: 'authorised' only when BOTH the PM and the GM authorised;
        'refused' when either refused; otherwise 'awaiting'. '' when nobody was absent."""
        if not self.is_absence:
            return ""
        decisions = list(self.decisions.all())
        if any(not d.authorised for d in decisions):
            return "refused"
        roles = {d.as_role for d in decisions}
        return "authorised" if roles >= set(AbsenceDecision.AsRole.values) else "awaiting"

    @property
    def is_unauthorised_absence(self) -> bool:
        return self.is_absence and self.authorisation != "authorised"


class AbsenceDecisionRole(models.TextChoices):
    PRACTICE_MANAGER = "pm", "Practice manager"
    GROUP_MANAGER = "gm", "Group manager"


class AbsenceDecision(models.Model):
    """The PM's or the GM's decision on one cancellation or non-attendance. Both are needed
    (TRAINING-MANDATORY); each is recorded once per role. The manager in that role may
    change it, with a reason, until the NQSW's ASYE is over (pathway_services
    .change_absence_decision): `decided_by` is who made the verdict in force, the history
    keeps every earlier verdict."""

    AsRole = AbsenceDecisionRole

    attendance = models.ForeignKey(Attendance, models.CASCADE, related_name="decisions")
    as_role = models.CharField("decided as", max_length=2, choices=AsRole.choices)
    decided_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    authorised = models.BooleanField()
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    # The latest change, if any (earlier ones are in the history).
    changed_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.TextField("why the decision changed", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_role__in=AbsenceDecisionRole.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="The PM or the GM decides.",
            ),
            models.UniqueConstraint(
                fields=["attendance", "as_role"],
                name="%(app_label)s_%(class)s_one_each",
                violation_error_message="TRAINING-MANDATORY: this manager has already decided.",
            ),
            models.CheckConstraint(
                condition=Q(authorised=True) | ~Q(note=""),
                name="%(app_label)s_%(class)s_refusal_explained",
                violation_error_message="Say why the absence is not authorised.",
            ),
            models.CheckConstraint(
                condition=Q(changed_at__isnull=True, change_reason="")
                | Q(changed_at__isnull=False) & ~Q(change_reason=""),
                name="%(app_label)s_%(class)s_change_explained",
                violation_error_message="TRAINING-MANDATORY: say why the decision changed.",
            ),
        ]

    def __str__(self):
        verdict = "authorised" if self.authorised else "refused"
        return f"{self.get_as_role_display()} {verdict}"


# --- Concerns and the Performance Improvement Policy (CAPABILITY) ----------------------------


class ConcernStatus(models.TextChoices):
    RAISED = "raised", "Raised with Professional Practice"
    SUPPORT = "support", "Reviewed: added support in place"
    RESOLVED = "resolved", "Resolved"
    PIP = "pip", "Unresolved: GM advised, on the PiP"


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        from learning.pathway_access import concern_filter

        return self.filter(concern_filter(user))

    def unsettled(self):
        """CAPABILITY: a concern still open, or a PiP without its outcome. The final review
        cannot be signed off, and the portfolio is discussed in full, while one exists."""
        return self.filter(
            Q(status__in=[ConcernStatus.RAISED, ConcernStatus.SUPPORT])
            | Q(status=ConcernStatus.PIP, pip_outcome="")
        )


class PipOutcome(models.TextChoices):
    MET = "met", "Required standard met"
    NOT_MET = "not_met", "Required standard not met"


class Concern(models.Model):
    """A concern about an NQSW's competence (CAPABILITY): raised by the assessor or the PM
    with the Service Development Lead – Professional Practice, reviewed with added support,
    resolved, or (unresolved) the GM advised and the NQSW put on the PiP, whose outcome
    feeds the final review."""

    Status = ConcernStatus
    Outcome = PipOutcome

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="capability_concerns")
    raised_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    raised_on = models.DateField()
    what = models.TextField("the concern")
    evidence = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RAISED)
    reviewed_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    support = models.TextField("added support", blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    gm_advised_on = models.DateField("GM advised on", null=True, blank=True)
    pip_started_on = models.DateField("PiP started on", null=True, blank=True)
    pip_ended_on = models.DateField("PiP ended on", null=True, blank=True)
    pip_outcome = models.CharField("PiP outcome", max_length=8, choices=Outcome.choices, blank=True)
    pip_outcome_notes = models.TextField("PiP outcome notes", blank=True)

    history = HistoricalRecords()
    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConcernStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown state of a concern.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConcernStatus.RESOLVED) | Q(resolved_on__isnull=False),
                name="%(app_label)s_%(class)s_resolved_has_date",
                violation_error_message="CAPABILITY: a resolved concern says when.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConcernStatus.PIP)
                | Q(gm_advised_on__isnull=False, pip_started_on__isnull=False),
                name="%(app_label)s_%(class)s_pip_has_dates",
                violation_error_message=(
                    "CAPABILITY: the PiP follows advising the GM; record both dates."
                ),
            ),
            models.CheckConstraint(
                condition=Q(pip_ended_on__isnull=True) | Q(pip_ended_on__gte=F("pip_started_on")),
                name="%(app_label)s_%(class)s_pip_dates_in_order",
                violation_error_message="The PiP ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(pip_outcome="", pip_ended_on__isnull=True)
                | (Q(pip_outcome__in=PipOutcome.values) & Q(pip_ended_on__isnull=False)),
                name="%(app_label)s_%(class)s_pip_outcome_with_end",
                violation_error_message="CAPABILITY: a PiP's outcome comes with its end date.",
            ),
        ]

    def __str__(self):
        return f"Concern about {self.enrolment.person.full_name} ({self.raised_on:%d/%m/%Y})"

    @property
    def is_unsettled(self) -> bool:
        if self.status == ConcernStatus.PIP:
            return not self.pip_outcome
        return self.status != ConcernStatus.RESOLVED


# --- Move-on (MOVE-ON) -----------------------------------------------------------------------


class MoveOn(models.Model):
    """Which main practice group an NQSW moves to at the end of the ASYE (MOVE-ON), recorded
    by the group manager in month 11. `moved_on` is the day the move took effect."""

    enrolment = models.OneToOneField(Enrolment, models.PROTECT, related_name="move_on")
    destination = models.ForeignKey(PracticeGroup, models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    moved_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment__person__full_name"]
        verbose_name = "move-on"

    def __str__(self):
        return f"{self.enrolment.person.full_name} moves to {self.destination}"
