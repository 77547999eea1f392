"""Cases, allocations and the caseload policy tables (CAP-*, ALLOC-APPROVE, VISIT-SIGNOFF).

The rules themselves are pure functions in `caseloads.rules`; workflows that change
allocations are in `caseloads.services`. This module holds the rows and what the database
can enforce on its own.
"""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from academy.models import Person, Service
from academy.validators import CASE_REFERENCE_MESSAGE, CASE_REFERENCE_PATTERN
from caseloads import rules

# The case reference format is shared with supervision and assessment.
REFERENCE_PATTERN = CASE_REFERENCE_PATTERN
REFERENCE_MESSAGE = CASE_REFERENCE_MESSAGE


class CaseType(models.TextChoices):
    CIN = "CIN", "Child in need / child and family plan"
    CP = "CP", "Child protection plan"
    CLA = "CLA", "Child looked after"
    S47 = "S47", "Section 47 enquiry"
    EH = "EH", "Early help step-down"
    COURT = "COURT", "Court work"
    C_AND_F_ASSESSMENT = "C&F_ASSESSMENT", "Child and family assessment"
    OTHER = "OTHER", "Other"


class Case(models.Model):
    """A piece of allocated work, known only by its reference, type and number of children."""

    CaseType = CaseType

    reference = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(REFERENCE_PATTERN, REFERENCE_MESSAGE)],
        help_text="The case-management reference only: no names, addresses or dates of birth.",
    )
    case_type = models.CharField(max_length=14, choices=CaseType.choices)
    children = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many children the case covers (CAP-COUNT counts children).",
    )
    service = models.ForeignKey(Service, models.PROTECT, related_name="cases")

    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN),
                name="%(app_label)s_%(class)s_reference_format",
                violation_error_message=REFERENCE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(case_type__in=CaseType.values),
                name="%(app_label)s_%(class)s_case_type_valid",
                violation_error_message="Unknown case type.",
            ),
            models.CheckConstraint(
                condition=Q(children__gte=1, children__lte=20),
                name="%(app_label)s_%(class)s_children_1_to_20",
                violation_error_message="A case covers between 1 and 20 children.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.case_type}, {self.children})"


class AllocationRole(models.TextChoices):
    ALLOCATED = rules.ALLOCATED, "Allocated worker"
    COWORKER = rules.COWORKER, "Co-worker"


class AllocationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


# Requests still waiting and approved allocations not yet ended.
LIVE_ALLOCATION_STATUSES = (AllocationStatus.REQUESTED, AllocationStatus.APPROVED)


def counting_q(on: date, through: str = "") -> Q:
    """ALLOC-APPROVE, CAP-COUNT as a condition (`AllocationQuerySet.counting_on`): approved or
    ended allocations started by `on` whose last day, if any, is `on` or later. `through`
    is the path to the allocations from another model ("allocations__" from a person), so
    that an aggregate there filters its join instead of testing an IN over every one."""
    return Q(
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": on}),
        **{
            f"{through}status__in": [AllocationStatus.APPROVED, AllocationStatus.ENDED],
            f"{through}start_date__lte": on,
        },
    )


class AllocationQuerySet(models.QuerySet):
    def live(self):
        """Requests still waiting and approved allocations not yet ended."""
        return self.filter(status__in=LIVE_ALLOCATION_STATUSES)

    def counting_on(self, on: date):
        """ALLOC-APPROVE, CAP-COUNT: the allocations on the worker's caseload on `on`.

        Approved ones, and approved ones whose ending is recorded but whose last day
        (`end_date`, inclusive) is `on` or later, so that past dates keep their history.
        """
        return self.filter(counting_q(on))

    def visible_to(self, user):
        """Allocations of the workers whose enrolments `user` sees, and the user's own."""
        from caseloads.access import allocation_filter

        return self.filter(allocation_filter(user))


class Allocation(models.Model):
    """A worker on a case, as the allocated worker or a co-worker, and the PM's decision.

    ALLOC-APPROVE: a request counts only once approved; an ending (closure, transfer) is
    recorded with its date and reason, never deleted.
    """

    Role = AllocationRole
    Status = AllocationStatus

    case = models.ForeignKey(Case, models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(Person, models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=10, choices=Role.choices)
    start_date = models.DateField()
    # The last day the worker holds the case (inclusive); set when the ending is recorded.
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="The requester's or the decider's note.")
    # The other half of a request made together (an NQSW with its experienced allocated
    # worker or co-worker, SOLE-CP-CLA): both rows point at each other and are approved or
    # declined as one decision.
    decided_with = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # ALLOC-BACKDATED: why a start date more than the allowed days before the request.
    backdated_reason = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True, help_text="Why the request was declined.")
    ended_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    end_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        # The default order's index: the admin's list of every allocation reads a page of
        # it instead of sorting the table (issue 17).
        indexes = [
            models.Index(fields=["start_date", "id"], name="caseloads_allocation_order"),
            # The requests page's order for those who decide none of them (issue 17).
            models.Index(
                fields=["requested_at", "id"],
                condition=Q(status="requested"),
                name="caseloads_allocation_waiting",
            ),
            # The requests waiting for the workers someone sees, counted and sorted: probing
            # every allocation of each of a service's 3,350 workers for its status was most
            # of the requests page's count at 10,000 NQSWs (issue 17).
            models.Index(
                fields=["worker"],
                condition=Q(status="requested"),
                name="caseloads_allocation_w_worker",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker"],
                condition=Q(status__in=LIVE_ALLOCATION_STATUSES),
                name="%(app_label)s_%(class)s_one_live_per_worker",
                violation_error_message=(
                    "This worker already has a live (requested or approved) allocation on "
                    "this case; end or decline it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role__in=AllocationRole.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="The role is allocated or co-worker.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown allocation status.",
            ),
            # ALLOC-APPROVE: a decision always records who and when; a request has neither.
            # Only an approved allocation can be ended, so an ended one keeps its approval.
            models.CheckConstraint(
                condition=Q(
                    status=AllocationStatus.REQUESTED,
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                )
                | Q(
                    status__in=[
                        AllocationStatus.APPROVED,
                        AllocationStatus.DECLINED,
                        AllocationStatus.ENDED,
                    ],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                ),
                name="%(app_label)s_%(class)s_decision_recorded",
                violation_error_message=(
                    "An approval, refusal or ending records who decided and when."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status=AllocationStatus.ENDED, end_date__isnull=False, ended_by__isnull=False
                )
                | (
                    ~Q(status=AllocationStatus.ENDED)
                    & Q(end_date__isnull=True, ended_by__isnull=True)
                ),
                name="%(app_label)s_%(class)s_ending_recorded",
                violation_error_message=(
                    "An ended allocation records its last day and who ended it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="An allocation cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.worker.full_name} on {self.case.reference} ({self.get_status_display()})"

    @property
    def is_backdated(self) -> bool:
        """ALLOC-BACKDATED: started long enough before the request that a reason was needed."""
        return bool(self.backdated_reason)


class CapRuleAppliesTo(models.TextChoices):
    NQSW = rules.NQSW, "NQSW in the ASYE (by service and ASYE month)"
    TRAINEE = rules.TRAINEE_ROWS, "Trainee (CAP-TRAINEE)"
    CHI_MA_FIRST_SEMESTER = rules.CHI_MA_FIRST_SEMESTER, "Chichester MA trainee, first semester"
    OU_UNQUALIFIED = rules.OU_UNQUALIFIED, "OU trainee between study and ASYE (CAP-UNQUALIFIED)"
    ASWP = rules.ASWP, "Advanced social work professional (CAP-ASWP)"


class CapRuleUnit(models.TextChoices):
    CHILDREN = rules.CHILDREN, "Children"
    CASES = rules.CASES, "Cases"


class CapRuleQuerySet(models.QuerySet):
    def rows_in_force(self, on: date) -> list[rules.CapRow]:
        """The cap table on `on` as plain rows for `caseloads.rules` (one query)."""
        found = self.filter(effective_from__lte=on).select_related("service")
        return rules.in_force([row.as_row() for row in found], on)


class CapRule(models.Model):
    """One row of the cap table (CAP-MAX, CAP-MIN): policy as data, versioned by date.

    To change a cap from a date, add a row with the same "applies to", service and first
    month and a later `effective_from` (the admin's "Save as new"): it replaces the older
    row from that date only, so earlier dates keep the caps they had.
    """

    AppliesTo = CapRuleAppliesTo
    Unit = CapRuleUnit

    applies_to = models.CharField(max_length=30, choices=AppliesTo.choices)
    service = models.ForeignKey(
        Service, models.PROTECT, null=True, blank=True, help_text="NQSW rows only."
    )
    month_from = models.PositiveSmallIntegerField(
        default=1,
        help_text="ASYE month for NQSW rows; placement month for the Chichester first semester.",
    )
    month_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last month of the band; empty for open-ended."
    )
    minimum = models.PositiveSmallIntegerField(default=0)
    maximum = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.CHILDREN)
    rule_id = models.CharField(
        max_length=20,
        blank=True,
        help_text=(
            'The CAP-MAX row family shown in messages, e.g. "CAP-TRAINEE"; empty for NQSW rows.'
        ),
    )
    source = models.TextField(help_text="The guidance's words, and what was inferred.")
    effective_from = models.DateField()

    history = HistoricalRecords()
    objects = CapRuleQuerySet.as_manager()

    class Meta:
        ordering = ["applies_to", "service__code", "month_from", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_to__in=CapRuleAppliesTo.values),
                name="%(app_label)s_%(class)s_applies_to_valid",
                violation_error_message="Unknown group of workers.",
            ),
            models.CheckConstraint(
                condition=Q(applies_to=CapRuleAppliesTo.NQSW, service__isnull=False)
                | (~Q(applies_to=CapRuleAppliesTo.NQSW) & Q(service__isnull=True)),
                name="%(app_label)s_%(class)s_service_for_nqsw_rows",
                violation_error_message="NQSW rows name a service; the other rows do not.",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=CapRuleUnit.values),
                name="%(app_label)s_%(class)s_unit_valid",
                violation_error_message="A cap counts children or cases.",
            ),
            models.CheckConstraint(
                condition=Q(month_from__gte=1)
                & (Q(month_to__isnull=True) | Q(month_to__gte=F("month_from"))),
                name="%(app_label)s_%(class)s_months_in_order",
                violation_error_message="Months start at 1 and the last is not before the first.",
            ),
            models.CheckConstraint(
                condition=Q(minimum__lte=F("maximum")),
                name="%(app_label)s_%(class)s_minimum_not_above_maximum",
                violation_error_message="The minimum is above the maximum.",
            ),
            models.UniqueConstraint(
                fields=["applies_to", "service", "month_from", "effective_from"],
                condition=Q(service__isnull=False),
                name="%(app_label)s_%(class)s_one_version_per_service_row",
                violation_error_message="This row already has a version from that date.",
            ),
            models.UniqueConstraint(
                fields=["applies_to", "month_from", "effective_from"],
                condition=Q(service__isnull=True),
                name="%(app_label)s_%(class)s_one_version_per_row",
                violation_error_message="This row already has a version from that date.",
            ),
        ]

    def __str__(self):
        row = self.as_row()
        who = row.service or self.get_applies_to_display()
        return (
            f"{who}, months {row.months}: {self.minimum}-{self.maximum} {self.unit} "
            f"(from {self.effective_from:%d/%m/%Y})"
        )

    def as_row(self) -> rules.CapRow:
        return rules.CapRow(
            applies_to=self.applies_to,
            service=self.service.code if self.service_id else None,
            month_from=self.month_from,
            month_to=self.month_to,
            minimum=self.minimum,
            maximum=self.maximum,
            unit=self.unit,
            rule_id=self.rule_id,
            source=self.source,
            effective_from=self.effective_from,
        )


