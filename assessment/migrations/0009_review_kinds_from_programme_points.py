"""A review is one of its programme's points or the final review (issue 14).

The ASYE's reviews keep their kinds (three_months, six_months, nine_months, final), so no
row changes; another programme's point is "month_<n>" (assessment.models.review_kind).

As 0004 says: SQLite rebuilds assessment_review for the constraint and drops its trigger,
so this migration runs 0004's `create` again.
"""

import importlib

from django.db import migrations, models

immutable = importlib.import_module("assessment.migrations.0004_signed_off_rows_are_immutable")


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0004_merge_0003_form_submission_0003_split_panel_roles'),
        ('assessment', '0008_asye_frameworks'),
        ('cohorts', '0007_a_start_per_programme'),
    ]

    operations = [
        # Unapplied, the table is rebuilt again: the triggers come back last.
        migrations.RunPython(migrations.RunPython.noop, immutable.create),
        migrations.RemoveConstraint(
            model_name='review',
            name='assessment_review_kind_valid',
        ),
        migrations.AlterField(
            model_name='historicalreview',
            name='kind',
            field=models.CharField(max_length=12),
        ),
        migrations.AlterField(
            model_name='review',
            name='kind',
            field=models.CharField(max_length=12),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['three_months', 'six_months', 'nine_months', 'final']), ('kind__startswith', 'month_'), _connector='OR'), name='assessment_review_kind_valid', violation_error_message='Unknown kind of review.'),
        ),
        migrations.RunPython(immutable.create, migrations.RunPython.noop),
    ]
