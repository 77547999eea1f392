"""What the panel has fixed is never changed in place, whoever tries (MOD-DECISION, MOD-SUBMIT,
MOD-ANON):

* a signed-off decision: any UPDATE is refused (a change is a new version);
* a submission's code: never changes;
* a submitted portfolio's snapshot and who submitted it when: never change (the PDF's
  status and file, written by the background task, may).

The services never try; these triggers make the database refuse a raw query, the shell or
a future bug as well. Deleting stays possible (retention). SQLite drops a table's triggers
when a later migration rebuilds the table: such a migration must run `create` again (the
tests check the triggers on both databases).
"""

from django.db import migrations

DECISION_MESSAGE = "MOD-DECISION: a signed-off decision is never changed: record a new one."
SUBMISSION_MESSAGE = "MOD-SUBMIT: a portfolio code and a submitted portfolio never change."

SNAPSHOT_COLUMNS = [
    "submitted_at",
    "submitted_by_id",
    "snapshot_html",
    "snapshot",
    "content_hash",
    "late",
    "recommendation",
    "enrolment_id",
    "panel_id",
]


def _changed(columns, vendor):
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    decision_when = "OLD.signed_off_at IS NOT NULL"
    submission_when = (
        f"NEW.code {'IS DISTINCT FROM' if vendor == 'postgresql' else 'IS NOT'} OLD.code "
        f"OR (OLD.submitted_at IS NOT NULL AND ({_changed(SNAPSHOT_COLUMNS, vendor)}))"
    )
    triggers = [
        ("moderation_decision", "moderation_decision_signed_off_immutable", decision_when,
         DECISION_MESSAGE),
        ("moderation_submission", "moderation_submission_frozen", submission_when,
         SUBMISSION_MESSAGE),
    ]
    for table, name, when, message in triggers:
        if vendor == "postgresql":
            function = f"{name}_refuse"
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}' "
                "USING ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION {function}()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, name in [
        ("moderation_decision", "moderation_decision_signed_off_immutable"),
        ("moderation_submission", "moderation_submission_frozen"),
    ]:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_refuse()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_seed_moderation_policy")]
    operations = [migrations.RunPython(create, drop)]
