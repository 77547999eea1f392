"""Supervision records (SUP-*), the policy that sets the frequency, and the calendar feeds.

The schedule itself (when the next supervision is due) is derived, never stored: it is the
pure function `supervision.schedule.build_schedule`, fed by `schedule_for` below.
"""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from simple_history.models import HistoricalRecords

from academy.models import Person
from academy.validators import (  # noqa: F401
    CASE_REFERENCE,
    CASE_REFERENCE_PATTERN,
    validate_date_between,
)
from cohorts.models import Enrolment
from supervision import schedule as sched

# Stored as one space-separated, de-duplicated list, so the database can check every item.
CASE_REFERENCES_PATTERN = rf"^({CASE_REFERENCE}( {CASE_REFERENCE})*)?\Z"
CASE_REFERENCE_MESSAGE = (
    "Case references only: 3 to 20 upper-case letters, digits, '-' or '/' each, "
    "never a child's name."
)


class SupervisionPolicy(models.Model):
    """How often supervision is due (SUP-WEEKLY, SUP-FORTNIGHTLY, SUP-THREE-WEEKLY).

    Policy as data: to change a value from a date, add a row with a later effective date.
    Each planned date uses the row in force on that date, so past dates do not move.
    """

    effective_from = models.DateField(unique=True)
    weekly_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1)], help_text="SUP-WEEKLY: days between."
    )
    weekly_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1)],
        help_text="SUP-WEEKLY: weeks from the ASYE start with weekly supervision (1:1 or group).",
    )
    fortnightly_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text="SUP-FORTNIGHTLY: most days between 1:1s after the weekly weeks.",
    )
    three_weekly_days = models.PositiveSmallIntegerField(
        default=21,
        validators=[MinValueValidator(1)],
        help_text="SUP-THREE-WEEKLY: most days between 1:1s from the month below.",
    )
    three_weekly_from_month = models.PositiveSmallIntegerField(
        default=9,
        validators=[MinValueValidator(1)],
        help_text="SUP-THREE-WEEKLY: the ASYE month it starts (9 = May for a September start).",
    )
    second_year_from_month = models.PositiveSmallIntegerField(
        default=13,
        validators=[MinValueValidator(1)],
        help_text="A two-year programme (the ECDP): the month the second-year interval starts.",
    )
    second_year_days = models.PositiveSmallIntegerField(
        default=21,
        validators=[MinValueValidator(1)],
        help_text=(
            "Most days between 1:1s in months 13-24 of a two-year programme. Inferred: the "
            "rules file stops at month 12, so this ships as the month-12 value (21 days)."
        ),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        default=7, help_text='Days before the due date that a supervision shows as "due soon".'
    )
    cowork_joint_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text=(
            "COWORK-LEAD (inferred): days from the start of co-working within which a joint "
            "supervision is expected."
        ),
    )
    source = models.TextField(blank=True, help_text="The guidance's words, and what was inferred.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "supervision policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weekly_days__gte=1,
                    weekly_weeks__gte=1,
                    fortnightly_days__gte=1,
                    three_weekly_days__gte=1,
                    three_weekly_from_month__gte=1,
                    second_year_from_month__gte=1,
                    second_year_days__gte=1,
                    cowork_joint_days__gte=1,
                ),
                name="%(app_label)s_%(class)s_positive_intervals",
                violation_error_message="Intervals, weeks and months are at least 1.",
            ),
        ]

    def __str__(self):
        return f"Supervision policy from {self.effective_from:%d/%m/%Y}"

    def as_policy(self) -> sched.Policy:
        return sched.Policy(
            effective_from=self.effective_from,
            weekly_days=self.weekly_days,
            weekly_weeks=self.weekly_weeks,
            fortnightly_days=self.fortnightly_days,
            three_weekly_days=self.three_weekly_days,
            three_weekly_from_month=self.three_weekly_from_month,
            second_year_from_month=self.second_year_from_month,
            second_year_days=self.second_year_days,
            due_soon_days=self.due_soon_days,
            cowork_joint_days=self.cowork_joint_days,
        )

    @classmethod
    def all_versions(cls) -> list[sched.Policy]:
        """Every version as plain values (one query; there are a handful of rows)."""
        return [row.as_policy() for row in cls.objects.all()]


