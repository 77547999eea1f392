"""The ASYE portfolio: frameworks as data, the records an enrolment gathers, signed-off versions.

Rules (shared/domain/asye-rules.md): ASSESSOR-INDEPENDENT, OBS-THREE, LOGS, REVIEWS, EVIDENCE,
NAT-EVIDENCE, NAT-AGREEMENT, NAT-PDP, NAT-SELF, NAT-OUTCOME. The checks themselves are pure
functions in `assessment.checks`; workflows that write records are in `assessment.services`.
This module holds the rows and what the database can enforce on its own.

Every record belongs to one enrolment (the spine) and keeps its history (simple-history).
What can be derived is not stored: due dates come from the enrolment's ASYE start and
extensions, and whether an observer was the NQSW's assessor from the enrolment's history.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from academy.models import Person
from academy.validators import (
    CASE_REFERENCE_HELP,
    CASE_REFERENCE_MESSAGE,
    CASE_REFERENCE_PATTERN,
    case_reference_validator,
    validate_date_between,
)
from cohorts.models import Enrolment

# --- Frameworks as data ---------------------------------------------------------------------


class FrameworkQuerySet(models.QuerySet):
    def in_force(self, on: date, programme=None):
        """The frameworks in force on `on`, for `programme` (a cohorts.Programme) if given.

        Evidence dated `on` maps to these (EVIDENCE, issue 14). A later standard (the early
        career standards that replace the KSS from 1 April 2027) is a new Framework with
        `in_force_from`, and the KSS given `in_force_until` (import_framework --replaces):
        records dated before the change keep the KSS, later ones get the new standard, so a
        portfolio that straddles the change shows both. A framework linked to no programme
        applies to every programme; `pcf_applies` False leaves the PCF out.
        """
        found = self.filter(
            Q(in_force_from__isnull=True) | Q(in_force_from__lte=on),
            Q(in_force_until__isnull=True) | Q(in_force_until__gt=on),
        )
        if programme is None:
            return found
        found = found.filter(Q(programmes=programme) | Q(programmes__isnull=True)).distinct()
        if not programme.pcf_applies:
            found = found.exclude(kind=FrameworkKind.CAPABILITIES)
        return found


class FrameworkKind(models.TextChoices):
    CAPABILITIES = "capabilities", "Capability framework"
    STANDARD = "standard", "Post-qualifying standard"


class Framework(models.Model):
    """A versioned framework of statements evidence is mapped to: the PCF, the KSS..."""

    Kind = FrameworkKind

    code = models.CharField(max_length=10, help_text="Short name: PCF, KSS, PQS.")
    kind = models.CharField(
        max_length=15,
        choices=Kind.choices,
        help_text="The standard is the one NQSWs assess themselves against (NAT-SELF).",
    )
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    source = models.CharField(max_length=200, help_text="Where the text was copied from.")
    introduction = models.TextField(blank=True)
    in_force_from = models.DateField(
        null=True, blank=True, help_text="For evidence dated on or after this day; empty: always."
    )
    in_force_until = models.DateField(
        null=True,
        blank=True,
        help_text="For evidence dated before this day; empty: still in force.",
    )
    programmes = models.ManyToManyField(
        "cohorts.Programme",
        blank=True,
        related_name="frameworks",
        help_text="The programmes assessed against it (issue 14); none: every programme.",
    )

    history = HistoricalRecords()
    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="%(app_label)s_%(class)s_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FrameworkKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of framework.",
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(in_force_until__isnull=True)
                | Q(in_force_until__gt=F("in_force_from")),
                name="%(app_label)s_%(class)s_in_force_in_order",
                violation_error_message="A framework goes out of force after it comes in.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"

    def in_force_on(self, on: date) -> bool:
        """As FrameworkQuerySet.in_force, on rows already loaded."""
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_until is None or self.in_force_until > on
        )

    def applies_to(self, programme) -> bool:
        """Whether `programme` is assessed against it; reads prefetched `programmes`."""
        if programme is None:
            return True
        if self.kind == FrameworkKind.CAPABILITIES and not programme.pcf_applies:
            return False
        if hasattr(self, "programme_ids"):  # portfolio.all_frameworks annotates them
            linked = [int(pk) for pk in (self.programme_ids or "").split(",") if pk]
        else:
            linked = [p.pk for p in self.programmes.all()]
        return not linked or programme.pk in linked

    @property
    def in_force_label(self) -> str:
        if self.in_force_from and self.in_force_until:
            return f"in force {self.in_force_from:%d/%m/%Y} to {self.in_force_until:%d/%m/%Y}"
        if self.in_force_from:
            return f"in force from {self.in_force_from:%d/%m/%Y}"
        if self.in_force_until:
            return f"in force until {self.in_force_until:%d/%m/%Y}"
        return ""


class FrameworkElement(models.Model):
    """One PCF domain or KSS statement, with its ASYE-level text."""

    framework = models.ForeignKey(Framework, models.PROTECT, related_name="elements")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="The domain's one-line headline (PCF).")
    statement = models.TextField(help_text="The ASYE-level statement text.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__kind", "framework__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="%(app_label)s_%(class)s_one_per_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message="Statements are numbered from 1.",
            ),
        ]

    def __str__(self):
        return f"{self.framework.code} {self.number}. {self.title}"

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


class EvidencePolicy(models.Model):
    """The national minimums (OBS-THREE, NAT-EVIDENCE) and LOGS' wait, edited as data.

    The policy in force on an NQSW's ASYE start applies to their whole year, so a change
    never moves the goalposts for someone already on the way.
    """

    effective_from = models.DateField(unique=True)
    observations = models.PositiveSmallIntegerField(default=3)
    observations_by_assessor = models.PositiveSmallIntegerField(default=2)
    observations_by_others = models.PositiveSmallIntegerField(default=1)
    child_feedback = models.PositiveSmallIntegerField(default=3)
    professional_feedback = models.PositiveSmallIntegerField(default=3)
    written_work = models.PositiveSmallIntegerField(default=3)
    # LOGS says the assessor gives feedback but not how soon (inferred).
    log_feedback_days = models.PositiveSmallIntegerField(default=14)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "evidence policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    observations__gte=F("observations_by_assessor") + F("observations_by_others")
                ),
                name="%(app_label)s_%(class)s_observations_add_up",
                violation_error_message=(
                    "The observations by the assessor and by others cannot exceed the total."
                ),
            ),
        ]

    def __str__(self):
        return f"Evidence policy from {self.effective_from:%d/%m/%Y}"

    @classmethod
    def in_force(cls, on: date, policies=None) -> "EvidencePolicy":
        """The policy in force on `on`; `policies` (newest first) saves a query per call."""
        if policies is None:
            policies = cls.objects.filter(effective_from__lte=on)
        for policy in policies:
            if policy.effective_from <= on:
                return policy
        # With no row in force the national values apply.
        return cls(effective_from=on)

    def minimums(self):
        from assessment.checks import Minimums

        return Minimums(
            observations=self.observations,
            observations_by_assessor=self.observations_by_assessor,
            observations_by_others=self.observations_by_others,
            child_feedback=self.child_feedback,
            professional_feedback=self.professional_feedback,
            written_work=self.written_work,
            log_feedback_days=self.log_feedback_days,
        )


# --- Records --------------------------------------------------------------------------------


class PortfolioRecord(models.Model):
    """Who recorded a record and when; history is declared on each concrete model."""

    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


def _case_reference_check(name: str, *, optional: bool) -> models.CheckConstraint:
    condition = Q(case_reference__regex=CASE_REFERENCE_PATTERN)
    if optional:
        condition |= Q(case_reference="")
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=CASE_REFERENCE_MESSAGE
    )


class DirectObservation(PortfolioRecord):
    """A direct observation of practice (OBS-THREE, NAT-EVIDENCE).

    Whether the observer was the NQSW's assessor is derived (the enrolment's assessor on
    the day, from its history), not stored, so it cannot disagree with the enrolment.
    """

    # The day the evidence is dated: its framework statements are those in force then.
    EVIDENCE_DATE = "observed_on"

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="observations")
    observed_on = models.DateField()
    setting = models.CharField(
        max_length=200, help_text="Where and what: a home visit, a child protection conference..."
    )
    case_reference = models.CharField(
        max_length=20, validators=[case_reference_validator], help_text=CASE_REFERENCE_HELP
    )
    what_observed = models.TextField("What was observed")
    feedback = models.TextField("The observer's feedback")
    nqsw_reflection = models.TextField("The NQSW's reflection afterwards", blank=True)
    observer = models.ForeignKey(Person, models.PROTECT, related_name="observations_made")
    elements = models.ManyToManyField(
        FrameworkElement,
        blank=True,
        related_name="observations",
        verbose_name="framework statements evidenced",
    )

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["observed_on", "pk"]
        # The default order's index: the admin's list reads a page of it (issue 17).
        indexes = [models.Index(fields=["observed_on", "id"], name="assessment_observation_order")]
        constraints = [
            _case_reference_check("%(app_label)s_%(class)s_case_reference_format", optional=False),
        ]

    def __str__(self):
        return f"Observation on {self.observed_on:%d/%m/%Y} ({self.case_reference})"

    def clean(self):
        # Both problems in one response (issue 10 item 13), not one per submit.
        errors = {}
        if self.enrolment_id and self.observer_id == self.enrolment.person_id:
            errors["observer"] = ["OBS-THREE: an NQSW cannot observe themselves."]
        try:
            _within_asye(self, self.observed_on, "observed_on")
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


# NAT-EVIDENCE's critical reflections at 6 and 12 months are the ASYE's, and every programme
# keeps them (issue 14): the ECDP's reflection points are not published yet. When DfE
# publishes them, an academy adds the periods here (and their due dates in checks.Due),
# rather than the programme tables guessing them now.
class ReflectionLogPeriod(models.TextChoices):
    LOG = "log", "Reflective log"
    SIX_MONTHS = "six_months", "6-month critical reflection"
    TWELVE_MONTHS = "twelve_months", "12-month critical reflection"


class ReflectionLog(PortfolioRecord):
    """A critical reflection log (LOGS); the 6- and 12-month ones are NAT-EVIDENCE's."""

    # The day the evidence is dated: its framework statements are those in force then.
    EVIDENCE_DATE = "written_on"

    Period = ReflectionLogPeriod

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="reflection_logs")
    period = models.CharField(max_length=15, choices=Period.choices, default=Period.LOG)
    title = models.CharField(max_length=200)
    written_on = models.DateField()
    case_reference = models.CharField(
        max_length=20,
        blank=True,
        validators=[case_reference_validator],
        help_text=CASE_REFERENCE_HELP + " Optional.",
    )
    reflection = models.TextField("Critical reflection")
    elements = models.ManyToManyField(
        FrameworkElement,
        blank=True,
        related_name="reflection_logs",
        verbose_name="framework statements evidenced",
    )
    # LOGS: once the assessor has given feedback the log is frozen like a signed-off
    # record; a change is the next version, with its reason (the history keeps each one).
    version = models.PositiveIntegerField(default=1, editable=False)
    change_reason = models.TextField(
        "Why this changed after the assessor's feedback", blank=True, editable=False
    )
    changed_after_feedback_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["written_on", "pk"]
        # The default order's index: the admin's list reads a page of it (issue 17).
        indexes = [models.Index(fields=["written_on", "id"], name="assessment_log_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__in=ReflectionLogPeriod.values),
                name="%(app_label)s_%(class)s_period_valid",
                violation_error_message="Unknown kind of log.",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "period"],
                condition=Q(
                    period__in=[ReflectionLogPeriod.SIX_MONTHS, ReflectionLogPeriod.TWELVE_MONTHS]
                ),
                name="%(app_label)s_%(class)s_one_per_milestone",
                violation_error_message=(
                    "There is already a critical reflection for this point of the ASYE: "
                    "edit that one."
                ),
            ),
            _case_reference_check("%(app_label)s_%(class)s_case_reference_format", optional=True),
            models.CheckConstraint(
                condition=Q(version=1)
                | (~Q(change_reason="") & Q(changed_after_feedback_at__isnull=False)),
                name="%(app_label)s_%(class)s_new_version_has_reason",
                violation_error_message=(
                    "LOGS: a log changed after the assessor's feedback needs the reason."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_period_display()}: {self.title}"

    # Uses the prefetched feedback (portfolio.load), so a page of logs costs no queries.
    @property
    def has_feedback(self) -> bool:
        return bool(self.assessor_feedback.all())

    @property
    def awaiting_feedback(self) -> bool:
        """No feedback yet on this version: a log changed after feedback is awaited again."""
        return not any(fb.log_version == self.version for fb in self.assessor_feedback.all())

    @property
    def changed_since_feedback(self) -> bool:
        return self.changed_after_feedback_at is not None and self.awaiting_feedback

    def clean(self):
        _within_asye(self, self.written_on, "written_on")


class AssessorFeedback(models.Model):
    """The assessor's feedback on one reflection log (LOGS)."""

    log = models.ForeignKey(ReflectionLog, models.PROTECT, related_name="assessor_feedback")
    given_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    given_on = models.DateField()
    feedback = models.TextField()
    # The version of the log this answers: a later version awaits feedback again (LOGS).
    log_version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name_plural = "assessor feedback"

    def __str__(self):
        return f"Feedback on {self.log} ({self.given_on:%d/%m/%Y})"

    def clean(self):
        if self.log_id:
            _within_asye(self, self.given_on, "given_on", enrolment=self.log.enrolment)


class PracticeFeedbackSource(models.TextChoices):
    CHILD = "child", "A child or young person"
    PROFESSIONAL = "professional", "Another professional"


class PracticeFeedback(PortfolioRecord):
    """Feedback on the NQSW's practice from a child or young person, or a professional."""

    # The day the evidence is dated: its framework statements are those in force then.
    EVIDENCE_DATE = "received_on"

    Source = PracticeFeedbackSource

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="practice_feedback")
    source = models.CharField(max_length=12, choices=Source.choices)
    received_on = models.DateField()
    given_by_role = models.CharField(
        "Who gave it",
        max_length=120,
        help_text="By role only, never a name: 'young person, 14', 'school nurse'.",
    )
    case_reference = models.CharField(
        max_length=20,
        blank=True,
        validators=[case_reference_validator],
        help_text=CASE_REFERENCE_HELP + " Optional.",
    )
    feedback = models.TextField("What they said")
    nqsw_reflection = models.TextField("The NQSW's reflection on it", blank=True)
    elements = models.ManyToManyField(
        FrameworkElement,
        blank=True,
        related_name="practice_feedback",
        verbose_name="framework statements evidenced",
    )

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["received_on", "pk"]
        # The default order's index: the admin's list reads a page of it (issue 17).
        indexes = [models.Index(fields=["received_on", "id"], name="assessment_feedback_order")]
        verbose_name_plural = "practice feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=PracticeFeedbackSource.values),
                name="%(app_label)s_%(class)s_source_valid",
                violation_error_message=(
                    "Feedback comes from a child or young person, or a professional."
                ),
            ),
            _case_reference_check("%(app_label)s_%(class)s_case_reference_format", optional=True),
        ]

    def __str__(self):
        return f"Feedback from {self.given_by_role} ({self.received_on:%d/%m/%Y})"

    def clean(self):
        _within_asye(self, self.received_on, "received_on")


