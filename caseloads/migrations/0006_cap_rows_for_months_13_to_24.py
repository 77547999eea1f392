"""Months 13-24 of a two-year programme (the ECDP, issue 14) get their own cap rows.

The guidance's last NQSW band per service is open-ended ("10+", "11+") and stays as it is,
so the ASYE's table is unchanged. A new row per service covers months 13-24 with the
month-12 values, from 1 January 2027 (the first two-year cohort, the ECDP pilot): the
guidance says nothing past month 12, so these are inferred and meant to be edited in the
admin. Where both cover a month the later-starting band wins (caseloads.rules).
"""

import datetime

from django.db import migrations

GUIDANCE = datetime.date(2016, 10, 1)
TWO_YEAR_PROGRAMMES = datetime.date(2027, 1, 1)
SOURCE = (
    "Months 13-24 of a two-year programme (ECDP). Inferred (issue 14): the guidance stops at "
    "month 12, so this row ships with the month-12 values of {service}; change it in the "
    "admin when the academy decides the second year's caps."
)


def seed(apps, schema_editor):
    CapRule = apps.get_model("caseloads", "CapRule")
    last_bands = CapRule.objects.filter(
        applies_to="nqsw", month_to__isnull=True, effective_from=GUIDANCE
    ).select_related("service")
    for row in last_bands:
        CapRule.objects.get_or_create(
            applies_to="nqsw",
            service=row.service,
            month_from=13,
            effective_from=TWO_YEAR_PROGRAMMES,
            defaults={
                "month_to": 24,
                "minimum": row.minimum,
                "maximum": row.maximum,
                "unit": row.unit,
                "rule_id": row.rule_id,
                "source": SOURCE.format(service=row.service.code),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("caseloads", "0005_visit_signoff_is_immutable")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