class RuleSettingName(models.TextChoices):
    CAP_OWN_MIN_PERCENT = "cap_own_min_percent", "CAP-OWN: lowest own-case share (%)"
    CAP_OWN_MAX_PERCENT = "cap_own_max_percent", "CAP-OWN: highest own-case share (%)"
    OU_UNQUALIFIED_MONTHS = (
        "ou_unqualified_months",
        "CAP-UNQUALIFIED: months before the ASYE start that an OU trainee is unqualified",
    )
    ALLOC_BACKDATED_DAYS = (
        "alloc_backdated_days",
        "ALLOC-BACKDATED: days before the request a start may be without a stated reason",
    )


class RuleSettingQuerySet(models.QuerySet):
    def in_force(self, on: date) -> rules.Settings:
        """The inferred thresholds in force on `on` (one query); defaults fill any gap."""
        return settings_in_force(self.filter(effective_from__lte=on), on)


def settings_in_force(rows, on: date) -> rules.Settings:
    """The thresholds in force on `on` among `rows` (RuleSetting rows, any versions)."""
    latest = {}
    for setting in sorted(rows, key=lambda row: row.effective_from):
        if setting.effective_from <= on:
            latest[setting.name] = setting.value
    return rules.Settings.from_values(latest)


class RuleSetting(models.Model):
    """An inferred threshold the guidance leaves vague, kept as data (versioned by date)."""

    Name = RuleSettingName

    name = models.CharField(max_length=40, choices=Name.choices)
    value = models.PositiveSmallIntegerField()
    source = models.TextField(help_text="The guidance's words, and what was inferred.")
    effective_from = models.DateField()

    history = HistoricalRecords()
    objects = RuleSettingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__in=RuleSettingName.values),
                name="%(app_label)s_%(class)s_name_valid",
                violation_error_message="Unknown setting.",
            ),
            models.UniqueConstraint(
                fields=["name", "effective_from"],
                name="%(app_label)s_%(class)s_one_version_per_date",
                violation_error_message="This setting already has a value from that date.",
            ),
        ]

    def __str__(self):
        return f"{self.get_name_display()} = {self.value} (from {self.effective_from:%d/%m/%Y})"


