"""Moderation panels: who sits, what was submitted, who read it, what the panel decided.

Rules (shared/domain/asye-rules.md): MOD-POINTS, MOD-SUBMIT, MOD-ALLOCATE, MOD-FAIL-FULL,
MOD-ASSESSOR, MOD-PANEL, MOD-DECISION, MOD-ANON, MOD-CHECKLIST, MOD-FORM, MOD-EXTERNAL,
PROGRESSION, NAT-OUTCOME. Workflows are in `moderation.services`; the allocation itself is
a pure function in `moderation.allocation`. This module holds the rows and what the database
can enforce on its own; migration 0003 adds triggers that keep a submitted snapshot and a
signed-off decision from ever being updated in place.

A submission is known to moderators only by its code (MOD-ANON): random, unguessable and
never derived from an id or a name. Only the panel's chair and deputy and the Professional
Practice team see which NQSW a code stands for.
"""

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from academy.models import Person
from academy.validators import validate_date_between
from assessment.models import RecommendationOutcome
from cohorts.access import knows_enrolment
from cohorts.models import Enrolment, academic_year
from moderation import points

# No 0/O, 1/I: a code is read aloud at the meeting and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_PATTERN = r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\Z"


def new_code() -> str:
    """A portfolio code: 8 random characters (40 bits), e.g. "K7QX-2MZP"."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class PdfStatus(models.TextChoices):
    PENDING = "pending", "Preparing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def _pdf_constraints(model: str, status: str = "status", file: str = "file", *, optional=False):
    """A PDF's status is a known one, and a ready PDF has its file."""
    allowed = PdfStatus.values + ([""] if optional else [])
    return [
        models.CheckConstraint(
            condition=Q(**{f"{status}__in": allowed}),
            name=f"%(app_label)s_{model}_{status}_valid",
            violation_error_message="Unknown PDF status.",
        ),
        models.CheckConstraint(
            condition=~Q(**{status: PdfStatus.READY}) | ~Q(**{file: ""}),
            name=f"%(app_label)s_{model}_ready_has_file",
            violation_error_message="A ready PDF has its file.",
        ),
    ]


# --- Policy as data ---------------------------------------------------------------------------


class ModerationPolicy(models.Model):
    """The numbers moderation runs on, edited in the admin with an effective-from date.

    A panel fixes its submission deadline when it is set up, so a later change never moves
    a deadline NQSWs have already been given.
    """

    effective_from = models.DateField(unique=True)
    # MOD-SUBMIT: "Portfolios to be submitted 2 weeks prior to panel".
    submission_days = models.PositiveSmallIntegerField(default=14)
    # MOD-POINTS (inferred): how long after a 6-month review or the end of the ASYE an NQSW
    # still counts as due for a panel. Half a year: the next panel of the kind follows.
    due_window_days = models.PositiveSmallIntegerField(default=183)
    # PROGRESSION: "pay progression to SCP32".
    progression_point = models.CharField(max_length=10, default="SCP32")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "moderation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_days__gte=1),
                name="%(app_label)s_%(class)s_submission_days_positive",
                violation_error_message="MOD-SUBMIT: portfolios are due at least a day ahead.",
            ),
            models.CheckConstraint(
                condition=~Q(progression_point=""),
                name="%(app_label)s_%(class)s_has_progression_point",
                violation_error_message="PROGRESSION: name the pay point.",
            ),
        ]

    def __str__(self):
        return f"Moderation policy from {self.effective_from:%d/%m/%Y}"

    @classmethod
    def in_force(cls, on: date) -> "ModerationPolicy":
        policy = cls.objects.filter(effective_from__lte=on).first()
        # With no row in force the guidance's own values apply.
        return policy or cls(effective_from=on)


# --- Panels and their members -----------------------------------------------------------------


class PanelQuerySet(models.QuerySet):
    def visible_to(self, user):
        from moderation.access import panel_filter

        return self.filter(panel_filter(user)).distinct()

    def open(self):
        return self.filter(closed_at__isnull=True)


class PanelKind(models.TextChoices):
    SIX_MONTHS = "six_months", "6-month"
    FINAL = "final", "Final"


PANEL_RANGE_ACADEMIC_YEARS = 2


