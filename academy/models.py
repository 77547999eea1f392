from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Service(models.Model):
    """CA&I, CLA or FS&P: seeded by a data migration, the caps and stages hang off it."""

    class Code(models.TextChoices):
        CAI = "CAI", "Contact, Assessment and Intervention"
        CLA = "CLA", "Children Looked After"
        FSP = "FSP", "Family Support and Protection"

    code = models.CharField(max_length=3, unique=True, choices=Code.choices)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.short_name

    @property
    def short_name(self):
        return {self.Code.CAI: "CA&I", self.Code.CLA: "CLA", self.Code.FSP: "FS&P"}.get(
            self.code, self.code
        )


class Office(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PersonRole(models.TextChoices):
    NQSW = "nqsw", "Newly qualified social worker"
    TRAINEE = "trainee", "Trainee social worker"
    GRADE10 = "grade10", "Grade 10/11 social worker"
    ASWP = "aswp", "Advanced social work professional"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    GROUP_MANAGER = "group_manager", "Group manager"
    ASSESSOR = "assessor", "ASYE assessor"
    SERVICE_DEVELOPMENT_LEAD = (
        "service_development_lead",
        "Service Development Lead – Professional Practice",
    )
    # MOD-PANEL: an ordinary panel member from adult services, not of the Professional
    # Practice team (issue 15 item 2): they see only the portfolios allocated to them.
    ADULT_SERVICES_LEAD = "adult_services_lead", "Service Development Lead – Adult Services"
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker", "Principal Social Worker"
    LD_OFFICER = "ld_officer", "Learning and Development Officer"
    # MOD-PANEL's service-user and university members: they sign in to read the anonymised
    # portfolios allocated to them, and work for no service of the council.
    EXTERNAL_PANEL_MEMBER = "external_panel_member", "External moderation panel member"
    ADMIN = "admin", "Administrator"


class Person(models.Model):
    """The staff profile behind a login: one per user, keyed by the council's staff id."""

    Role = PersonRole

    # Roles that are qualified, registered practitioners and so may assess, co-work and
    # stand as the experienced worker on a case.
    QUALIFIED_ROLES = frozenset(
        {
            Role.GRADE10,
            Role.ASWP,
            Role.SOCIAL_WORKER,
            Role.PRACTICE_MANAGER,
            Role.GROUP_MANAGER,
            Role.ASSESSOR,
            Role.SERVICE_DEVELOPMENT_LEAD,
            Role.PRINCIPAL_SOCIAL_WORKER,
            Role.LD_OFFICER,
        }
    )
    # The Professional Practice team: runs moderation and sees every cohort. Not the
    # adult-services lead nor the external members, who sit on the panel as moderators.
    PROFESSIONAL_PRACTICE_ROLES = frozenset(
        {Role.PRINCIPAL_SOCIAL_WORKER, Role.SERVICE_DEVELOPMENT_LEAD, Role.LD_OFFICER}
    )

    # NQSWs and trainees: what they see is their own enrolment.
    EARLY_CAREER_ROLES = frozenset({Role.NQSW, Role.TRAINEE})

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    staff_id = models.CharField(
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$",
                "A staff id is letters, digits and hyphens, at most 20 characters.",
            )
        ],
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField(unique=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    service = models.ForeignKey(Service, models.PROTECT, null=True, blank=True)
    # The academy team a member of staff works in or supports (Grade 10/11, ASWP...).
    # NQSWs and trainees are placed through their enrolment instead.
    practice_group = models.ForeignKey(
        "PracticeGroup", models.SET_NULL, null=True, blank=True, related_name="staff"
    )
    swe_registration = models.CharField(
        "Social Work England registration number",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^SW\d{1,8}$", "A registration number looks like SW123456.")],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        # By name a page at a time (the admin's list ties on -pk; enrolments list by name).
        indexes = [
            models.Index(fields=["full_name", "-id"], name="academy_person_name"),
            # The few of a role among every NQSW: ASWPs in post, experienced workers.
            models.Index(fields=["role"], name="academy_person_role"),
        ]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=PersonRole.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="Unknown job role.",
            ),
            # An NQSW is by definition registered with Social Work England; trainees are not.
            models.CheckConstraint(
                condition=~Q(role=PersonRole.TRAINEE) | Q(swe_registration=""),
                name="%(app_label)s_%(class)s_trainee_unregistered",
                violation_error_message="A trainee is not yet registered with Social Work England.",
            ),
            # MOD-PANEL: the service-user and university members are not staff of a service,
            # so no service or team can widen what they see.
            models.CheckConstraint(
                condition=~Q(role=PersonRole.EXTERNAL_PANEL_MEMBER)
                | Q(service__isnull=True, practice_group__isnull=True),
                name="%(app_label)s_%(class)s_external_member_no_service",
                violation_error_message=(
                    "MOD-PANEL: an external panel member works for no service or academy team."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.staff_id})"

    @property
    def is_professional_practice(self):
        return self.role in self.PROFESSIONAL_PRACTICE_ROLES

    @property
    def is_early_career(self):
        return self.role in self.EARLY_CAREER_ROLES

    @property
    def is_qualified(self):
        return self.role in self.QUALIFIED_ROLES


class PracticeGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        from academy.access import practice_group_filter

        return self.filter(practice_group_filter(user)).distinct()


class PracticeGroup(models.Model):
    """An academy team: one office, one service, led by a PM, managed by a GM."""

    name = models.CharField(max_length=100, unique=True)
    office = models.ForeignKey(Office, models.PROTECT, related_name="practice_groups")
    service = models.ForeignKey(Service, models.PROTECT, related_name="practice_groups")
    practice_manager = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="led_groups"
    )
    group_manager = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="managed_groups"
    )

    history = HistoricalRecords()
    objects = PracticeGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.practice_manager_id and self.practice_manager.role == PersonRole.ASWP:
            raise ValidationError({"practice_manager": "ASWP-ROLE: an ASWP never manages staff."})
        if self.practice_manager_id and self.pk:
            # ASSESSOR-INDEPENDENT also holds when a group gets a new PM.
            # Only current enrolments: having assessed someone who has since finished
            # does not bar anyone from leading the group.
            clash = (
                self.enrolments.current()
                .filter(assessor_id=self.practice_manager_id)
                .select_related("person")
            )
            if clash.exists():
                names = ", ".join(e.person.full_name for e in clash[:5])
                raise ValidationError(
                    {
                        "practice_manager": (
                            f"ASSESSOR-INDEPENDENT: {self.practice_manager.full_name} assesses "
                            f"{names} in this group and so cannot be their practice manager."
                        )
                    }
                )


class FormSubmission(models.Model):
    """A one-time form token claimed by the POST that saves it (issue 15 item 4).

    Claimed in the database rather than in the session: two simultaneous POSTs of one form
    (a double click that reaches two workers) each load the session before either saves
    it, so a session check lets both through; the unique token lets only one.
    """

    token = models.UUIDField(unique=True)
    # Where the saved record is, once the view has redirected to it; empty while the first
    # POST is still being handled.
    location = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return str(self.token)
