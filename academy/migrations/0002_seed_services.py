from django.db import migrations

SERVICES = [
    ("CAI", "Contact, Assessment and Intervention"),
    ("CLA", "Children Looked After"),
    ("FSP", "Family Support and Protection"),
]


def seed(apps, schema_editor):
    Service = apps.get_model("academy", "Service")
    for code, name in SERVICES:
        Service.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("academy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
