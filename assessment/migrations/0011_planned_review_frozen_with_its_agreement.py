"""A signed-off agreement's planned review dates are never edited in place (issue 14).

0004 makes the database refuse an UPDATE of a signed-off agreement row; its planned dates
of the programme's other points (PlannedReview, 0010) live in rows of their own, which
the same rule covers: a change is a new agreement version, with its own rows. The
trigger reads the agreement row, so it refuses an UPDATE of a planned date once its
agreement is signed off, whoever attempts it. Rows are written with their version, inside
the service's transaction, and deleting stays possible (retention), as in 0004.
"""

from django.db import migrations

MESSAGE = "A signed-off record is never changed: record a new version instead."
NAME = "assessment_plannedreview_signed_off_immutable"
SIGNED_OFF = (
    "EXISTS (SELECT 1 FROM assessment_supportagreement a "
    "WHERE a.id = OLD.agreement_id AND a.signed_off_at IS NOT NULL)"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # PostgreSQL's WHEN may not hold a subquery: the function asks.
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION assessment_refuse_signed_off_planned_update() "
            f"RETURNS trigger AS $$ BEGIN IF {SIGNED_OFF} THEN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END; $$ "
            "LANGUAGE plpgsql"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON assessment_plannedreview")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON assessment_plannedreview FOR EACH ROW "
            "EXECUTE FUNCTION assessment_refuse_signed_off_planned_update()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON assessment_plannedreview FOR EACH ROW "
            f"WHEN {SIGNED_OFF} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON assessment_plannedreview")
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS assessment_refuse_signed_off_planned_update()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0010_planned_reviews")]
    operations = [migrations.RunPython(create, drop)]
