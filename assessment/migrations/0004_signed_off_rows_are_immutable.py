"""A signed-off agreement, review or recommendation is never edited in place.

The services record a new version instead; these triggers make the database refuse an
UPDATE of a signed-off row whoever attempts it (a raw query, the shell, a future bug).
Signing a draft off is an update of an unsigned row, so it passes. Deleting stays possible
(records are erased at the end of their retention period).

SQLite rebuilds a table for many later schema changes and drops its triggers with it: a
migration that alters one of these tables must run `create` again (the tests check the
triggers on both databases).
"""

from django.db import migrations

TABLES = ["assessment_supportagreement", "assessment_review", "assessment_recommendation"]
MESSAGE = "A signed-off record is never changed: record a new version instead."


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION assessment_refuse_signed_off_update() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            "END; $$ LANGUAGE plpgsql"
        )
    for table in TABLES:
        name = f"{table}_signed_off_immutable"
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                "WHEN (OLD.signed_off_at IS NOT NULL) "
                "EXECUTE FUNCTION assessment_refuse_signed_off_update()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN OLD.signed_off_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        name = f"{table}_signed_off_immutable"
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS assessment_refuse_signed_off_update()")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_seed_evidence_policy")]
    operations = [migrations.RunPython(create, drop)]