class Panel(models.Model):
    """One moderation meeting: after the 6-month reviews, or after completion (MOD-POINTS)."""

    Kind = PanelKind

    # No choices: besides the ASYE's two kinds, a panel may follow a programme's other
    # moderated point, "month_<n>" (moderation/points.py, issue 14); PanelForm offers those
    # the programmes have.
    kind = models.CharField(max_length=10)
    held_on = models.DateField("meeting date")
    venue = models.CharField(max_length=200, blank=True)
    # Fixed when the panel is set up (MOD-SUBMIT), from the policy in force.
    submissions_due_on = models.DateField("portfolios due by", editable=False)
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A closed panel has met and finished: moderators can no longer read its portfolios.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords()
    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PanelKind.values) | Q(kind__startswith=points.POINT_PREFIX),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="MOD-POINTS: a panel follows the 6-month reviews, a "
                "programme's moderated point or the completion of the ASYE.",
            ),
            models.CheckConstraint(
                condition=Q(submissions_due_on__lt=F("held_on")),
                name="%(app_label)s_%(class)s_due_before_meeting",
                violation_error_message="MOD-SUBMIT: portfolios are due before the meeting.",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closed_by__isnull=True)
                | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="%(app_label)s_%(class)s_closing_complete",
                violation_error_message="Closing a panel names who closed it and when.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} moderation panel, {self.held_on:%d/%m/%Y}"

    def get_kind_display(self) -> str:
        return points.kind_label(self.kind)

    @property
    def point_name(self) -> str:
        """What the panel moderates: "6-month point (ASYE month 7)", "completion of the ASYE"."""
        return points.what(self.kind)

    def clean(self):
        """A new or moved meeting date lies within PANEL_RANGE_ACADEMIC_YEARS academic
        years of this one, either way (issue 15: a panel on 0001-01-01 gave a 500); an
        unchanged date is left alone, so an old panel can still be closed."""
        if self.held_on is None:
            return
        if self.pk and Panel.objects.filter(pk=self.pk, held_on=self.held_on).exists():
            return
        this_year = academic_year(timezone.localdate())
        years = PANEL_RANGE_ACADEMIC_YEARS
        validate_date_between(
            self.held_on,
            field="held_on",
            label="meeting date",
            earliest=date(this_year - years, 9, 1),
            latest=date(this_year + years + 1, 8, 31),
            why=f"within {years} academic years of this one",
        )

    @property
    def title(self) -> str:
        return (
            f"{self.get_kind_display()} moderation panel, {self.held_on.day} {self.held_on:%B %Y}"
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_final(self) -> bool:
        return self.kind == self.Kind.FINAL

    def member_in(self, role: str):
        """The member holding a single-person role (chair, deputy chair), from the prefetch."""
        for member in self.members.all():
            if member.role == role:
                return member
        return None

    @property
    def chair(self) -> Person | None:
        member = self.member_in(PanelMember.Role.CHAIR)
        return member.person if member else None

    @property
    def deputy_chair(self) -> Person | None:
        member = self.member_in(PanelMember.Role.DEPUTY_CHAIR)
        return member.person if member else None


class PanelDateChange(models.Model):
    """A panel moved to another day, kept for good (MOD-SUBMIT): who moved it and when, the
    old and new meeting and deadline, and which portfolios the move made late or on time.

    Never edited: each move is a new row.
    """

    panel = models.ForeignKey(Panel, models.CASCADE, related_name="date_changes")
    held_on_before = models.DateField("meeting date before")
    held_on_after = models.DateField("meeting date after")
    due_on_before = models.DateField("portfolios due by, before")
    due_on_after = models.DateField("portfolios due by, after")
    changed_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    # Portfolio codes (never names: MOD-ANON) the move made late, and no longer late.
    became_late = models.JSONField(default=list, blank=True)
    no_longer_late = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(held_on_before=F("held_on_after")),
                name="%(app_label)s_%(class)s_date_changed",
                violation_error_message="MOD-SUBMIT: a date change moves the meeting.",
            ),
        ]

    def __str__(self):
        return (
            f"{self.panel}: moved from {self.held_on_before:%d/%m/%Y} to "
            f"{self.held_on_after:%d/%m/%Y}"
        )


class PanelMemberRole(models.TextChoices):
    CHAIR = "chair", "Chair (Principal Social Worker)"
    DEPUTY_CHAIR = (
        "deputy_chair",
        "Deputy chair (Service Development Lead – Professional Practice)",
    )
    LD_OFFICER = "ld_officer", "Learning and Development Officer, Professional Practice"
    SDL_ADULTS = "sdl_adults", "Service Development Lead – Adult Services"
    GROUP_MANAGER = "group_manager", "Group manager"
    SERVICE_USER = "service_user", "Service user"
    UNIVERSITY = "university", "University"


