"""Seed ALLOC-BACKDATED's threshold (inferred): an allocation may start up to 14 days
before its request without a stated reason. Later changes are new rows in the admin."""

import datetime

from django.db import migrations

GUIDANCE = datetime.date(2016, 10, 1)
SOURCE = (
    "ALLOC-BACKDATED (inferred): the guidance is silent; an allocation starting more than "
    "14 days before it was requested rewrites past monthly figures, so it needs a stated "
    "reason and is shown as backdated."
)


def seed(apps, schema_editor):
    RuleSetting = apps.get_model("caseloads", "RuleSetting")
    RuleSetting.objects.get_or_create(
        name="alloc_backdated_days",
        effective_from=GUIDANCE,
        defaults={"value": 14, "source": SOURCE},
    )


class Migration(migrations.Migration):
    dependencies = [("caseloads", "0003_together_backdated_declined")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
