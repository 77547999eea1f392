import datetime

from django.db import migrations

SOURCE = """\
SUP-WEEKLY: "NQSW's must receive weekly supervision for the first 6 weeks of commencing their
ASYE, which is from the start-up date. This could take the form of 1:1 or group supervision."
SUP-FORTNIGHTLY: "After the first 6 weeks 1:1 supervision will be at the frequency of
fortnightly."
SUP-THREE-WEEKLY: "1:1 supervision will reduce to 3 weekly during May unless the worker
continues to need more frequent support" - month 9 of a September start.
Due soon (7 days): inferred, one week's notice.
COWORK-LEAD (14 days, inferred): "it is expected that there will be some joint supervision
sessions"; expected within one fortnightly interval of the co-working starting.
(NQSW Academy Guidance, Oct 2016.)"""


def seed(apps, schema_editor):
    SupervisionPolicy = apps.get_model("supervision", "SupervisionPolicy")
    SupervisionPolicy.objects.get_or_create(
        effective_from=datetime.date(2016, 10, 1),
        defaults={
            "weekly_days": 7,
            "weekly_weeks": 6,
            "fortnightly_days": 14,
            "three_weekly_days": 21,
            "three_weekly_from_month": 9,
            "due_soon_days": 7,
            "cowork_joint_days": 14,
            "source": SOURCE,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