class WrittenWorkKind(models.TextChoices):
    ASSESSMENT = "assessment", "Child and family assessment"
    CONFERENCE = "conference", "Child protection conference report"
    COURT = "court", "Court statement or report"
    SECTION_7 = "section_7", "Section 7 report"
    PLAN = "plan", "Child and family / child protection plan"
    OTHER = "other", "Other report"


class WrittenWork(PortfolioRecord):
    """A piece of written work for assessment (NAT-EVIDENCE: 3 assessed pieces).

    The document itself stays in the case record; the portfolio holds what it is, the
    NQSW's reflection and the assessor's comments.
    """

    # The day the evidence is dated: its framework statements are those in force then.
    EVIDENCE_DATE = "completed_on"

    Kind = WrittenWorkKind

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="written_work")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    completed_on = models.DateField()
    case_reference = models.CharField(
        max_length=20,
        blank=True,
        validators=[case_reference_validator],
        help_text=CASE_REFERENCE_HELP + " Optional.",
    )
    summary = models.TextField(help_text="What the piece is for and what it shows.")
    nqsw_reflection = models.TextField("The NQSW's reflection", blank=True)
    assessed_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    assessed_on = models.DateField(null=True, blank=True)
    assessor_comments = models.TextField(blank=True)
    elements = models.ManyToManyField(
        FrameworkElement,
        blank=True,
        related_name="written_work",
        verbose_name="framework statements evidenced",
    )

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["completed_on", "pk"]
        # The default order, read a page at a time (the admin's list, issue 17).
        indexes = [models.Index(fields=["completed_on", "id"], name="assessment_writtenwork_order")]
        verbose_name_plural = "written work"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=WrittenWorkKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of written work.",
            ),
            models.CheckConstraint(
                condition=Q(
                    assessed_by__isnull=True, assessed_on__isnull=True, assessor_comments=""
                )
                | (
                    Q(assessed_by__isnull=False, assessed_on__isnull=False)
                    & ~Q(assessor_comments="")
                ),
                name="%(app_label)s_%(class)s_assessment_complete",
                violation_error_message="An assessment names the assessor, the date and comments.",
            ),
            _case_reference_check("%(app_label)s_%(class)s_case_reference_format", optional=True),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_assessed(self) -> bool:
        return self.assessed_by_id is not None

    def clean(self):
        _within_asye(self, self.completed_on, "completed_on")


