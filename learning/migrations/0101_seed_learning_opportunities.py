import datetime

from django.db import migrations

# LEARNING-OPPS, from the guidance ("NQSW's"): "It is expected that during the course of
# their ASYE all social workers will be afforded opportunities to gain experience in: ..."
# (NQSW Academy Guidance, Oct 2016), in its order. An academy adds its own in the admin.
OPPORTUNITIES = [
    "Child and Family Assessments",
    "Child and Family Plans / Child Protection Plans",
    "Section 47 Enquiries",
    "Completing a Section 7 report",
    "Spend time at MASH",
    "Providing interventions to families as part of Child and Family Plans / Child Protection Plans",
    "Taking a case to an Initial or Review Child Protection Case Conference",
    "Stepping cases down to Early Help Plans",
    "Court work",
    "Comprehensive Assessments",
    "Signs of Safety",
    "Chairing Meetings",
]
MASH = "Spend time at MASH"
# Inferred: by ASYE month 9 every opportunity should at least have been offered, leaving
# the last quarter to do it (the guidance gives no month).
OFFER_BY_MONTH = 9


def seed(apps, schema_editor):
    LearningOpportunity = apps.get_model("learning", "LearningOpportunity")
    OpportunityPolicy = apps.get_model("learning", "OpportunityPolicy")
    for position, name in enumerate(OPPORTUNITIES, 1):
        LearningOpportunity.objects.get_or_create(
            name=name, defaults={"position": position, "from_mash_rota": name == MASH}
        )
    OpportunityPolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1), defaults={"offer_by_month": OFFER_BY_MONTH}
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0100_learning_opportunities")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
