from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from academy.models import Person, PracticeGroup
from academy.validators import validate_date_between, years_after
from cohorts.months import (
    ASYE_LENGTH_MONTHS,
    Shift,
    asye_last_day,
    asye_month,
    first_day_of_month,
    inclusive_days,
    phase,
    whole_months,
)

# The sane range of an ASYE start date, either way from today (issue 15: a stored 9999-12-31
# took pages down), and of one absence (an extension's last day after its first).
ASYE_START_RANGE_YEARS = 3
ABSENCE_LIMIT_YEARS = 3


def academic_year(day: date) -> int:
    """The academic year a day falls in, named by the year it starts (1 Sep to 31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# The seeded programme every cohort runs unless the admin says otherwise (issue 14).
ASYE_PROGRAMME = "ASYE"


class Programme(models.Model):
    """What a cohort runs: the ASYE (12 months) or the ECDP (24 months), as data (issue 14).

    MONTH-1/2/3, the review and moderation points, the supervision phases and the cap table
    follow `length_months`; the frameworks it is assessed against are the Framework rows
    linked to it (assessment.Framework.programmes), and `pcf_applies` says whether the PCF
    is among them.
    """

    name = models.CharField(max_length=100, unique=True)
    length_months = models.PositiveSmallIntegerField(
        default=ASYE_LENGTH_MONTHS,
        help_text="MONTH-3: how many months the programme runs (12 for the ASYE, 24 for the ECDP).",
    )
    pcf_applies = models.BooleanField(
        "the PCF applies",
        default=True,
        help_text="EVIDENCE: whether evidence is also mapped to the PCF's domains.",
    )
    move_on_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "MOVE-ON: the month the worker moves to a main practice group (11, July, for a "
            "September ASYE start); empty: at the end."
        ),
    )
    source = models.TextField(blank=True, help_text="Where the values come from; what is inferred.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_months__gte=1),
                name="%(app_label)s_%(class)s_length_positive",
                violation_error_message="A programme lasts at least one month.",
            ),
            models.CheckConstraint(
                condition=Q(move_on_month__isnull=True)
                | Q(move_on_month__gte=1, move_on_month__lte=F("length_months")),
                name="%(app_label)s_%(class)s_move_on_within",
                violation_error_message="MOVE-ON: the move-on month falls within the programme.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.length_months} months)"


class ProgrammePoint(models.Model):
    """A review due at the start of a programme month (REVIEWS, NAT-AGREEMENT), and whether
    it is moderated (MOD-POINTS). The final review is at the programme's end, always."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="points")
    month = models.PositiveSmallIntegerField(
        help_text="Due on the first day of this month: 4 for the 3-month review."
    )
    label = models.CharField(max_length=100)
    optional = models.BooleanField(default=False)
    moderated = models.BooleanField(default=False, help_text="MOD-POINTS: a panel follows it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "month"], name="%(app_label)s_%(class)s_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=2),
                name="%(app_label)s_%(class)s_after_month_one",
                violation_error_message="A review point is due from month 2 on.",
            ),
        ]

    def __str__(self):
        return f"{self.label} (month {self.month})"

    def clean(self):
        if self.programme_id and self.month and self.month > self.programme.length_months:
            raise ValidationError(
                {"month": f"The programme lasts {self.programme.length_months} months."}
            )


def asye_programme_id():
    """The seeded ASYE programme: the default for a new cohort (issue 14)."""
    return Programme.objects.filter(name=ASYE_PROGRAMME).values_list("pk", flat=True).first()


class CohortIntake(models.TextChoices):
    SEPTEMBER = "september", "September"
    JANUARY = "january", "January"