class SelfAssessmentStage(models.TextChoices):
    START = "start", "At the start"
    MIDWAY = "midway", "Midway"
    END = "end", "Near the end"


class SelfAssessment(PortfolioRecord):
    """A self-assessment against the post-qualifying standard (NAT-SELF)."""

    Stage = SelfAssessmentStage

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="self_assessments")
    stage = models.CharField(max_length=6, choices=Stage.choices)
    framework = models.ForeignKey(Framework, models.PROTECT, related_name="+")
    completed_on = models.DateField()
    reflection = models.TextField("Overall reflection", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["completed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=SelfAssessmentStage.values),
                name="%(app_label)s_%(class)s_stage_valid",
                violation_error_message="A self-assessment is at the start, midway or the end.",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "stage"],
                name="%(app_label)s_%(class)s_one_per_stage",
                violation_error_message="This self-assessment is already recorded: edit it.",
            ),
        ]

    def __str__(self):
        return f"Self-assessment {self.get_stage_display().lower()} ({self.framework.code})"

    def clean(self):
        _within_asye(self, self.completed_on, "completed_on")


class SelfAssessmentRating(models.Model):
    """How the NQSW rates themselves against one statement."""

    class Rating(models.IntegerChoices):
        # The national framework asks for a self-assessment but sets no scale (inferred).
        NOT_YET = 1, "Not yet confident"
        DEVELOPING = 2, "Developing"
        CONFIDENT = 3, "Confident"
        STRENGTH = 4, "A strength"

    self_assessment = models.ForeignKey(SelfAssessment, models.CASCADE, related_name="ratings")
    element = models.ForeignKey(FrameworkElement, models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["element__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "element"],
                name="%(app_label)s_%(class)s_one_per_statement",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4),
                name="%(app_label)s_%(class)s_rating_in_scale",
                violation_error_message="A rating is from 1 to 4.",
            ),
        ]

    def __str__(self):
        return f"{self.element}: {self.get_rating_display()}"