# The seats filled by name rather than by a member of staff (MOD-PANEL).
EXTERNAL_PANEL_ROLES = (PanelMemberRole.SERVICE_USER, PanelMemberRole.UNIVERSITY)


class PanelMember(models.Model):
    """A seat on a panel in its MOD-PANEL role.

    Staff sit as themselves (a Person, who signs in). The service user and the university
    member sit either as themselves, with a sign-in of their own (a Person with the
    external panel member role and no service), and are then allocated portfolios to read
    in the app like any moderator (MOD-ANON); or by name only, reading the anonymised PDFs
    the Professional Practice team sends them.
    """

    Role = PanelMemberRole

    # MOD-PANEL: the job role each seat needs.
    JOB_ROLES = {
        Role.CHAIR: {Person.Role.PRINCIPAL_SOCIAL_WORKER, Person.Role.SERVICE_DEVELOPMENT_LEAD},
        Role.DEPUTY_CHAIR: {Person.Role.SERVICE_DEVELOPMENT_LEAD},
        Role.LD_OFFICER: {Person.Role.LD_OFFICER},
        # Issue 15 item 2: the adult-services lead has a role of their own, outside the
        # Professional Practice team.
        Role.SDL_ADULTS: {Person.Role.ADULT_SERVICES_LEAD},
        Role.GROUP_MANAGER: {Person.Role.GROUP_MANAGER},
        Role.SERVICE_USER: {Person.Role.EXTERNAL_PANEL_MEMBER},
        Role.UNIVERSITY: {Person.Role.EXTERNAL_PANEL_MEMBER},
    }
    EXTERNAL_ROLES = frozenset(EXTERNAL_PANEL_ROLES)
    # Members who read and moderate portfolios; the chair chairs and sees every form.
    # External members moderate when they sit with a sign-in (`moderates` needs a person).
    MODERATOR_ROLES = frozenset(
        {
            Role.DEPUTY_CHAIR,
            Role.LD_OFFICER,
            Role.SDL_ADULTS,
            Role.GROUP_MANAGER,
            Role.SERVICE_USER,
            Role.UNIVERSITY,
        }
    )

    panel = models.ForeignKey(Panel, models.CASCADE, related_name="members")
    role = models.CharField(max_length=15, choices=Role.choices)
    person = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="panel_seats"
    )
    name = models.CharField(
        max_length=150, blank=True, help_text="For a service user or university member."
    )
    organisation = models.CharField(max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=PanelMemberRole.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="MOD-PANEL: unknown panel role.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=EXTERNAL_PANEL_ROLES)
                & (Q(person__isnull=False, name="") | Q(person__isnull=True) & ~Q(name=""))
                | ~Q(role__in=EXTERNAL_PANEL_ROLES) & Q(person__isnull=False),
                name="%(app_label)s_%(class)s_staff_or_named",
                violation_error_message=(
                    "MOD-PANEL: staff members sit as themselves; the service user and the "
                    "university sit as themselves (with a sign-in) or by name, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["panel", "role"],
                condition=Q(role__in=[PanelMemberRole.CHAIR, PanelMemberRole.DEPUTY_CHAIR]),
                name="%(app_label)s_%(class)s_one_chair_one_deputy",
                violation_error_message="MOD-PANEL: a panel has one chair and one deputy chair.",
            ),
            models.UniqueConstraint(
                fields=["panel", "person"],
                condition=Q(person__isnull=False),
                name="%(app_label)s_%(class)s_one_seat_each",
                violation_error_message="This person already sits on the panel.",
            ),
        ]

    def __str__(self):
        return f"{self.display_name}, {self.get_role_display()}"

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person_id else self.name

    @property
    def moderates(self) -> bool:
        return self.person_id is not None and self.role in self.MODERATOR_ROLES

    @property
    def reads_only_the_pdfs(self) -> bool:
        """A member with no allocation in the app (an external reader, say): not the chair."""
        return not self.moderates and self.role != self.Role.CHAIR

    def clean(self):
        wanted = self.JOB_ROLES.get(self.role)
        if wanted and self.person_id and self.person.role not in wanted:
            roles = " or ".join(sorted(Person.Role(r).label.lower() for r in wanted))
            article = "an" if roles[0] in "aeiou" else "a"
            raise ValidationError(
                {
                    "person": (
                        f"MOD-PANEL: the {self.get_role_display().split(' (')[0].lower()} is "
                        f"{article} {roles}; {self.person.full_name} is a "
                        f"{self.person.get_role_display().lower()}."
                    )
                }
            )