class Cohort(models.Model):
    """An intake: the September cohort, or the January start for OU trainees."""

    Intake = CohortIntake

    name = models.CharField(max_length=100, unique=True)
    intake = models.CharField(max_length=10, choices=Intake.choices)
    start_date = models.DateField()
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="cohorts", default=asye_programme_id
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intake__in=CohortIntake.values),
                name="%(app_label)s_%(class)s_intake_valid",
                violation_error_message="The intake is September or January.",
            ),
            # An ASYE and an ECDP cohort may start on the same day (issue 14).
            models.UniqueConstraint(
                fields=["programme", "intake", "start_date"],
                name="%(app_label)s_%(class)s_one_per_start",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def academic_year(self) -> int:
        return academic_year(self.start_date)

    @classmethod
    def for_start(cls, start: date, programme: "Programme | None" = None) -> "Cohort":
        """The intake of `programme` (the ASYE by default) a worker starting on `start`
        belongs to, created on first use.

        Starts from July to December join that year's September cohort; January to June
        the January start, as the guidance's OU trainees do after qualifying in December.
        """
        if start.month >= 7:
            intake, nominal = cls.Intake.SEPTEMBER, date(start.year, 9, 1)
        else:
            intake, nominal = cls.Intake.JANUARY, date(start.year, 1, 1)
        name = f"{intake.label} {nominal.year}"
        if programme is None:
            # The ASYE by name; a new cohort gets the field's default, the ASYE row.
            which = {"programme__name": ASYE_PROGRAMME}
        else:
            which = {"programme": programme}
            if programme.name != ASYE_PROGRAMME:
                name = f"{programme.name} {name}"
        cohort, _ = cls.objects.get_or_create(
            intake=intake, start_date=nominal, defaults={"name": name}, **which
        )
        return cohort


class EnrolmentKind(models.TextChoices):
    ASYE = "asye", "ASYE"
    TRAINEE = "trainee", "Trainee placement"


class EnrolmentProgramme(models.TextChoices):
    OU_BA = "OU_BA", "BA Social Work, Open University"
    CHI_MA = "CHI_MA", "MA Social Work, University of Chichester"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DEFERRED = "deferred", "Deferred"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Still running: active, or deferred and expected back. Everything else is finished.
CURRENT_ENROLMENT_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.DEFERRED)


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cohorts.access import enrolment_filter

        return self.filter(enrolment_filter(user))

    def current(self):
        """Enrolments still running: active, or deferred and expected back."""
        return self.filter(status__in=Enrolment.CURRENT_STATUSES)

    def in_academic_year(self, year: int):
        """Enrolments whose ASYE (a trainee's placement when no ASYE date) began in the
        academic year starting 1 September `year` (Enrolment.academic_year)."""
        return self.alias(began=Coalesce("asye_start", "cohort__start_date")).filter(
            began__gte=date(year, 9, 1), began__lte=date(year + 1, 8, 31)
        )

    def for_listing(self):
        """Everything a list of enrolments shows, in a fixed number of queries."""
        return self.select_related(
            "person",
            "cohort__programme",
            "practice_group__service",
            "practice_group__office",
            "practice_group__practice_manager",
            "assessor",
        ).prefetch_related("extensions")


