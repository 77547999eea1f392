import datetime

from django.db import migrations

# MASH-ROTA: "the PM plans the rota (one NQSW per slot unless the PM says otherwise)";
# the guidance: "They will attend a day per week, there will be a rota from January".
# (NQSW Academy Guidance, Oct 2016.) One NQSW of a team per MASH day.


def seed(apps, schema_editor):
    MashSlotSetting = apps.get_model("learning", "MashSlotSetting")
    MashSlotSetting.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1), defaults={"capacity_per_team": 1}
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