# --- Submissions ------------------------------------------------------------------------------


def _unallocated() -> Q:
    """MOD-ALLOCATE: a place with no moderator yet and no decision, which is what the
    automatic allocation takes on (`services.allocate_automatically`)."""
    return ~Exists(Allocation.objects.filter(submission=OuterRef("pk"))) & ~Exists(
        Decision.objects.filter(submission=OuterRef("pk"))
    )


# MOD-SUBMIT: a place still waiting on the NQSW (or their assessor) to submit: not yet in,
# and the panel still open (once it is closed nothing can be submitted). The same rule as
# `Submission.awaits_submission`, as a query.
AWAITING_SUBMISSION = Q(submitted_at__isnull=True, panel__closed_at__isnull=True)


class SubmissionQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def unallocated(self):
        return self.filter(_unallocated())

    def with_unallocated(self):
        """Each place annotated `unallocated` (MOD-ALLOCATE), for a count among others."""
        return self.annotate(unallocated=ExpressionWrapper(_unallocated(), BooleanField()))

    def awaiting_submission(self):
        return self.filter(AWAITING_SUBMISSION)

    def pdf_progress(self) -> "PdfProgress":
        """How many of the submitted portfolios have their anonymised PDF, in one query."""
        counts = self.submitted().aggregate(
            submitted=models.Count("pk"),
            **{
                status: models.Count("pk", filter=Q(pdf_status=status))
                for status in (PdfStatus.READY, PdfStatus.PENDING, PdfStatus.FAILED)
            },
        )
        return PdfProgress(**counts)


@dataclass(frozen=True)
class PdfProgress:
    """The panel's PDFs: `ready` of `submitted` rendered, `pending` on their way, `failed`."""

    submitted: int
    ready: int
    pending: int
    failed: int

    @property
    def missing(self) -> int:
        """Neither rendered nor on their way: what "render all" asks for."""
        return self.submitted - self.ready - self.pending


class Submission(models.Model):
    """One NQSW's place at one panel, and once submitted, the frozen anonymised portfolio.

    The row is made when the Professional Practice team enters the NQSW for the panel, with
    its code. Submitting freezes the portfolio as it is that day: the anonymised HTML, the
    facts the moderation form's checklist reads, and the hash of the print document; the PDF
    is rendered from them in the background. A trigger (migration 0003) refuses any change to
    the code, or to a submitted snapshot, whoever attempts it.
    """

    panel = models.ForeignKey(Panel, models.PROTECT, related_name="submissions")
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="moderation_submissions")
    code = models.CharField(max_length=9, unique=True, default=new_code, editable=False)
    entered_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now, editable=False)

    # MOD-SUBMIT: after the deadline only the chair can let a portfolio in, and it is flagged.
    late_accepted_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    late_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    late = models.BooleanField(default=False, editable=False)
    # MOD-FAIL-FULL: the assessor's FAIL recommendation, or the assessor's word at submission.
    fail_pathway = models.BooleanField(default=False)
    # The assessor's signed-off recommendation when submitted ("pass", "fail"; "" for none).
    recommendation = models.CharField(max_length=4, blank=True, editable=False)
    snapshot_html = models.TextField(blank=True, editable=False)
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    pdf = models.FileField(upload_to="moderation/submissions/", blank=True)
    pdf_status = models.CharField(max_length=7, choices=PdfStatus.choices, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    # The snapshot is frozen (the trigger sees to it): history rows need not copy it.
    history = HistoricalRecords(excluded_fields=["snapshot_html", "snapshot"])
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "enrolment"],
                name="%(app_label)s_%(class)s_once_per_panel",
                violation_error_message="This NQSW is already entered for the panel.",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN),
                name="%(app_label)s_%(class)s_code_format",
                violation_error_message="A portfolio code looks like K7QX-2MZP.",
            ),
            models.CheckConstraint(
                condition=Q(
                    submitted_at__isnull=True,
                    submitted_by__isnull=True,
                    snapshot_html="",
                    content_hash="",
                    late=False,
                    recommendation="",
                )
                | Q(submitted_at__isnull=False, submitted_by__isnull=False)
                & ~Q(snapshot_html="")
                & ~Q(content_hash=""),
                name="%(app_label)s_%(class)s_submission_complete",
                violation_error_message=(
                    "MOD-SUBMIT: a submission names who submitted it and when, with the "
                    "frozen portfolio."
                ),
            ),
            models.CheckConstraint(
                condition=Q(late_accepted_at__isnull=True, late_accepted_by__isnull=True)
                | Q(late_accepted_at__isnull=False, late_accepted_by__isnull=False),
                name="%(app_label)s_%(class)s_late_acceptance_complete",
                violation_error_message="Accepting a late portfolio names who and when.",
            ),
            models.CheckConstraint(
                condition=Q(late=False) | Q(late_accepted_at__isnull=False),
                name="%(app_label)s_%(class)s_late_only_when_accepted",
                violation_error_message=(
                    "MOD-SUBMIT: a late portfolio goes in only once the chair accepts it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", *RecommendationOutcome.values]),
                name="%(app_label)s_%(class)s_recommendation_valid",
                violation_error_message="The assessor recommends PASS or FAIL.",
            ),
            *_pdf_constraints("submission", "pdf_status", "pdf", optional=True),
        ]

    def __str__(self):
        return f"Portfolio {self.code}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def awaits_submission(self) -> bool:
        """MOD-SUBMIT: not yet in while the panel is open (AWAITING_SUBMISSION)."""
        return not self.is_submitted and self.panel.is_open

    def is_overdue(self, today: date | None = None) -> bool:
        """MOD-SUBMIT: past the deadline and not in (flagged to the chair)."""
        today = today or timezone.localdate()
        return not self.is_submitted and today > self.panel.submissions_due_on

    @property
    def pdf_name(self) -> str:
        """The file name moderators download: the code only (MOD-ANON)."""
        return f"portfolio-{self.code}.pdf"


