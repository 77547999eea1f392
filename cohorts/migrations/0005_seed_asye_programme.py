"""Seed the ASYE as a Programme exactly as the app ran it before issue 14, and put every
existing cohort on it.

12 months (MONTH-3), the PCF applies (EVIDENCE), MOVE-ON in month 11 (July for a September
start); reviews due at the start of months 4 (3-month, inferred from Skills for Care
practice), 7 (6-month, moderated: MOD-POINTS) and 10 (9-month, optional: NAT-AGREEMENT);
the final review at the end, moderated. A two-year programme (the ECDP) is a new row,
made in the admin or by the demo.
"""

from django.db import migrations

SOURCE = (
    "shared/domain/asye-rules.md: MONTH-3 (12 months), REVIEWS (3-month inferred, 6-month, "
    "final), NAT-AGREEMENT (optional 9-month), MOD-POINTS (6 months and completion), MOVE-ON "
    "(July, month 11), EVIDENCE (PCF and KSS)."
)

# (month, label, optional, moderated)
POINTS = [
    (4, "3-month review", False, False),
    (7, "6-month review", False, True),
    (10, "9-month review", True, False),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("cohorts", "Programme")
    ProgrammePoint = apps.get_model("cohorts", "ProgrammePoint")
    Cohort = apps.get_model("cohorts", "Cohort")
    asye, _ = Programme.objects.get_or_create(
        name="ASYE",
        defaults={
            "length_months": 12,
            "pcf_applies": True,
            "move_on_month": 11,
            "source": SOURCE,
        },
    )
    for month, label, optional, moderated in POINTS:
        ProgrammePoint.objects.get_or_create(
            programme=asye,
            month=month,
            defaults={"label": label, "optional": optional, "moderated": moderated},
        )
    Cohort.objects.filter(programme__isnull=True).update(programme=asye)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0004_programme")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
