"""VISIT-SIGNOFF: a PM's dated sign-off is never changed in place, whoever tries.

The service only inserts; this trigger makes the database refuse an UPDATE from a raw query,
the shell or a future bug as well. Deleting stays possible, as for signed-off reviews
(retention, and the demo re-seeding its sign-offs). SQLite drops a table's triggers when a
later migration rebuilds the table: such a migration must run `create` again.
"""

from django.db import migrations

TABLE = "caseloads_visitsignoff"
NAME = f"{TABLE}_immutable"
MESSAGE = "VISIT-SIGNOFF: a visit sign-off is never changed: it is kept as the PM recorded it."


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION caseloads_refuse_visitsignoff_update() RETURNS trigger "
            f"AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            "EXECUTE FUNCTION caseloads_refuse_visitsignoff_update()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS caseloads_refuse_visitsignoff_update()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("caseloads", "0004_seed_alloc_backdated_days")]
    operations = [migrations.RunPython(create, drop)]