# NAT-PDP's plans for months 0-3, 3-6 and 6-12 are the ASYE's, and every programme keeps
# them (issue 14): the ECDP's plan periods are not published yet. When DfE publishes them,
# an academy extends these periods (and checks.Due.plan), rather than the programme tables
# guessing them now.
class DevelopmentPlanPeriod(models.TextChoices):
    MONTHS_0_3 = "months_0_3", "Months 0 to 3"
    MONTHS_3_6 = "months_3_6", "Months 3 to 6"
    MONTHS_6_12 = "months_6_12", "Months 6 to 12"


class DevelopmentPlan(PortfolioRecord):
    """A professional development plan for one part of the year (NAT-PDP)."""

    Period = DevelopmentPlanPeriod

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="development_plans")
    period = models.CharField(max_length=12, choices=Period.choices)
    agreed_on = models.DateField()
    learning_needs = models.TextField()
    actions = models.TextField("How they will be met")
    support = models.TextField("Support offered", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__in=DevelopmentPlanPeriod.values),
                name="%(app_label)s_%(class)s_period_valid",
                violation_error_message="A plan covers months 0-3, 3-6 or 6-12.",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "period"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message="There is already a plan for these months: edit it.",
            ),
        ]

    def __str__(self):
        return f"Development plan, {self.get_period_display().lower()}"

    def clean(self):
        _within_asye(self, self.agreed_on, "agreed_on")


