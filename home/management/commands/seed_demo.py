"""`manage.py seed_demo`: fill the database with a believable demo academy.

The spine's own step (`cohorts.demo.build`) creates the organisation, people, cohorts,
enrolments and an extension, and returns the key people. Each feature app names its own
step in its AppConfig (`demo_step = "caseloads.demo"`): a module with
`build(*, today, people)` that adds its rows around those people, idempotently like the
first. The steps run in INSTALLED_APPS order; a new app plugs in by naming its step.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.module_loading import import_string

from cohorts import demo
from cohorts.models import Cohort, Enrolment, Extension


def demo_steps() -> list[str]:
    """Dotted paths of the feature apps' demo steps, in INSTALLED_APPS order."""
    return [
        config.demo_step for config in apps.get_app_configs() if getattr(config, "demo_step", None)
    ]


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Create or refresh a demo academy dated around today, with demo logins that share "
        f"the password {demo.DEMO_PASSWORD!r}. Runs only with DEBUG on, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (a demo server): the logins' password is public.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                f"seed_demo adds demo logins whose password is published ({demo.DEMO_PASSWORD}), "
                "so it runs only with DEBUG on. If this really is a demo server, run it again "
                "with --force."
            )
        today = timezone.localdate()
        with transaction.atomic():
            people = demo.build(today)
            # The two-year ECDP pilot beside the ASYE (issue 14), before the features' steps
            # (assessment's loads its sample framework); apart from `build`, so the ASYE
            # demo the features' tests read is unchanged.
            demo.ecdp_pilot(people)
            for path in demo_steps():
                import_string(f"{path}.build")(today=today, people=people)
        self.print_summary(today, people)

    def print_summary(self, today, people):
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo academy ready for {today:%d/%m/%Y}."))
        demo_cohorts = Cohort.objects.filter(
            enrolments__person__email__endswith=f"@{demo.EMAIL_DOMAIN}"
        ).distinct()
        for cohort in demo_cohorts.order_by("start_date"):
            current = cohort.enrolments.current()
            nqsws = current.filter(kind=Enrolment.Kind.ASYE).count()
            trainees = current.filter(kind=Enrolment.Kind.TRAINEE).count()
            first_start = current.aggregate(first=Min("asye_start"))["first"]
            starts = f", ASYE from {first_start:%d/%m/%Y}" if first_start else ""
            out.write(
                f"  {cohort.name}: {count(nqsws, 'NQSW')}, {count(trainees, 'trainee')}{starts}"
            )
        extended = Extension.objects.filter(enrolment__person=people["extended_nqsw"]).first()
        if extended:
            out.write(
                f"  Extension: {people['extended_nqsw'].full_name}, "
                f"{extended.get_reason_display().lower()}, {count(extended.months, 'month')}"
            )
        out.write(f"\nDemo logins (password {demo.DEMO_PASSWORD}):")
        for username, description in self.logins(people):
            out.write(f"  {username:<17} {description}")

    def ecdp_login(self):
        """The ECDP pilot's NQSW (issue 14), when the pilot step ran."""
        found = Enrolment.objects.current().filter(person__user__username="ecdp.demo")
        enrolment = found.select_related("person", "cohort", "practice_group").first()
        if enrolment is None:
            return []
        return [
            (
                "ecdp.demo",
                f"{enrolment.person.full_name}, NQSW in the {enrolment.cohort.name} pilot "
                f"(24 months) in {enrolment.practice_group.name}",
            )
        ]

    def logins(self, people):
        pm, nqsw, trainee = people["pm"], people["nqsw"], people["trainee"]
        group = pm.led_groups.get()
        in_group = group.enrolments.current()
        assessed = Enrolment.objects.current().filter(assessor=people["assessor"]).count()
        gm = people["gm"]
        return [
            (
                "pm.demo",
                f"{pm.full_name}, practice manager of {group.name}: "
                f"{count(in_group.filter(kind=Enrolment.Kind.ASYE).count(), 'NQSW')}, "
                f"{count(in_group.filter(kind=Enrolment.Kind.TRAINEE).count(), 'trainee')}",
            ),
            (
                "gm.demo",
                f"{gm.full_name}, group manager for {gm.service.short_name}: "
                + ", ".join(g.name for g in gm.managed_groups.all()),
            ),
            (
                "assessor.demo",
                f"{people['assessor'].full_name}, ASYE assessor of {count(assessed, 'NQSW')}",
            ),
            ("nqsw.demo", f"{nqsw.full_name}, NQSW in {group.name}"),
            *self.ecdp_login(),
            ("trainee.demo", f"{trainee.full_name}, Chichester MA trainee in {group.name}"),
            (
                "chair.demo",
                f"{people['chair'].full_name}, principal social worker, moderation chair: "
                "every cohort",
            ),
            (
                "sdl.demo",
                f"{people['deputy_chair'].full_name}, Service Development Lead – Professional "
                "Practice, deputy chair: concerns and PiP, repeated cancellations",
            ),
            (
                "ld.demo",
                f"{people['ld_officer'].full_name}, learning and development officer: the "
                "training pathway and the workshops",
            ),
            ("admin.demo", f"{people['admin'].full_name}, administrator: everything, /admin/"),
            *[
                (user.username, f"{user.person.full_name}, {description}")
                for user, description in self.panel_logins()
            ],
        ]

    def panel_logins(self):
        """The logins a feature's demo step made, if it ran: the panel members with sign-ins
        of their own (MOD-PANEL: only the anonymised portfolios allocated to them) and the
        ASWP route's applicant and practitioner."""
        descriptions = {
            "adults.demo": "Service Development Lead – Adult Services, panel member",
            "serviceuser.demo": "the panel's service-user member",
            "university.demo": "the panel's university member",
            # The advanced practitioner route (issue 13), if the aswp step ran.
            "applicant.demo": "social worker with a draft ASWP application (/aswp/)",
            "aswp.demo": "advanced social work professional, one of five in post",
        }
        users = (
            get_user_model()
            .objects.filter(username__in=descriptions, person__isnull=False)
            .select_related("person")
        )
        return [(user, descriptions[user.username]) for user in users.order_by("username")]