# --- Moderators and their forms ---------------------------------------------------------------


class Allocation(models.Model):
    """A portfolio allocated to a panel member to read and moderate (MOD-ALLOCATE)."""

    submission = models.ForeignKey(Submission, models.PROTECT, related_name="allocations")
    moderator = models.ForeignKey(PanelMember, models.PROTECT, related_name="allocations")
    allocated_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Made by the automatic allocation (False: by hand).
    automatic = models.BooleanField(default=False)
    # The same moderator read this NQSW's portfolio at an earlier panel (MOD-ALLOCATE).
    continued = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "moderator"],
                name="%(app_label)s_%(class)s_once_per_moderator",
                violation_error_message="This moderator already has this portfolio.",
            ),
        ]

    def __str__(self):
        return f"{self.submission} to {self.moderator.display_name}"

    def clean(self):
        if not (self.submission_id and self.moderator_id):
            return
        if self.moderator.panel_id != self.submission.panel_id:
            raise ValidationError("MOD-ALLOCATE: the moderator sits on another panel.")
        if not self.moderator.moderates:
            raise ValidationError(
                f"MOD-ALLOCATE: {self.moderator.display_name} sits as "
                f"{self.moderator.get_role_display().lower()} and does not moderate portfolios "
                "in the app."
            )
        enrolment = self.submission.enrolment
        person_id = self.moderator.person_id
        if person_id == enrolment.assessor_id:
            raise ValidationError(
                f"MOD-ALLOCATE: {self.moderator.display_name} is this NQSW's assessor and "
                "cannot moderate their portfolio."
            )
        if person_id == enrolment.practice_group.practice_manager_id:
            raise ValidationError(
                f"MOD-ALLOCATE: {self.moderator.display_name} is this NQSW's practice manager "
                "and cannot moderate their portfolio."
            )
        if person_id == enrolment.person_id:
            raise ValidationError("MOD-ALLOCATE: nobody moderates their own portfolio.")
        if knows_enrolment(self.moderator.person, enrolment):
            raise ValidationError(
                f"MOD-ANON: {self.moderator.display_name} can open this NQSW's named portfolio "
                "(they manage the NQSW's team or service), so the code would not hide whose it is: "
                "allocate it to another moderator."
            )


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_YET = "na", "Not due yet"


def _answer(label: str, help_text: str = "") -> models.CharField:
    return models.CharField(
        label, max_length=3, choices=Answer.choices, blank=True, help_text=help_text
    )