# --- Signed-off versions --------------------------------------------------------------------


class SignedOffVersion(PortfolioRecord):
    """A record the assessor signs off; once signed it is never edited in place.

    A change after sign-off is a new row with the next version number and a reason; the
    latest version is the current one. The services write versions; the constraints keep
    the numbering and at most one unsigned draft; a database trigger (migration 0004)
    refuses any UPDATE of a signed-off row, whoever tries it.
    """

    version = models.PositiveSmallIntegerField(default=1, editable=False)
    change_reason = models.TextField(
        "Why this version replaces the last signed-off one", blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_off_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def clean(self):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("signed_off_at", flat=True)
            if stored and stored[0] is not None:
                raise ValidationError(
                    f"This {self._meta.verbose_name} was signed off and cannot be changed: "
                    "record a new version instead."
                )


def _version_constraints(model: str, *key: str) -> list:
    """Numbering, one draft per key, and complete sign-offs for a SignedOffVersion model."""
    return [
        models.UniqueConstraint(
            fields=[*key, "version"], name=f"%(app_label)s_{model}_one_row_per_version"
        ),
        models.UniqueConstraint(
            fields=list(key),
            condition=Q(signed_off_at__isnull=True),
            name=f"%(app_label)s_{model}_one_draft",
            violation_error_message="There is already a draft: carry on with that one.",
        ),
        models.CheckConstraint(
            condition=Q(version__gte=1),
            name=f"%(app_label)s_{model}_version_positive",
            violation_error_message="Versions are numbered from 1.",
        ),
        models.CheckConstraint(
            condition=Q(signed_off_at__isnull=True, signed_off_by__isnull=True)
            | Q(signed_off_at__isnull=False, signed_off_by__isnull=False),
            name=f"%(app_label)s_{model}_sign_off_complete",
            violation_error_message="A sign-off names who signed and when.",
        ),
        models.CheckConstraint(
            condition=Q(version=1) | ~Q(change_reason=""),
            name=f"%(app_label)s_{model}_new_version_has_reason",
            violation_error_message="Say why this version replaces the signed-off one.",
        ),
    ]


class SupportAgreement(SignedOffVersion):
    """The support and assessment agreement, made at the initial review (NAT-AGREEMENT)."""

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="agreements")
    agreed_on = models.DateField("Agreed on (the initial review)")
    three_month_review_on = models.DateField("3-month review")
    six_month_review_on = models.DateField("6-month review")
    nine_month_review_on = models.DateField(
        "9-month review (optional)",
        null=True,
        blank=True,
        help_text="Leave empty when no 9-month review is planned.",
    )
    final_review_on = models.DateField("Final review")
    panel_on = models.DateField("Internal moderation panel")
    supervision_frequency = models.TextField(
        help_text="SUP-WEEKLY, SUP-FORTNIGHTLY, SUP-THREE-WEEKLY, or more often if agreed."
    )
    workload_protection = models.TextField("How the workload is protected")
    protected_time = models.TextField("How the 10% protected time is used (PROTECTED-TIME)")
    other_support = models.TextField("Other support agreed", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment", "version"]
        constraints = [
            *_version_constraints("supportagreement", "enrolment"),
            models.CheckConstraint(
                condition=Q(three_month_review_on__gt=F("agreed_on"))
                & Q(six_month_review_on__gt=F("three_month_review_on"))
                & Q(final_review_on__gt=F("six_month_review_on"))
                & (
                    Q(nine_month_review_on__isnull=True)
                    | Q(
                        nine_month_review_on__gt=F("six_month_review_on"),
                        nine_month_review_on__lt=F("final_review_on"),
                    )
                ),
                name="%(app_label)s_%(class)s_reviews_in_order",
                violation_error_message=(
                    "The reviews come in order: agreement, 3-month, 6-month, "
                    "9-month (if any), final."
                ),
            ),
        ]

    def __str__(self):
        return f"Support and assessment agreement, version {self.version}"

    def clean(self):
        super().clean()
        _within_asye(self, self.agreed_on, "agreed_on")

    def planned_on(self, kind: str) -> date | None:
        """The planned date of the review of this kind: a field of its own for the ASYE's
        reviews, a PlannedReview row for a programme's other points (reads the prefetched
        `planned_reviews` when the portfolio loaded them)."""
        field = PLANNED_REVIEW_FIELDS.get(kind)
        if field is not None:
            return getattr(self, field)
        return next((p.planned_on for p in self.planned_reviews.all() if p.kind == kind), None)

    def planned_dates(self) -> dict[str, date]:
        """This version's PlannedReview dates, by Review.kind."""
        return {p.kind: p.planned_on for p in self.planned_reviews.all()}

    def planned_order_errors(self, planned: dict, points) -> dict[str, str]:
        """NAT-AGREEMENT, REVIEWS: every review of the programme is planned in order, each
        later than the one before and before the final review, and every point that is not
        optional is planned. `planned` holds the dates of the points with no field of their
        own ({Review.kind: date or None}); `points` are the programme's ProgrammePoints.

        The CheckConstraint orders the fixed fields among themselves; this orders the other
        points among everything (a CheckConstraint cannot read the child rows). The errors
        are keyed by the other point's kind, for the form to show on its own field."""
        errors = {}
        steps = [("agreed_on", "agreement", self.agreed_on, False)]
        for point in sorted(points, key=lambda p: p.month):
            kind = review_kind(point.month)
            label = _in_a_sentence(point.label)
            if kind in PLANNED_REVIEW_FIELDS:
                steps.append((kind, label, getattr(self, PLANNED_REVIEW_FIELDS[kind]), False))
                continue
            day = planned.get(kind)
            if day is None and not point.optional:
                errors[kind] = f"NAT-AGREEMENT: plan the {label}."
            steps.append((kind, label, day, True))
        steps.append(("final_review_on", "final review", self.final_review_on, False))
        dated = [step for step in steps if step[2] is not None]
        for (e_key, e_label, e_day, e_other), (key, label, day, other) in zip(
            dated, dated[1:], strict=False
        ):
            if day > e_day or not (other or e_other):
                continue
            if other:
                errors.setdefault(
                    key,
                    f"NAT-AGREEMENT: the {label} must be later than the {e_label} "
                    f"({e_day:%d/%m/%Y}): the reviews come in order.",
                )
            else:
                errors.setdefault(
                    e_key,
                    f"NAT-AGREEMENT: the {e_label} must be earlier than the {label} "
                    f"({day:%d/%m/%Y}): the reviews come in order.",
                )
        return errors


class ReviewKind(models.TextChoices):
    THREE_MONTHS = "three_months", "3-month review"
    SIX_MONTHS = "six_months", "6-month review"
    NINE_MONTHS = "nine_months", "9-month review"
    FINAL = "final", "Final review"


# A review is one of its programme's points (cohorts.ProgrammePoint, issue 14) or the final
# review. The kind names the point by its month: the ASYE's months keep the kinds they had
# before programmes were data (so no row changed), any other month is "month_<n>" (the
# ECDP's 12-month review, due at the start of month 13, is "month_13").
ASYE_REVIEW_KINDS = {
    4: ReviewKind.THREE_MONTHS,
    7: ReviewKind.SIX_MONTHS,
    10: ReviewKind.NINE_MONTHS,
}
POINT_KIND_PREFIX = "month_"


def review_kind(month: int) -> str:
    """The Review.kind of the review due at the start of programme month `month`."""
    return ASYE_REVIEW_KINDS.get(month, f"{POINT_KIND_PREFIX}{month}")


# The agreement's own field for each of the ASYE's reviews (NAT-AGREEMENT); any other point
# of a programme is planned in a PlannedReview row.
PLANNED_REVIEW_FIELDS = {
    ReviewKind.THREE_MONTHS: "three_month_review_on",
    ReviewKind.SIX_MONTHS: "six_month_review_on",
    ReviewKind.NINE_MONTHS: "nine_month_review_on",
    ReviewKind.FINAL: "final_review_on",
}


def _in_a_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]


