"""Seed the cap table (CAP-MAX, CAP-MIN, CAP-TRAINEE, CAP-UNQUALIFIED, CAP-ASWP) and the
inferred thresholds from shared/domain/asye-rules.md, in force from the guidance's date.

Later changes are new rows with a later effective_from, made in the admin; this migration
only ever adds the 2016 rows it has not added yet.
"""

import datetime

from django.db import migrations

GUIDANCE = datetime.date(2016, 10, 1)

# (service, month_from, month_to, minimum, maximum, source)
NQSW_ROWS = [
    ("CAI", 1, 4, 0, 10, "CA&I months 1-4: \"CASELOAD – max 10 children\""),
    ("CAI", 5, 6, 0, 10, "CA&I: \"CASELOAD – month 5-6 caseload of 10 ( of which 7-8 will be "
                         "'own' cases and remainder co-working.\""),
    ("CAI", 7, 7, 0, 15, "CA&I: \"month 7- caseload increasing to 15\""),
    ("CAI", 8, 9, 0, 18, "CA&I month 8 (April): \"Caseload increasing during April and May to "
                         "18 children.\""),
    ("CAI", 10, None, 0, 18, "CA&I month 10 (June): \"CASELOADS 18\""),
    ("CLA", 1, 4, 6, 8, "CLA months 1-4: \"CASELOAD – 6-8 children\""),
    ("CLA", 5, 9, 8, 11, "CLA: \"CASELOAD – month 5-6 increasing to 8-11 – again mix of own and "
                         "co-work\". Months 7-9 inferred: the guidance gives no figure for them."),
    ("CLA", 10, 10, 12, 15, "CLA month 10 (June): \"CASELOAD 12-15 – depending on complexity\""),
    ("CLA", 11, None, 15, 18, "CLA month 11 (July): \"CASELOAD –15-18 increasing to be in line "
                              "with experienced worker\""),
    ("FSP", 1, 4, 0, 10, "FS&P months 1-4: \"CASELOAD – max 10 children\""),
    ("FSP", 5, 6, 0, 15, "FS&P: \"CASELOAD – by 6 month review caseload of 15 (with increasing "
                         "number of 'own' cases.)\""),
    ("FSP", 7, 9, 0, 18, "FS&P: \"Following 6 month review caseload to begin to increase\". "
                         "The figure 18 is inferred, between 15 and month 10's 18-20."),
    ("FSP", 10, 10, 18, 20, "FS&P month 10 (June): \"CASELOAD 18-20 – with increased "
                            "complexity\""),
    ("FSP", 11, None, 0, 20, "FS&P month 11 (July): \"CASELOAD – 20 with increased "
                             "complexity\""),
]

# (applies_to, month_from, month_to, maximum, unit, rule_id, source)
OTHER_ROWS = [
    ("trainee", 1, None, 10, "children", "CAP-TRAINEE",
     "\"Trainees' caseload will be restricted to maximum 10 children.\""),
    ("chi_ma_first_semester", 1, 4, 4, "children", "CAP-TRAINEE",
     "\"This will be less for the Chichester Trainees during the first Semester when they are "
     "only in the office 2 days per week.\" Inferred: 4 children, i.e. 10 pro rata for 2 of 5 "
     "days; the first semester inferred as months 1-4 of the placement, counted from the "
     "cohort start date."),
    ("ou_unqualified", 1, None, 10, "children", "CAP-UNQUALIFIED",
     "OU trainees between finishing study (September) and their ASYE (January): \"Caseloads "
     "during this time need to be the same number as the September cohort, at 10 children\"; "
     "work suitable for an unqualified worker."),
    ("aswp", 1, None, 13, "cases", "CAP-ASWP",
     "Sheffield model: \"ASWPs hold a caseload of up to 13 complex and often high-profile "
     "cases.\" Counted in cases, not children; configurable."),
]

# (name, value, source)
SETTINGS = [
    ("cap_own_min_percent", 70,
     "CAP-OWN, CA&I months 5-6: \"caseload of 10 ( of which 7-8 will be 'own' cases and "
     "remainder co-working.\" Inferred: kept as a share, 70-80% of the children on own cases."),
    ("cap_own_max_percent", 80,
     "CAP-OWN, CA&I months 5-6: \"caseload of 10 ( of which 7-8 will be 'own' cases and "
     "remainder co-working.\" Inferred: kept as a share, 70-80% of the children on own cases."),
    ("ou_unqualified_months", 4,
     "CAP-UNQUALIFIED: \"a period of time, for these trainees, when they have completed their "
     "studies but have not qualified – September to December\". Inferred: the last 4 calendar "
     "months before the ASYE start."),
]


def seed(apps, schema_editor):
    CapRule = apps.get_model("caseloads", "CapRule")
    RuleSetting = apps.get_model("caseloads", "RuleSetting")
    Service = apps.get_model("academy", "Service")
    services = {service.code: service for service in Service.objects.all()}
    for code, month_from, month_to, minimum, maximum, source in NQSW_ROWS:
        CapRule.objects.get_or_create(
            applies_to="nqsw",
            service=services[code],
            month_from=month_from,
            effective_from=GUIDANCE,
            defaults={
                "month_to": month_to,
                "minimum": minimum,
                "maximum": maximum,
                "unit": "children",
                "rule_id": "",
                "source": source,
            },
        )
    for applies_to, month_from, month_to, maximum, unit, rule_id, source in OTHER_ROWS:
        CapRule.objects.get_or_create(
            applies_to=applies_to,
            service=None,
            month_from=month_from,
            effective_from=GUIDANCE,
            defaults={
                "month_to": month_to,
                "minimum": 0,
                "maximum": maximum,
                "unit": unit,
                "rule_id": rule_id,
                "source": source,
            },
        )
    for name, value, source in SETTINGS:
        RuleSetting.objects.get_or_create(
            name=name, effective_from=GUIDANCE, defaults={"value": value, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_seed_services"),
        ("caseloads", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
