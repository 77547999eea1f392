import datetime

from django.db import migrations


def seed(apps, schema_editor):
    # EXT-1 ("longer than 6 weeks") and MONTH-2's inferred rounding to the nearest month.
    ExtensionPolicy = apps.get_model("cohorts", "ExtensionPolicy")
    ExtensionPolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1),
        defaults={"minimum_absence_days": 42, "rounding": "nearest"},
    )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