# (field, label) in the order of the form: MOD-CHECKLIST's list, then the judgement.
CHECKLIST = [
    ("agreement", "The support and assessment agreement"),
    ("review_three", "The 3-month review"),
    ("review_six", "The 6-month review"),
    ("final_report", "The final report (the final review and the recommendation)"),
    ("supervision", "Supervision at the agreed frequency"),
    ("reduced_workload", "The reduced (protected) workload"),
    ("protected_time", "Use of the 10% protected time"),
    ("reflection_logs", "Every part of the critical reflection log"),
    ("development_plans", "Each development plan"),
    ("observations", "At least three direct observations"),
]
# A programme whose reviews before the panel include points other than the 3- and 6-month
# (the ECDP's 12- and 18-month, issue 14) gets one more checklist answer; the submission's
# snapshot lists those points (anonymise.facts), and the question is asked only then, so
# the ASYE's form is the checklist above and nothing more.
OTHER_REVIEWS = "review_others"
OTHER_REVIEWS_LABEL = "The programme's other reviews due by this panel"
JUDGEMENT = [
    ("accurate", "Accurate"),
    ("valid", "Valid"),
    ("robust", "Robust"),
    ("sufficient", "Sufficient"),
]


class ModerationForm(models.Model):
    """A moderator's form on one portfolio (MOD-CHECKLIST): the checklist, then the judgement.

    Saved as a draft while reading; complete once every question is answered. The moderator
    marks concerns the chair must see before the meeting (MOD-FAIL-FULL).
    """

    CHECKLIST = CHECKLIST
    JUDGEMENT = JUDGEMENT

    allocation = models.OneToOneField(Allocation, models.PROTECT, related_name="form")
    agreement = _answer("The support and assessment agreement")
    review_three = _answer("The 3-month review")
    review_six = _answer("The 6-month review")
    review_others = _answer(OTHER_REVIEWS_LABEL)
    final_report = _answer("The final report (the final review and the recommendation)")
    supervision = _answer("Supervision at the agreed frequency")
    reduced_workload = _answer("The reduced (protected) workload")
    protected_time = _answer("Use of the 10% protected time")
    reflection_logs = _answer("Every part of the critical reflection log")
    development_plans = _answer("Each development plan")
    observations = _answer("At least three direct observations")
    accurate = _answer("Accurate")
    valid = _answer("Valid")
    robust = _answer("Robust")
    sufficient = _answer("Sufficient")
    strengths = models.TextField("What was good", blank=True)
    gaps = models.TextField("Gaps", blank=True)
    comments = models.TextField("Comments on the assessor's judgement", blank=True)
    concerns = models.BooleanField(
        "There are concerns the chair should see before the meeting", default=False
    )
    concern_details = models.TextField("The concerns", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["allocation"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__in": ["", *Answer.values]}),
                    name=f"%(app_label)s_%(class)s_{name}_answer_valid",
                    violation_error_message="Answer yes, no or not due yet.",
                )
                for name, _ in CHECKLIST + [(OTHER_REVIEWS, "")] + JUDGEMENT
            ],
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(
                    **{f"{name}__in": Answer.values for name, _ in CHECKLIST},
                    **{f"{name}__in": [Answer.YES, Answer.NO] for name, _ in JUDGEMENT},
                )
                & ~Q(comments=""),
                name="%(app_label)s_%(class)s_complete_when_answered",
                violation_error_message=(
                    "MOD-CHECKLIST: a completed form answers every question and comments on "
                    "the assessor's judgement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(concerns=False) | ~Q(concern_details=""),
                name="%(app_label)s_%(class)s_concerns_explained",
                violation_error_message="MOD-FAIL-FULL: say what the concerns are.",
            ),
        ]

    def __str__(self):
        return f"Moderation form on {self.allocation.submission}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def other_reviews(self) -> list[dict]:
        """The programme's other reviews due by the panel, as the submission's snapshot
        recorded them ({"label", "due", "signed_off"}); none for the ASYE."""
        if self.allocation_id is None:
            return []
        snapshot = self.allocation.submission.snapshot or {}
        return (snapshot.get("checklist") or {}).get(OTHER_REVIEWS) or []

    def other_reviews_label(self) -> str:
        labels = ", ".join(review["label"] for review in self.other_reviews())
        return f"{OTHER_REVIEWS_LABEL} ({labels})"

    def checklist_questions(self) -> list[tuple[str, str]]:
        """(field, label) of the checklist this portfolio is asked: MOD-CHECKLIST's, and
        after the 6-month review the programme's other reviews when it has some."""
        questions = list(self.CHECKLIST)
        if self.other_reviews():
            at = [name for name, _ in questions].index("review_six") + 1
            questions.insert(at, (OTHER_REVIEWS, self.other_reviews_label()))
        return questions

    def checklist(self) -> list[tuple[str, str, str]]:
        """(field, label, answer label) for the checklist, in order."""
        return [(n, label, self._label(n)) for n, label in self.checklist_questions()]

    def judgement(self) -> list[tuple[str, str, str]]:
        return [(n, label, self._label(n)) for n, label in self.JUDGEMENT]

    def _label(self, name: str) -> str:
        value = getattr(self, name)
        return Answer(value).label if value else "Not answered"

    def clean(self):
        errors = {}
        if self.concerns and not self.concern_details.strip():
            errors["concern_details"] = "MOD-FAIL-FULL: say what the concerns are."
        if self.completed_at is not None:
            # The constraint requires the fixed answers; the programme's other reviews are
            # required when the snapshot lists some (the database cannot read it).
            for name, label in self.checklist_questions():
                if not getattr(self, name):
                    errors[name] = f"MOD-CHECKLIST: answer “{label}”."
            for name, label in self.JUDGEMENT:
                if getattr(self, name) not in (Answer.YES, Answer.NO):
                    errors[name] = f"MOD-CHECKLIST: say whether the judgement is {label.lower()}."
            if not self.comments.strip():
                errors["comments"] = "MOD-CHECKLIST: comment on the assessor's judgement."
        if errors:
            raise ValidationError(errors)


