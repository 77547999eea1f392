import datetime

from django.db import migrations

# TRAINING-MANDATORY: "repeated cancellations (3 or more (inferred)) are flagged to the
# Service Development Lead – Professional Practice"; the guidance says only "frequently
# cancelling" (NQSW Academy Guidance, Oct 2016). Three, editable in the admin.


def seed(apps, schema_editor):
    CancellationPolicy = apps.get_model("learning", "CancellationPolicy")
    CancellationPolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1), defaults={"flag_at": 3}
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0200_pathway_concerns_move_on")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