class SessionKind(models.TextChoices):
    ONE_TO_ONE = sched.ONE_TO_ONE, "1:1 supervision"
    PM_GROUP = sched.PM_GROUP, "PM group supervision"
    ASSESSOR_GROUP = sched.ASSESSOR_GROUP, "Assessor group session"
    JOINT = sched.JOINT, "Joint supervision of a co-worked case"


class Session(models.Model):
    """One supervision: a 1:1, a PM group, an assessor group, or a joint supervision."""

    Kind = SessionKind

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The schedule works in whole London calendar days, so the date is stored as the day
    # it was in London and the time as London wall-clock time: no conversion can move a
    # late-evening session to another day.
    held_on = models.DateField("date")
    start_time = models.TimeField("start time (UK time)")
    supervisor = models.ForeignKey(Person, models.PROTECT, related_name="supervisions_led")
    # SUP-CONTENT
    reflection = models.TextField(help_text="SUP-CONTENT: the reflection on practice.")
    training_to_practice = models.TextField(
        "link from recent training to practice",
        help_text="SUP-CONTENT: what recent training was linked to practice, and how.",
    )
    appreciative_inquiry = models.BooleanField(
        "Appreciative Inquiry used", default=False, help_text="SUP-CONTENT."
    )
    # SUP-CONTENT's training-to-practice link: the pathway course discussed, if any.
    # Supervision already builds on learning (its calendar feed reads MASH days); learning
    # never imports supervision, so the key points this way (tests/test_layers.py).
    course = models.ForeignKey(
        "learning.PathwayCourse",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name="pathway course discussed",
        help_text="SUP-CONTENT: the training course this supervision links to practice.",
    )
    actions = models.TextField(blank=True)
    case_references = models.CharField(
        "case references discussed",
        max_length=500,
        blank=True,
        validators=[RegexValidator(CASE_REFERENCES_PATTERN, CASE_REFERENCE_MESSAGE)],
        help_text="References only, separated by spaces.",
    )
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of supervision.",
            ),
            models.CheckConstraint(
                condition=Q(case_references__regex=CASE_REFERENCES_PATTERN),
                name="%(app_label)s_%(class)s_case_references_format",
                violation_error_message=CASE_REFERENCE_MESSAGE,
            ),
            # COWORK-LEAD: a joint supervision is about a co-worked case, so it names it.
            models.CheckConstraint(
                condition=~Q(kind=SessionKind.JOINT) | ~Q(case_references=""),
                name="%(app_label)s_%(class)s_joint_names_a_case",
                violation_error_message="A joint supervision names the co-worked case.",
            ),
        ]
        # In the order the lists read (Meta.ordering, read backwards), with the admin's
        # tie-break on the pk so that its page is read off the index (issue 17); it serves
        # date lookups as well.
        indexes = [
            models.Index(fields=["held_on", "start_time", "id"], name="supervision_session_when")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on:%d/%m/%Y}"

    @property
    def case_reference_list(self) -> list[str]:
        return self.case_references.split()

    def clean(self):
        if self.supervisor_id and self.supervisor.role == Person.Role.ASWP:
            raise ValidationError({"supervisor": "ASWP-ROLE: an ASWP never supervises staff."})