# --- Decisions --------------------------------------------------------------------------------


class DecisionVerdict(models.TextChoices):
    VERIFIED = "verified", "Verified: the panel agrees with the assessor"
    NOT_VERIFIED = "not_verified", "Not verified: the panel does not agree"
    DEFERRED = "deferred", "Deferred"


class DecisionOutcome(models.TextChoices):
    NONE = "", "No change to the ASYE"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    DEFERRED = "deferred", "Deferred"


class DecisionQuerySet(models.QuerySet):
    def latest_versions(self):
        """The panel's decision on each portfolio: the version no later one replaces."""
        later = Decision.objects.filter(
            submission=OuterRef("submission"), version__gt=OuterRef("version")
        )
        return self.filter(~Exists(later))

    def awaiting_sign_off(self):
        """MOD-DECISION: drafts, final only once the chair signs them off (a draft is always
        the latest version: one draft per portfolio, made after every signed one)."""
        return self.filter(signed_off_at__isnull=True)

    def awaiting_progression(self):
        """PROGRESSION: signed-off final PASSes (the panel's decision in force) with no pay
        progression authorised on them yet (`services.authorise_progression`)."""
        return self.latest_versions().filter(
            signed_off_at__isnull=False,
            outcome=DecisionOutcome.PASSED,
            submission__panel__kind=PanelKind.FINAL,
            progression__isnull=True,
        )


