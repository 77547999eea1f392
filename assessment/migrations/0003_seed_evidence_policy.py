import datetime

from django.db import migrations


def seed(apps, schema_editor):
    # NAT-EVIDENCE and OBS-THREE as the rules file states them; LOGS' 14 days is inferred.
    EvidencePolicy = apps.get_model("assessment", "EvidencePolicy")
    EvidencePolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1),
        defaults={
            "observations": 3,
            "observations_by_assessor": 2,
            "observations_by_others": 1,
            "child_feedback": 3,
            "professional_feedback": 3,
            "written_work": 3,
            "log_feedback_days": 14,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_seed_frameworks")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
