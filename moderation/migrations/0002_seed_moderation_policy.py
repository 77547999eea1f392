"""The moderation policy from the guidance: portfolios 2 weeks before the panel (MOD-SUBMIT),
pay progression to SCP32 (PROGRESSION); the due window is inferred (MOD-POINTS)."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    ModerationPolicy = apps.get_model("moderation", "ModerationPolicy")
    ModerationPolicy.objects.get_or_create(
        effective_from=date(2016, 10, 1),
        defaults={"submission_days": 14, "due_window_days": 183, "progression_point": "SCP32"},
    )


def unseed(apps, schema_editor):
    apps.get_model("moderation", "ModerationPolicy").objects.filter(
        effective_from=date(2016, 10, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