class Enrolment(models.Model):
    """One NQSW's ASYE or one trainee's academy placement: the spine of every rule."""

    Kind = EnrolmentKind
    Programme = EnrolmentProgramme
    Status = EnrolmentStatus
    CURRENT_STATUSES = CURRENT_ENROLMENT_STATUSES

    person = models.ForeignKey(Person, models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="enrolments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ASYE)
    programme = models.CharField(max_length=10, choices=Programme.choices, blank=True)
    # The academy team; the enrolment's service is the team's, so the two cannot disagree.
    practice_group = models.ForeignKey(PracticeGroup, models.PROTECT, related_name="enrolments")
    assessor = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="assessed_enrolments"
    )
    # For a trainee, the date their ASYE is to begin (January for OU trainees who qualify
    # in December), if known.
    asye_start = models.DateField("ASYE start date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["person__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EnrolmentKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind is ASYE or trainee placement.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=Q(kind=EnrolmentKind.ASYE, programme="")
                | Q(kind=EnrolmentKind.TRAINEE, programme__in=EnrolmentProgramme.values),
                name="%(app_label)s_%(class)s_programme_for_trainees",
                violation_error_message=(
                    "A trainee placement needs the programme (OU_BA or CHI_MA); "
                    "an ASYE enrolment has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind=EnrolmentKind.TRAINEE) | Q(asye_start__isnull=False),
                name="%(app_label)s_%(class)s_asye_has_start",
                violation_error_message="An ASYE enrolment needs its ASYE start date.",
            ),
            models.CheckConstraint(
                # A trainee's asye_start is the planned start of the ASYE that follows the
                # placement, so the placement itself ends before it.
                condition=Q(kind=EnrolmentKind.TRAINEE)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("asye_start")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="The end date is before the ASYE start date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CURRENT_ENROLMENT_STATUSES) | Q(end_date__isnull=False),
                name="%(app_label)s_%(class)s_finished_has_end",
                violation_error_message=(
                    "A passed, failed or withdrawn enrolment needs its end date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(assessor=F("person")),
                name="%(app_label)s_%(class)s_not_own_assessor",
                violation_error_message="ASSESSOR-INDEPENDENT: nobody assesses themselves.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=CURRENT_ENROLMENT_STATUSES),
                name="%(app_label)s_%(class)s_one_current_per_person",
                violation_error_message="This person already has a current enrolment.",
            ),
        ]

    def __str__(self):
        return f"{self.person.full_name}: {self.get_kind_display()} ({self.cohort})"

    def clean(self):
        errors = {}
        try:
            self._check_asye_start()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.assessor_id and self.practice_group_id:
            pm_id = self.practice_group.practice_manager_id
            if self.assessor.role == Person.Role.ASWP:
                errors["assessor"] = "ASWP-ROLE: an ASWP never assesses or supervises staff."
            elif pm_id is not None and pm_id == self.assessor_id:
                errors["assessor"] = (
                    f"ASSESSOR-INDEPENDENT: {self.assessor.full_name} is the practice manager "
                    f"of {self.practice_group}, so cannot assess {self.person.full_name}."
                )
            elif not self.assessor.is_qualified:
                errors["assessor"] = (
                    f"{self.assessor.full_name} is a {self.assessor.get_role_display().lower()}"
                    " and cannot be an assessor."
                )
        if errors:
            raise ValidationError(errors)

    def _check_asye_start(self):
        """A new or changed ASYE start is within ASYE_START_RANGE_YEARS of today either
        way; an unchanged one is left alone, so an old enrolment can still be updated."""
        if self.asye_start is None:
            return
        if self.pk and Enrolment.objects.filter(pk=self.pk, asye_start=self.asye_start).exists():
            return
        today = timezone.localdate()
        validate_date_between(
            self.asye_start,
            field="asye_start",
            label="ASYE start date",
            earliest=years_after(today, -ASYE_START_RANGE_YEARS),
            latest=years_after(today, ASYE_START_RANGE_YEARS),
            why=f"within {ASYE_START_RANGE_YEARS} years of today",
        )

    @property
    def service(self):
        return self.practice_group.service

    @property
    def practice_manager(self):
        return self.practice_group.practice_manager

    @property
    def academic_year(self) -> int:
        """The academic year the ASYE began in (a trainee's placement when no ASYE date)."""
        return academic_year(self.asye_start or self.cohort.start_date)

    @property
    def programme_run(self) -> Programme:
        """The programme this enrolment runs, its cohort's (the ASYE or the ECDP, issue 14);
        `programme` is a trainee's university course. Lists select_related cohort__programme.
        """
        return self.cohort.programme

    @property
    def programme_length(self) -> int:
        return self.programme_run.length_months

    def shifts(self) -> list[Shift]:
        """Approved extensions as date shifts; uses prefetched extensions when present."""
        return [extension.shift() for extension in self.extensions.all()]

    def asye_month(self, on: date | None = None):
        """MONTH-1/2/3: the ASYE month on `on` (today by default), or None outside it."""
        if self.asye_start is None:
            return None
        on = on or timezone.localdate()
        return asye_month(
            self.asye_start, on, self.shifts(), ended=self.end_date, length=self.programme_length
        )

    def phase(self, on: date | None = None) -> str:
        """'before', 'during' or 'after' the ASYE on `on` (MONTH-3)."""
        on = on or timezone.localdate()
        if self.asye_start is None or on < self.asye_start:
            return "before"  # without reading the extensions or the programme
        return phase(
            self.asye_start, on, self.shifts(), ended=self.end_date, length=self.programme_length
        )

    def absence_on(self, day: date) -> "Extension | None":
        """The recorded absence (an EXT-1 extension: maternity leave, long sickness) that
        covers `day`, if any. Reads `extensions`, so prefetch it for a list."""
        for extension in self.extensions.all():
            if extension.first_day <= day <= extension.last_day:
                return extension
        return None

    def planned_end(self) -> date | None:
        if self.asye_start is None:
            return None
        return asye_last_day(self.asye_start, self.shifts(), self.programme_length)

    def month_starts_on(self, month: int) -> date | None:
        if self.asye_start is None:
            return None
        return first_day_of_month(self.asye_start, month, self.shifts())

    def key_dates(self) -> list[tuple[str, date]]:
        """The dates a worker plans around, all moved by approved extensions (MONTH-2)."""
        if self.asye_start is None:
            return [("Placement began", self.cohort.start_date)]
        programme = self.programme_run
        # The ASYE row's points are the 3-, 6- and optional 9-month reviews, and MOVE-ON is
        # month 11; another programme's come from its own rows (issue 14).
        dates = [(f"{programme.name} start", self.asye_start)]
        for point in programme.points.all():
            label = f"{point.label} (optional)" if point.optional else f"{point.label} due"
            dates.append((label, self.month_starts_on(point.month)))
        if programme.move_on_month:
            move_on = self.month_starts_on(programme.move_on_month)
            dates.append(("Move to a main practice group (MOVE-ON)", move_on))
        dates.append((f"End of {programme.name}", self.planned_end()))
        return dates


class ExtensionPolicy(models.Model):
    """How an extension is turned into months (EXT-1, MONTH-2); edited as data."""

    class Rounding(models.TextChoices):
        NEAREST = "nearest", "To the nearest whole month"
        UP = "up", "Up to the next whole month"
        DOWN = "down", "Down to the whole month (at least one)"

    effective_from = models.DateField(unique=True)
    # EXT-1: "sickness or absence lasting longer than 6 weeks".
    minimum_absence_days = models.PositiveSmallIntegerField(default=42)
    rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.NEAREST)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "extension policies"

    def __str__(self):
        return f"Extension policy from {self.effective_from:%d/%m/%Y}"

    @classmethod
    def in_force(cls, on: date) -> "ExtensionPolicy":
        policy = cls.objects.filter(effective_from__lte=on).first()
        # With no row in force the guidance's own values apply.
        return policy or cls(effective_from=on)


