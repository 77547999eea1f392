"""The PCF and the KSS are the ASYE's frameworks (issue 14): link them to the seeded ASYE
programme, so a new programme (the ECDP) is assessed against only what it is given."""

from django.db import migrations


def link(apps, schema_editor):
    Framework = apps.get_model("assessment", "Framework")
    Programme = apps.get_model("cohorts", "Programme")
    asye = Programme.objects.filter(name="ASYE").first()
    if asye is None:
        return
    for framework in Framework.objects.filter(code__in=["PCF", "KSS"]):
        framework.programmes.add(asye)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0007_framework_programmes"),
        ("cohorts", "0005_seed_asye_programme"),
    ]
    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
