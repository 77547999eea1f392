import datetime
from decimal import Decimal

from django.db import migrations

# STUDY-DAYS, from the guidance: "All NQSW's are entitled to 3 study days. These will be
# taken as agreed by the Practice Manager." and "Trainees are entitled to Study leave whilst
# studying. For the Open University this is 1/2 per module per week. For Chichester Trainees
# they will receive the Study weeks from the University plus an additional 3 days each
# Academic year." (NQSW Academy Guidance, Oct 2016.)
ENTITLEMENTS = [
    # learner, days, days per module per week, adds the university's weeks, per academic year
    ("nqsw", Decimal("3"), Decimal("0"), False, False),
    ("OU_BA", Decimal("0"), Decimal("0.5"), False, True),
    ("CHI_MA", Decimal("3"), Decimal("0"), True, True),
]


def seed(apps, schema_editor):
    StudyEntitlement = apps.get_model("learning", "StudyEntitlement")
    for learner, days, per_module_week, weeks, yearly in ENTITLEMENTS:
        StudyEntitlement.objects.get_or_create(
            learner=learner,
            effective_from=datetime.date(2016, 10, 1),
            defaults={
                "days": days,
                "days_per_module_week": per_module_week,
                "adds_university_weeks": weeks,
                "per_academic_year": yearly,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0102_study_days")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