class ExtensionReason(models.TextChoices):
    SICKNESS = "sickness", "Sickness"
    ABSENCE = "absence", "Other absence"
    MATERNITY = "maternity", "Maternity leave"


class Extension(models.Model):
    """An approved extension of one enrolment (EXT-1), which moves later dates (MONTH-2)."""

    Reason = ExtensionReason

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="extensions")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    first_day = models.DateField("first day of absence")
    last_day = models.DateField("last day of absence")
    # Fixed when the extension is approved, so a later policy change never moves old dates.
    months = models.PositiveSmallIntegerField(editable=False)
    approved_by = models.ForeignKey(Person, models.PROTECT, related_name="approved_extensions")
    approved_on = models.DateField(default=timezone.localdate)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ExtensionReason.values),
                name="%(app_label)s_%(class)s_reason_allowed",
                violation_error_message=(
                    "EXT-1: the ASYE can be extended only for sickness or absence lasting "
                    "longer than 6 weeks, or maternity leave."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message="The last day of absence is before the first.",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1),
                name="%(app_label)s_%(class)s_at_least_a_month",
                violation_error_message="An extension is at least one month.",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}, {self.months} month(s)"

    @property
    def absence_days(self) -> int:
        return inclusive_days(self.first_day, self.last_day)

    @classmethod
    def months_for(cls, first_day: date, last_day: date) -> int:
        """MONTH-2: the absence in whole months, rounded as the policy in force says."""
        policy = ExtensionPolicy.in_force(first_day)
        return whole_months(inclusive_days(first_day, last_day), policy.rounding)

    def shift(self) -> Shift:
        return Shift(starts=self.first_day, months=self.months)

    @classmethod
    def shifts_by_enrolment(cls, enrolment_ids) -> dict[int, list[Shift]]:
        """Each of these enrolments' extensions as date shifts (EXT-1), in one query: for
        lists that judge a whole service from plain values instead of building each
        enrolment with its extensions (issue 17). An enrolment without any maps to []."""
        shifts = defaultdict(list)
        rows = cls.objects.filter(enrolment_id__in=list(enrolment_ids))
        for extension in rows.only("enrolment_id", "first_day", "months"):
            shifts[extension.enrolment_id].append(extension.shift())
        return shifts

    def overlapping(self) -> "Extension | None":
        """Another extension of the same enrolment whose absence shares a day with this one."""
        if not (self.enrolment_id and self.first_day and self.last_day):
            return None
        return (
            Extension.objects.filter(
                enrolment_id=self.enrolment_id,
                first_day__lte=self.last_day,
                last_day__gte=self.first_day,
            )
            .exclude(pk=self.pk)
            .order_by("first_day")
            .first()
        )

    def _check_within_asye(self):
        """The absence falls in the ASYE: it begins between the ASYE start and the ASYE's
        planned end, and lasts at most ABSENCE_LIMIT_YEARS (EXT-1, issue 15)."""
        if self.first_day and self.enrolment_id and self.enrolment.asye_start:
            enrolment = self.enrolment
            others = [e.shift() for e in enrolment.extensions.exclude(pk=self.pk)]
            validate_date_between(
                self.first_day,
                field="first_day",
                label="first day of absence",
                earliest=enrolment.asye_start,
                latest=asye_last_day(enrolment.asye_start, others, enrolment.programme_length),
                why="within the ASYE, from its start to its planned end",
            )
        if self.first_day and self.last_day:
            validate_date_between(
                self.last_day,
                field="last_day",
                label="last day of absence",
                earliest=self.first_day,
                latest=years_after(self.first_day, ABSENCE_LIMIT_YEARS) - timedelta(days=1),
                why=f"an absence of at most {ABSENCE_LIMIT_YEARS} years",
            )

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day of absence is before the first."})
        # EXT-1 extends for an absence once: a second extension over the same days (a double
        # submission, or two managers at once) would move the end twice (issue 15 item 4).
        # PostgreSQL could back this with an exclusion constraint, but that needs btree_gist;
        # record_extension runs this check with the enrolment locked instead.
        other = self.overlapping()
        if other is not None:
            raise ValidationError(
                f"EXT-1: an extension is already recorded for {other.first_day:%d/%m/%Y}"
                f"–{other.last_day:%d/%m/%Y}; this one ({self.first_day:%d/%m/%Y}–"
                f"{self.last_day:%d/%m/%Y}) overlaps it. One absence extends the ASYE once.",
                code="overlap",
            )
        self._check_within_asye()
        if self.reason and self.reason not in self.Reason.values:
            raise ValidationError(
                {
                    "reason": (
                        "EXT-1: the ASYE can be extended only for sickness or absence lasting "
                        "longer than 6 weeks, or maternity leave."
                    )
                }
            )
        if self.reason != self.Reason.MATERNITY and self.first_day and self.last_day:
            policy = ExtensionPolicy.in_force(self.first_day)
            if self.absence_days <= policy.minimum_absence_days:
                raise ValidationError(
                    {
                        "last_day": (
                            f"EXT-1: an extension for {self.get_reason_display().lower()} needs "
                            f"an absence longer than {policy.minimum_absence_days} days "
                            f"(6 weeks); this one is {self.absence_days} days."
                        )
                    }
                )


