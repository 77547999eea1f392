import datetime
from decimal import Decimal

from django.db import migrations

# PROTECTED-TIME, from the guidance: "All NQSW's completing their ASYE have 10% of their
# time set aside for undertaking learning and development activities ... achieved through
# the Training programme, reflective workshops, group supervision, assessor sessions,
# study days and protected caseload." (NQSW Academy Guidance, Oct 2016.)
# Inferred (the guidance gives no hours): a 37-hour week (7.4 hours a day); a training
# course, a workshop and a study day are a working day; a group supervision or an assessor
# group session 2 hours.
KINDS = [
    ("training", "Training course", Decimal("7.4")),
    ("workshop", "University workshop", Decimal("7.4")),
    ("study_day", "Study day", Decimal("7.4")),
    ("group_supervision", "PM group supervision", Decimal("2")),
    ("assessor_session", "Assessor group session", Decimal("2")),
    ("other", "Other learning and development", Decimal("1")),
]


def seed(apps, schema_editor):
    ProtectedTimePolicy = apps.get_model("learning", "ProtectedTimePolicy")
    LearningTimeKind = apps.get_model("learning", "LearningTimeKind")
    ProtectedTimePolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1),
        defaults={"share_percent": Decimal(10), "weekly_hours": Decimal(37)},
    )
    for code, name, hours in KINDS:
        LearningTimeKind.objects.get_or_create(
            code=code, defaults={"name": name, "default_hours": hours}
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0106_protected_time")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