class VisitSignOff(models.Model):
    """VISIT-SIGNOFF: the PM's dated record that an NQSW may complete CP and CLA visits."""

    enrolment = models.OneToOneField(
        "cohorts.Enrolment", models.PROTECT, related_name="visit_signoff"
    )
    signed_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    signed_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = "CP/CLA visit sign-off"

    def __str__(self):
        return f"Visits signed off on {self.signed_on:%d/%m/%Y} by {self.signed_by.full_name}"


class CaseloadSummary(models.Model):
    """One current worker's board row on `as_of`, stored so that the allocation board, its
    CSV and their filters read one indexed row per worker instead of re-evaluating every
    visible caseload (issue 17). A copy, never a source: `caseloads.summaries.refresh` is
    the only writer and fills it from the same evaluation the worker's page shows
    (`caseloads.states.worker_states`, `caseloads.rules`); `summaries.stale` says when a
    row no longer matches its inputs and must be written again."""

    enrolment = models.OneToOneField(
        "cohorts.Enrolment",
        models.CASCADE,
        primary_key=True,
        related_name="caseload_summary",
    )
    as_of = models.DateField(help_text="The day the row was evaluated for.")
    refreshed_at = models.DateTimeField(help_text="When it was written (staleness checks).")
    stage = models.CharField(max_length=20)
    # Stored as the worker's rules see it; far dates (a huge extension) can take it anywhere.
    asye_month = models.IntegerField(null=True, blank=True)
    children = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()
    own_children = models.PositiveIntegerField()
    coworked_children = models.PositiveIntegerField()
    cap_label = models.CharField(max_length=200, blank=True)
    cap_minimum = models.IntegerField(null=True, blank=True)
    cap_maximum = models.IntegerField(null=True, blank=True)
    cap_unit = models.CharField(max_length=20, blank=True)
    headroom = models.IntegerField(null=True, blank=True)
    has_breach = models.BooleanField()
    has_warning = models.BooleanField()
    breach_rules = models.CharField(max_length=300, blank=True, help_text="Rule IDs, spaced.")
    warning_rules = models.CharField(max_length=300, blank=True, help_text="Rule IDs, spaced.")
    over_cap = models.BooleanField()
    at_cap = models.BooleanField()
    under_minimum = models.BooleanField()
    requests_waiting = models.PositiveIntegerField()
    # VISIT-SIGNOFF's warning, for the managers' "no visit sign-off" counts by team.
    visit_signoff_missing = models.BooleanField(default=False)

    class Meta:
        verbose_name = "caseload summary"
        verbose_name_plural = "caseload summaries"
        indexes = [
            # The board's order: breaches first, then warnings (then the worker's name).
            models.Index(
                fields=["-has_breach", "-has_warning"], name="caseloads_summary_board_order"
            ),
            models.Index(fields=["stage"], name="caseloads_summary_stage"),
            # Today's earliest refresh (`academy.summaries.earliest_refresh`).
            models.Index(fields=["as_of", "refreshed_at"], name="caseloads_summary_refresh"),
            models.Index(fields=["as_of"], name="caseloads_summary_as_of"),
        ]

    def __str__(self):
        return f"Caseload summary of enrolment {self.enrolment_id} on {self.as_of:%d/%m/%Y}"