class PeopleImport(models.Model):
    """One upload of the starters CSV, imported by a background task (issue 17 item 5).

    A national file takes longer than the web worker may run, so the page stores the file's
    text here and a task imports it (cohorts/tasks.py), writing how far it has got; the
    status page reads this row. The text is cleared once the import has finished: the
    people it names are then in the database, or the file was refused, and a copy of a
    spreadsheet of names and emails is kept no longer than it is needed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Not imported"

    class Stage(models.TextChoices):
        CHECKING = "checking", "Checking the rows"
        SAVING = "saving", "Saving"
        INVITING = "inviting", "Sending the invitations"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    dry_run = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    # Where the invitations' links point: the host the administrator uploaded from.
    base_url = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    # While running: the stage, and how far it has got (done of total; no total while the
    # rows are saved, which is one bulk write a pass).
    stage = models.CharField(max_length=8, choices=Stage.choices, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # When finished: importing.ImportReport's counts, or the file's row errors.
    report = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown import status.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["done", "failed"], finished__isnull=False)
                | Q(status__in=["queued", "running"], finished__isnull=True),
                name="%(app_label)s_%(class)s_finished_when_done",
                violation_error_message="A finished import says when it finished.",
            ),
        ]

    def __str__(self):
        return f"Starters import {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
