from django.db import migrations

# WORKSHOPS, from the guidance ("Chichester University Workshops"): "3 x 1 day mandatory
# workshops ... on Resilience - proposed programme - Day 1. Individual Resilience; Day 2,
# Resilience Service Users; Day 3, Promoting Resilience in Teams and Supporting your
# Colleagues." (NQSW Academy Guidance, Oct 2016.)
THEMES = [
    (1, "Individual resilience"),
    (2, "Resilience: service users"),
    (3, "Promoting resilience in teams and supporting your colleagues"),
]


def seed(apps, schema_editor):
    WorkshopTheme = apps.get_model("learning", "WorkshopTheme")
    for number, title in THEMES:
        WorkshopTheme.objects.get_or_create(number=number, defaults={"title": title})


class Migration(migrations.Migration):
    dependencies = [("learning", "0104_workshops")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
