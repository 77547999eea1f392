"""Advanced social work professionals (ASWP): places, application rounds, the application
and its 12-week assessment, the panel's decision, and the role once appointed.

Rules: ASWP-PLACES, ASWP-PATHWAY, ASWP-ROLE (shared/domain/asye-rules.md). Stages are
derived from the rows (never stored), so they cannot go stale.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from academy.models import Person
from academy.validators import (
    CASE_REFERENCE_MESSAGE,
    CASE_REFERENCE_PATTERN,
    case_reference_validator,
)

# Who may apply: experienced, registered social workers in practice. Not an NQSW or a
# trainee (not yet experienced), not a manager (the route is for those who stay in
# practice), not someone already an ASWP (ASWP-PATHWAY, issue 13).
ELIGIBLE_ROLES = frozenset({Person.Role.GRADE10, Person.Role.SOCIAL_WORKER})


class AswpPolicy(models.Model):
    """The numbers the ASWP route runs on, as dated data edited by the Principal Social
    Worker (ASWP-PLACES: 7 places in the Sheffield model; ASWP-PATHWAY: at most 12 weeks,
    at least one colleague interviewed)."""

    effective_from = models.DateField(unique=True)
    places = models.PositiveSmallIntegerField(default=7, help_text="ASWP-PLACES")
    assessment_weeks = models.PositiveSmallIntegerField(default=12, help_text="ASWP-PATHWAY")
    min_colleague_interviews = models.PositiveSmallIntegerField(
        default=1, help_text="ASWP-PATHWAY: people the applicant works with, interviewed."
    )
    set_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "ASWP policy"
        verbose_name_plural = "ASWP policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="%(app_label)s_%(class)s_places_positive",
                violation_error_message="ASWP-PLACES: there is at least one place.",
            ),
            models.CheckConstraint(
                condition=Q(assessment_weeks__gte=1),
                name="%(app_label)s_%(class)s_weeks_positive",
                violation_error_message="ASWP-PATHWAY: the assessment lasts at least a week.",
            ),
            models.CheckConstraint(
                condition=Q(min_colleague_interviews__gte=1),
                name="%(app_label)s_%(class)s_a_colleague",
                violation_error_message="ASWP-PATHWAY: at least one colleague is interviewed.",
            ),
        ]

    def __str__(self):
        return f"ASWP policy from {self.effective_from:%d/%m/%Y}: {self.places} places"

    @classmethod
    def in_force(cls, on: date) -> "AswpPolicy":
        # With no row in force the Sheffield model's values apply.
        return cls.objects.filter(effective_from__lte=on).first() or cls(effective_from=on)


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        from aswp.access import round_filter

        return self.filter(round_filter(user)).distinct()

    def open_on(self, day: date):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Round(models.Model):
    """An application round opened by the Principal Social Worker (ASWP-PLACES)."""

    name = models.CharField(max_length=100, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField("closing date")
    interview_first = models.BooleanField(
        "senior-management interview first",
        default=False,
        help_text="ASWP-PATHWAY: applicants are shortlisted at an interview before assessment.",
    )
    panel = models.ManyToManyField(
        Person,
        related_name="aswp_panels",
        blank=True,
        help_text="The senior managers who shortlist, assess and decide.",
    )
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[panel])
    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message="The round closes before it opens.",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open(self, on: date) -> bool:
        return self.opens_on <= on <= self.closes_on


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_STATEMENT = "awaiting_statement", "Waiting for the manager's statement"
    AWAITING_INTERVIEW = "awaiting_interview", "Waiting for the senior-management interview"
    NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"
    AWAITING_ASSESSMENT = "awaiting_assessment", "Ready for assessment"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    APPOINTED = "appointed", "Appointed"
    NOT_APPOINTED = "not_appointed", "Not appointed"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from aswp.access import application_filter

        return self.filter(application_filter(user)).distinct()

    def for_stage(self):
        """Everything `stage` and the pages read, in a constant number of queries."""
        return self.select_related(
            "round", "applicant__practice_group", "statement_by", "decision"
        ).prefetch_related("steps")


class Application(models.Model):
    """One experienced social worker's application in a round: their written application
    (saved as a draft until submitted), their manager's supporting statement, the optional
    shortlisting, and the assessment that follows (ASWP-PATHWAY)."""

    Stage = Stage

    round = models.ForeignKey(Round, models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Person, models.PROTECT, related_name="aswp_applications")
    experience = models.TextField(blank=True, help_text="Your experience in practice.")
    practice_reflection = models.TextField(
        "reflection on practice", blank=True, help_text="What you have learnt from your practice."
    )
    advanced_evidence = models.TextField(
        "evidence at the advanced level",
        blank=True,
        help_text="Evidence against the KSS and the PCF at the advanced level.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The manager's supporting statement (written by the applicant's PM or GM only).
    statement = models.TextField("manager's supporting statement", blank=True)
    statement_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    statement_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The optional senior-management interview (Round.interview_first).
    shortlisted = models.BooleanField(null=True, blank=True, editable=False)
    shortlist_panel = models.CharField(
        "interview panel", max_length=300, blank=True, help_text="Who sat on the interview."
    )
    shortlist_reasons = models.TextField("reasons", blank=True)
    shortlisted_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # ASWP-PATHWAY: the assessment, at most 12 weeks (AswpPolicy) from this day to decision.
    assessment_starts_on = models.DateField("assessment start", null=True, blank=True)
    assessment_started_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "applicant__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "applicant"],
                name="%(app_label)s_%(class)s_once_per_round",
                violation_error_message="You already have an application in this round.",
            ),
            models.CheckConstraint(
                condition=Q(statement="", statement_by__isnull=True)
                | (~Q(statement="") & Q(statement_by__isnull=False)),
                name="%(app_label)s_%(class)s_statement_signed",
                violation_error_message="A supporting statement names the manager who wrote it.",
            ),
            models.CheckConstraint(
                condition=Q(shortlisted__isnull=True)
                | (~Q(shortlist_panel="") & ~Q(shortlist_reasons="")),
                name="%(app_label)s_%(class)s_shortlist_reasoned",
                violation_error_message="ASWP-PATHWAY: record the interview panel and reasons.",
            ),
            models.CheckConstraint(
                condition=Q(assessment_starts_on__isnull=True) | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_assess_submitted_only",
                violation_error_message="ASWP-PATHWAY: only a submitted application is assessed.",
            ),
        ]

    def __str__(self):
        return f"{self.applicant.full_name}, {self.round}"

    @property
    def manager_ids(self) -> set[int]:
        """Their manager: the PM, or the GM, of the practice group they work in."""
        group = self.applicant.practice_group
        if group is None:
            return set()
        return {pk for pk in (group.practice_manager_id, group.group_manager_id) if pk}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def decision_or_none(self):
        try:
            return self.decision
        except Decision.DoesNotExist:
            return None

    @property
    def stage(self) -> str:
        decision = self.decision_or_none
        if decision is not None:
            return Stage.APPOINTED if decision.appointed else Stage.NOT_APPOINTED
        if self.assessment_starts_on:
            return Stage.IN_ASSESSMENT
        if not self.is_submitted:
            return Stage.DRAFT
        if not self.statement:
            return Stage.AWAITING_STATEMENT
        if self.round.interview_first and self.shortlisted is None:
            return Stage.AWAITING_INTERVIEW
        if self.shortlisted is False:
            return Stage.NOT_SHORTLISTED
        return Stage.AWAITING_ASSESSMENT

    def get_stage_display(self) -> str:
        return Stage(self.stage).label

    def deadline(self, policy: AswpPolicy | None = None) -> date | None:
        if self.assessment_starts_on is None:
            return None
        policy = policy or AswpPolicy.in_force(self.assessment_starts_on)
        return self.assessment_starts_on + timedelta(weeks=policy.assessment_weeks)


class StepKind(models.TextChoices):
    OBSERVATION = "observation", "Direct observation of practice"
    APPLICANT = "applicant", "Interview with the applicant"
    MANAGER = "manager", "Interview with the applicant's manager"
    COLLEAGUE = "colleague", "Interview with someone they work with"


class AssessmentStep(models.Model):
    """One piece of the assessment: the direct observation or an interview (ASWP-PATHWAY)."""

    Kind = StepKind

    application = models.ForeignKey(Application, models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    held_on = models.DateField("date")
    seen = models.CharField(
        "who", max_length=150, help_text="Whose practice was observed, or who was interviewed."
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown part of the assessment.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on:%d/%m/%Y}"

    def clean(self):
        starts = self.application.assessment_starts_on
        if starts is None:
            raise ValidationError("ASWP-PATHWAY: start the assessment first.")
        if self.held_on and self.held_on < starts:
            raise ValidationError(
                {"held_on": f"ASWP-PATHWAY: the assessment began on {starts:%d/%m/%Y}."}
            )


class Outcome(models.TextChoices):
    APPOINTED = "appointed", "Appointed"
    NOT_APPOINTED = "not_appointed", "Not appointed"


class Decision(models.Model):
    """The panel's decision, signed when recorded and never changed: a trigger (migration
    0002) refuses any UPDATE, and the admin shows it read-only (as moderation's Decision)."""

    Outcome = Outcome

    application = models.OneToOneField(Application, models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    reasons = models.TextField()
    panel = models.CharField(max_length=300, help_text="Who sat on the decision panel.")
    appointed_from = models.DateField(null=True, blank=True)
    decided_on = models.DateField(default=timezone.localdate)
    signed_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
                violation_error_message="Appointed or not appointed.",
            ),
            models.CheckConstraint(
                condition=~Q(reasons=""),
                name="%(app_label)s_%(class)s_reasons_given",
                violation_error_message="ASWP-PATHWAY: give the panel's reasons.",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.APPOINTED, appointed_from__isnull=False)
                | Q(outcome=Outcome.NOT_APPOINTED, appointed_from__isnull=True),
                name="%(app_label)s_%(class)s_appointment_dated",
                violation_error_message=(
                    "An appointment has the date the role starts; a refusal has none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def appointed(self) -> bool:
        return self.outcome == Outcome.APPOINTED


# --- The role once appointed (ASWP-ROLE) ------------------------------------------------------


class NamedSupervisor(models.Model):
    """ASWPs are supervised by an assistant service manager, not a team manager. The academy
    has no such role: a group manager (a service's manager above the PMs) stands for it."""

    aswp = models.OneToOneField(Person, models.PROTECT, related_name="aswp_supervisor")
    supervisor = models.ForeignKey(Person, models.PROTECT, related_name="aswps_supervised")
    from_date = models.DateField("from")

    history = HistoricalRecords()

    class Meta:
        ordering = ["aswp__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(aswp=F("supervisor")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="Nobody supervises themselves.",
            ),
        ]

    def __str__(self):
        return f"{self.aswp.full_name} supervised by {self.supervisor.full_name}"

    def clean(self):
        errors = {}
        if self.aswp_id and self.aswp.role != Person.Role.ASWP:
            errors["aswp"] = f"{self.aswp.full_name} is not an ASWP."
        if self.supervisor_id and self.supervisor.role != Person.Role.GROUP_MANAGER:
            errors["supervisor"] = (
                "ASWP-ROLE: an ASWP's named supervisor is a service manager (a group manager)."
            )
        if errors:
            raise ValidationError(errors)


class Consultation(models.Model):
    """Advice an ASWP gave a colleague (ASWP-ROLE): date, who, the case reference only."""

    aswp = models.ForeignKey(Person, models.PROTECT, related_name="aswp_consultations")
    held_on = models.DateField("date")
    colleague = models.ForeignKey(Person, models.PROTECT, related_name="+")
    case_reference = models.CharField(
        max_length=20, validators=[case_reference_validator], help_text=CASE_REFERENCE_MESSAGE
    )
    advice = models.TextField("advice given", blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_reference__regex=CASE_REFERENCE_PATTERN),
                name="%(app_label)s_%(class)s_case_reference_format",
                violation_error_message=CASE_REFERENCE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(aswp=F("colleague")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="A consultation is with a colleague.",
            ),
        ]

    def __str__(self):
        return f"{self.aswp.full_name} advised {self.colleague.full_name} on {self.case_reference}"


class PeerSession(models.Model):
    """The ASWPs' peer support group: a session and its register."""

    held_on = models.DateField("date")
    topic = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"ASWP peer support group on {self.held_on:%d/%m/%Y}"


class PeerAttendance(models.Model):
    session = models.ForeignKey(PeerSession, models.CASCADE, related_name="attendances")
    aswp = models.ForeignKey(Person, models.PROTECT, related_name="aswp_peer_attendances")
    attended = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["aswp__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "aswp"],
                name="%(app_label)s_%(class)s_once_per_session",
                violation_error_message="This ASWP is already on the register.",
            ),
        ]

    def __str__(self):
        return f"{self.aswp.full_name}: {'attended' if self.attended else 'absent'}"
