"""A panel may follow a programme's other moderated point, "month_<n>" (issue 14): the ECDP's
12-month review. The ASYE's panels keep their kinds (six_months, final): no row changes.
moderation_panel carries no trigger (0003's are on decisions and submissions)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0004_merge_0003_form_submission_0003_split_panel_roles'),
        ('moderation', '0005_panel_roles_of_their_own'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='panel',
            name='moderation_panel_kind_valid',
        ),
        migrations.AlterField(
            model_name='historicalpanel',
            name='kind',
            field=models.CharField(max_length=10),
        ),
        migrations.AlterField(
            model_name='panel',
            name='kind',
            field=models.CharField(max_length=10),
        ),
        migrations.AddConstraint(
            model_name='panel',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['six_months', 'final']), ('kind__startswith', 'month_'), _connector='OR'), name='moderation_panel_kind_valid', violation_error_message="MOD-POINTS: a panel follows the 6-month reviews, a programme's moderated point or the completion of the ASYE."),
        ),
    ]