class Decision(models.Model):
    """What the panel decided on one portfolio (MOD-DECISION), versioned.

    The panel verifies the assessor's recommendation, does not, or defers. Once the chair
    signs a version off it is final: a trigger (migration 0003) refuses any UPDATE of a
    signed-off row, and a change is a new version with its reason. The latest version is the
    panel's decision. On a final panel a signed decision sets the enrolment's outcome
    (NAT-OUTCOME), recorded in `outcome`.
    """

    Verdict = DecisionVerdict
    Outcome = DecisionOutcome

    submission = models.ForeignKey(Submission, models.PROTECT, related_name="decisions")
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, editable=False)
    reasons = models.TextField("Why")
    change_reason = models.TextField("Why this decision replaces the signed-off one", blank=True)
    recorded_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_off_by = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords()
    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "version"],
                name="%(app_label)s_%(class)s_one_row_per_version",
            ),
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(signed_off_at__isnull=True),
                name="%(app_label)s_%(class)s_one_draft",
                violation_error_message="There is already a draft decision: carry on with it.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
                violation_error_message="Versions are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True, signed_off_by__isnull=True)
                | Q(signed_off_at__isnull=False, signed_off_by__isnull=False),
                name="%(app_label)s_%(class)s_sign_off_complete",
                violation_error_message="A sign-off names who signed and when.",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(change_reason=""),
                name="%(app_label)s_%(class)s_new_version_has_reason",
                violation_error_message="MOD-DECISION: say why this decision replaces the "
                "signed-off one.",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=DecisionVerdict.values),
                name="%(app_label)s_%(class)s_verdict_valid",
                violation_error_message="MOD-DECISION: the panel verifies, does not, or defers.",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
                violation_error_message="NAT-OUTCOME: passed, failed or deferred.",
            ),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.NONE)
                | Q(
                    verdict=DecisionVerdict.VERIFIED,
                    outcome__in=[DecisionOutcome.PASSED, DecisionOutcome.FAILED],
                )
                | Q(verdict=DecisionVerdict.DEFERRED, outcome=DecisionOutcome.DEFERRED),
                name="%(app_label)s_%(class)s_outcome_follows_verdict",
                violation_error_message=(
                    "NAT-OUTCOME: a verified decision passes or fails the ASYE, a deferral "
                    "defers it; not verifying sets no outcome."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reasons=""),
                name="%(app_label)s_%(class)s_has_reasons",
                violation_error_message="MOD-DECISION: record why.",
            ),
        ]

    def __str__(self):
        return f"Decision on {self.submission}, version {self.version}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def verdict_short(self) -> str:
        return self.get_verdict_display().split(":")[0]

    def clean(self):
        if self.pk:
            stored = Decision.objects.filter(pk=self.pk).values_list("signed_off_at", flat=True)
            if stored and stored[0] is not None:
                raise ValidationError(
                    "MOD-DECISION: this decision was signed off and cannot be changed: record "
                    "a new decision instead."
                )


# --- What the panel produces ------------------------------------------------------------------


class ModerationRecord(models.Model):
    """The completed moderation form of one NQSW at one panel, added to their portfolio as
    a PDF (MOD-FORM): every moderator's form and the signed-off decision it led to.

    One per signed-off decision, so a later decision adds a new record beside the old one.
    """

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="moderation_records")
    submission = models.ForeignKey(Submission, models.PROTECT, related_name="records")
    decision = models.OneToOneField(Decision, models.PROTECT, related_name="record")
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=7, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(upload_to="moderation/forms/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [*_pdf_constraints("moderationrecord")]

    def __str__(self):
        return f"Moderation form ({self.submission.panel})"


class ProgressionAuthorisation(models.Model):
    """The chair's authorisation of pay progression after a final moderated PASS (PROGRESSION).

    Tied to the signed-off decision it rests on; a later decision that is not a PASS
    withdraws it (the row stays, with when and why).
    """

    enrolment = models.ForeignKey(
        Enrolment, models.PROTECT, related_name="progression_authorisations"
    )
    decision = models.OneToOneField(Decision, models.PROTECT, related_name="progression")
    progression_point = models.CharField(max_length=10)
    effective_from = models.DateField()
    authorised_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=7, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(upload_to="moderation/progression/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-authorised_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(progression_point=""),
                name="%(app_label)s_%(class)s_has_point",
                violation_error_message="PROGRESSION: name the pay point.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawal_explained",
                violation_error_message="Say why the authorisation is withdrawn.",
            ),
            *_pdf_constraints("progressionauthorisation"),
        ]

    def __str__(self):
        return f"Pay progression to {self.progression_point}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ExternalSample(models.Model):
    """A sample of portfolios for the external moderation panel (MOD-EXTERNAL), exported as
    one ZIP of anonymised PDFs and a manifest: what leaves the authority, and nothing more."""

    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(Person, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submissions = models.ManyToManyField(
        Submission, through="ExternalSampleItem", related_name="external_samples"
    )
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=7, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(upload_to="moderation/external/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [*_pdf_constraints("externalsample")]

    def __str__(self):
        return self.title

    @property
    def zip_name(self) -> str:
        return f"external-moderation-sample-{self.pk}.zip"


class ExternalSampleItem(models.Model):
    sample = models.ForeignKey(ExternalSample, models.CASCADE, related_name="items")
    submission = models.ForeignKey(Submission, models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["sample", "submission__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "submission"], name="%(app_label)s_%(class)s_once_per_sample"
            ),
        ]

    def __str__(self):
        return f"{self.submission} in {self.sample}"