class Attendance(models.Model):
    """Who a session was for, and whether they came (group sessions take a register)."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="supervision_attendances")
    attended = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment__person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"],
                name="%(app_label)s_%(class)s_once_per_session",
                violation_error_message="This worker is already on the session's register.",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.person.full_name}: {'attended' if self.attended else 'absent'}"

    def clean(self):
        validate_supervision_date(self.session.held_on, enrolment=self.enrolment)


class SupportRecord(models.Model):
    """SUP-THREE-WEEKLY: the PM's record that the worker still needs more frequent support,
    so 1:1 supervision stays fortnightly from month 9."""

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="supervision_support")
    from_date = models.DateField("from")
    until = models.DateField(
        null=True, blank=True, help_text="Leave empty while the support is still needed."
    )
    reason = models.TextField(help_text="Why the worker still needs fortnightly supervision.")
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-from_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_given",
                violation_error_message="Give the reason the worker needs more frequent support.",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("from_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message="The support ends before it starts.",
            ),
        ]

    def __str__(self):
        return f"More frequent support from {self.from_date:%d/%m/%Y}"

    def as_period(self) -> sched.SupportPeriod:
        return sched.SupportPeriod(starts=self.from_date, ends=self.until)


def validate_supervision_date(
    held_on: date | None, *, enrolment: Enrolment | None = None, today: date | None = None
) -> None:
    """A supervision is not before the worker's enrolment began (issue 15) and, given
    `today`, not in the future: recorded once it has happened. The register, the service
    and the 1:1 form all check the date here, so the form can report a bad date together
    with every other error (issue 10 item 13) and the message is the same everywhere."""
    # Two checks, each naming its own reason, rather than one "between" message.
    if enrolment is not None:
        start = enrolment.asye_start or enrolment.cohort.start_date
        validate_date_between(
            held_on,
            field="held_on",
            label="supervision date",
            earliest=start,
            why=f"{enrolment.person.full_name}'s enrolment began on {start:%d/%m/%Y}",
        )
    if today is not None:
        validate_date_between(
            held_on,
            field="held_on",
            label="supervision date",
            latest=today,
            why="a supervision is recorded once it has happened: not in the future",
        )


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


FEED_OWNER_SALT = "supervision.CalendarFeed.owner_fingerprint"


class CalendarFeed(models.Model):
    """A private iCalendar feed URL. Revoked rows are kept so a revoked token stays dead.

    The token is stored as it is because the owner must be able to copy the URL again;
    the feed carries planned dates and names only, never what was discussed.
    """

    person = models.ForeignKey(Person, models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The owner's password as it was when the URL was made (an HMAC of its hash, as Django
    # does for sessions): a password change makes every older URL stop (issue 15 item 8).
    owner_fingerprint = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_live_per_person",
                violation_error_message="This person already has a live calendar feed.",
            ),
        ]

    def __str__(self):
        state = "revoked" if self.revoked_at else "live"
        return f"Calendar feed of {self.person.full_name} ({state})"

    @staticmethod
    def fingerprint_of(user) -> str:
        return salted_hmac(FEED_OWNER_SALT, user.password, algorithm="sha256").hexdigest()

    def serves(self) -> bool:
        """Live, its owner still signs in, and their password is the one it was made under.

        A leaver's or a reset account's feed would otherwise go on serving names to
        whoever holds the URL.
        """
        user = self.person.user
        return (
            self.revoked_at is None
            and user.is_active
            and constant_time_compare(self.owner_fingerprint, self.fingerprint_of(user))
        )


class ReminderKind(models.TextChoices):
    PM_DIGEST = "pm_digest", "Practice manager's digest"
    NQSW_DUE = "nqsw_due", "NQSW's next due date"


class ReminderLog(models.Model):
    """One reminder email sent: the unique constraint stops a second one on the same day."""

    Kind = ReminderKind

    recipient = models.ForeignKey(Person, models.CASCADE, related_name="supervision_reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_on", "recipient__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "sent_on"],
                name="%(app_label)s_%(class)s_once_a_day",
                violation_error_message="This reminder was already sent today.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of reminder.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient.full_name} on {self.sent_on}"


# --- Reading schedules in a fixed number of queries ------------------------------------------


def with_schedule_data(enrolments):
    """Prefetch what `schedule_for` reads, so a list costs the same for 10 or 10,000 rows."""
    return enrolments.prefetch_related(
        "extensions",
        Prefetch(
            "supervision_attendances",
            queryset=Attendance.objects.select_related("session").only(
                "enrolment_id", "attended", "session__kind", "session__held_on"
            ),
            to_attr="schedule_attendances",
        ),
        Prefetch("supervision_support", to_attr="schedule_support"),
    )


def schedule_for(
    enrolment: Enrolment, *, today: date, policies: list[sched.Policy] | None = None
) -> sched.Schedule | None:
    """The enrolment's schedule on `today`, or None when it has no ASYE start date.

    Uses the prefetches of `with_schedule_data` when present. Pass `policies`
    (`SupervisionPolicy.all_versions()`) when calling it for many enrolments.
    """
    if enrolment.asye_start is None:
        return None
    if policies is None:
        policies = SupervisionPolicy.all_versions()
    attendances = getattr(enrolment, "schedule_attendances", None)
    if attendances is None:
        attendances = enrolment.supervision_attendances.select_related("session")
    support = getattr(enrolment, "schedule_support", None)
    if support is None:
        support = enrolment.supervision_support.all()
    return sched.build_schedule(
        start=enrolment.asye_start,
        today=today,
        shifts=enrolment.shifts(),
        policies=policies,
        support=[record.as_period() for record in support],
        sessions=[
            sched.SessionRecord(a.session.held_on, a.session.kind, a.attended) for a in attendances
        ],
        ended=enrolment.end_date,
        length=enrolment.programme_length,
        # EXT-1: recorded leave pauses the chain (reads the prefetched extensions).
        absences=[
            sched.Absence(first_day=extension.first_day, last_day=extension.last_day)
            for extension in enrolment.extensions.all()
        ],
    )


# --- The overview's stored rows (issue 17) ---------------------------------------------------


class SupervisionSummary(models.Model):
    """One current NQSW's supervision standing on `as_of`, so that the supervision overview,
    its CSV and its filters read one indexed row per NQSW instead of building every visible
    schedule on every view (issue 17). A copy, never a source: `supervision.summaries.refresh`
    is the only writer and fills it from `schedule_for`, the one schedule every page, feed
    and command reads; `summaries.stale_q` says when a row no longer matches its inputs."""

    enrolment = models.OneToOneField(
        Enrolment, models.CASCADE, primary_key=True, related_name="supervision_summary"
    )
    as_of = models.DateField(help_text="The day the row was evaluated for.")
    refreshed_at = models.DateTimeField(help_text="When it was written (staleness checks).")
    # sched.Schedule's fields, as the overview and its CSV show them.
    state = models.CharField(max_length=10)
    # The overview's order of states (overdue first): `supervision.summaries.STATE_ORDER`.
    state_rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=100)
    next_due = models.DateField(null=True, blank=True)
    last_day = models.DateField()
    days_overdue = models.PositiveIntegerField()
    last_supervision = models.DateField(null=True, blank=True)
    qualifying_sessions = models.PositiveIntegerField()
    required_to_date = models.PositiveIntegerField()
    interval_days = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=20)
    supported = models.BooleanField()
    # Stored as the schedule saw it on `as_of` (MONTH-1/2, moved by extensions), for the CSV.
    asye_month = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "supervision summary"
        verbose_name_plural = "supervision summaries"
        indexes = [
            # The overview's order: overdue first, longest overdue first.
            models.Index(fields=["state_rank", "-days_overdue"], name="supervision_summary_order"),
            # Today's earliest refresh (`academy.summaries.earliest_refresh`).
            models.Index(fields=["as_of", "refreshed_at"], name="supervision_summary_refresh"),
        ]

    def __str__(self):
        return f"{self.enrolment_id} on {self.as_of}: {self.status}"

    @property
    def missed_to_date(self) -> int:
        """As `sched.Schedule.missed_to_date`: the shared partials read either."""
        return sched.missed(self.required_to_date, self.qualifying_sessions)
