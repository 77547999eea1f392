"""LOGS: a reflection log the assessor has answered is never changed silently.

A change after feedback is the next version (with its reason, 0005's constraint); this
trigger makes the database refuse an UPDATE of an answered log's content that keeps the
version, whoever attempts it (a raw query, the shell, a future bug). The version never goes
down. PostgreSQL allows no subquery in a trigger's WHEN, so the test sits in the function.

As 0004 says: SQLite drops a table's triggers when a later migration rebuilds it, so a
migration altering assessment_reflectionlog must run `create` again.
"""

from django.db import migrations

TABLE = "assessment_reflectionlog"
NAME = "assessment_reflectionlog_frozen_after_feedback"
MESSAGE = "LOGS: the assessor has given feedback on this log: record a new version instead."
ANSWERED = "EXISTS (SELECT 1 FROM assessment_assessorfeedback WHERE log_id = OLD.id)"


def _changed(differs: str) -> str:
    fields = ["title", "reflection", "period", "written_on", "case_reference"]
    return "(" + " OR ".join(f"NEW.{f} {differs} OLD.{f}" for f in fields) + ")"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION assessment_refuse_silent_log_change() RETURNS trigger "
            "AS $$ BEGIN "
            f"IF NEW.version < OLD.version OR (NEW.version = OLD.version AND "
            f"{_changed('IS DISTINCT FROM')} AND {ANSWERED}) THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            "END IF; RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            "EXECUTE FUNCTION assessment_refuse_silent_log_change()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"WHEN NEW.version < OLD.version OR (NEW.version = OLD.version AND "
            f"{_changed('IS NOT')} AND {ANSWERED}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS assessment_refuse_silent_log_change()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_reflection_log_versions")]
    operations = [migrations.RunPython(create, drop)]