class PlannedReview(models.Model):
    """The planned date of a programme point the agreement has no field for (NAT-AGREEMENT,
    issue 14): the ECDP's 12- and 18-month reviews. Each agreement version holds its own
    rows, written with it by services.save_agreement; SupportAgreement.planned_order_errors
    keeps them in order (a CheckConstraint cannot read across rows)."""

    agreement = models.ForeignKey(SupportAgreement, models.CASCADE, related_name="planned_reviews")
    kind = models.CharField(max_length=12, help_text='The Review.kind: "month_13".')
    planned_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "planned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind"],
                name="%(app_label)s_%(class)s_one_per_kind",
                violation_error_message="This review is already planned in this agreement.",
            ),
            # The ASYE's reviews have the agreement's own fields: no second date for them.
            models.CheckConstraint(
                condition=Q(kind__startswith=POINT_KIND_PREFIX),
                name="%(app_label)s_%(class)s_kind_is_other_point",
                violation_error_message=(
                    "The agreement's own fields plan the 3-, 6-, 9-month and final reviews."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.kind} planned on {self.planned_on:%d/%m/%Y}"


class Review(SignedOffVersion):
    """A progress review (REVIEWS); the initial review is the SupportAgreement."""

    # The day the evidence is dated: its framework statements are those in force then.
    EVIDENCE_DATE = "held_on"

    Kind = ReviewKind

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="reviews")
    # No choices: the kinds are the programme's points (review_kind) and the final review;
    # services.save_review refuses a kind the NQSW's programme does not have.
    kind = models.CharField(max_length=12)
    held_on = models.DateField()
    progress = models.TextField("Progress against the PCF and the KSS")
    nqsw_comments = models.TextField("The NQSW's comments", blank=True)
    next_steps = models.TextField("Next steps", blank=True)
    elements = models.ManyToManyField(
        FrameworkElement,
        blank=True,
        related_name="reviews",
        verbose_name="framework statements evidenced",
    )

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["enrolment", "kind", "version"]
        constraints = [
            *_version_constraints("review", "enrolment", "kind"),
            models.CheckConstraint(
                condition=Q(kind__in=ReviewKind.values) | Q(kind__startswith=POINT_KIND_PREFIX),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of review.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, version {self.version}"

    def get_kind_display(self) -> str:
        """The kind's label; a programme point's own label is its ProgrammePoint's (the
        portfolio shows that one), this is the generic one: "month_13" -> "12-month review"."""
        if self.kind in ReviewKind.values:
            return ReviewKind(self.kind).label
        month = self.kind.removeprefix(POINT_KIND_PREFIX)
        return f"{int(month) - 1}-month review" if month.isdigit() else self.kind

    def clean(self):
        super().clean()
        _within_asye(self, self.held_on, "held_on")


class RecommendationOutcome(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class Recommendation(SignedOffVersion):
    """The assessor's recommendation at the final review (NAT-OUTCOME, MOD-DECISION).

    The assessor recommends PASS or FAIL; deferral and withdrawal are the enrolment's status.
    """

    Outcome = RecommendationOutcome

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="recommendations")
    outcome = models.CharField(max_length=4, choices=Outcome.choices)
    rationale = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment", "version"]
        constraints = [
            *_version_constraints("recommendation", "enrolment"),
            models.CheckConstraint(
                condition=Q(outcome__in=RecommendationOutcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
                violation_error_message="NAT-OUTCOME: the assessor recommends PASS or FAIL.",
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="%(app_label)s_%(class)s_has_rationale",
                violation_error_message="A recommendation gives its rationale.",
            ),
        ]

    def __str__(self):
        return f"Recommendation: {self.get_outcome_display()} (version {self.version})"


# --- The PDF cache --------------------------------------------------------------------------


class PortfolioPdfStatus(models.TextChoices):
    PENDING = "pending", "Preparing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PortfolioPdf(models.Model):
    """A rendered PDF of a portfolio, keyed by the hash of what it shows.

    An unchanged portfolio has the same hash, so it is never rendered twice; a row is
    created `pending` when the PDF is asked for and the background task fills it in.
    """

    Status = PortfolioPdfStatus

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="portfolio_pdfs")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="portfolio-pdfs/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "content_hash"],
                name="%(app_label)s_%(class)s_one_per_content",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PortfolioPdfStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PortfolioPdfStatus.READY) | ~Q(file=""),
                name="%(app_label)s_%(class)s_ready_has_file",
                violation_error_message="A ready PDF has its file.",
            ),
        ]

    def __str__(self):
        return f"Portfolio PDF {self.content_hash[:12]} ({self.get_status_display()})"


def _within_asye(
    record: models.Model, day: date | None, field: str, enrolment: Enrolment | None = None
) -> None:
    """Portfolio evidence is dated within the ASYE and not in the future."""
    if enrolment is None:
        if not record.enrolment_id:
            return
        enrolment = record.enrolment
    start = enrolment.asye_start
    validate_date_between(
        day,
        field=field,
        label=f"{record._meta.get_field(field).verbose_name} date".replace("date date", "date"),
        earliest=start,
        latest=timezone.localdate(),
        why=(f"not before the ASYE start on {start:%d/%m/%Y} " if start else "")
        + "and not in the future",
    )


class PortfolioSummary(models.Model):
    """A current portfolio's standing on a day: at risk (a breach in `assessment.checks`) or
    on track, for counts across the whole academy (the chair's cohorts at a glance, issue 17)
    that would otherwise evaluate every portfolio on every view.

    Derived, never edited: `assessment.summaries.refresh` is its only writer. A row whose
    `as_of` is before today, or that is missing, is stale and is rebuilt before it is read;
    the services drop an enrolment's row when they write one of its records, and a change
    to the enrolment, its extensions or the frameworks after `refreshed_at` makes it stale.
    """

    enrolment = models.OneToOneField(
        Enrolment, models.CASCADE, primary_key=True, related_name="portfolio_summary"
    )
    as_of = models.DateField()
    refreshed_at = models.DateTimeField()
    at_risk = models.BooleanField()
    # The rule IDs of the breaches, space-separated, for reports.
    breaches = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["as_of", "at_risk"], name="assessment_summary_day"),
            # Today's earliest refresh (`academy.summaries.earliest_refresh`).
            models.Index(fields=["as_of", "refreshed_at"], name="assessment_summary_refresh"),
        ]

    def __str__(self):
        return f"{self.enrolment_id} on {self.as_of}: {'at risk' if self.at_risk else 'on track'}"


class PortfolioDeadline(models.Model):
    """An unmet dated requirement of a summarised portfolio (`assessment.checks.deadlines`),
    so that counts across a service (the group manager's reviews and observations due, by
    team: issue 17) are one indexed query. Derived like its summary: written with it by
    `assessment.summaries.refresh`, and gone with it (a dropped summary drops its rows)."""

    summary = models.ForeignKey(PortfolioSummary, models.CASCADE, related_name="deadlines")
    rule = models.CharField(max_length=20)
    due = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["rule", "due"], name="assessment_deadline_due")]

    def __str__(self):
        return f"{self.summary_id}: {self.rule} due {self.due}"
