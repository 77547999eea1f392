"""ASWP-PLACES and ASWP-PATHWAY as data: 7 places, 12 weeks, at least one colleague
interviewed (the Sheffield model). And a signed decision is never changed in place: the
service only inserts, and this trigger makes the database refuse an UPDATE from a raw query,
the shell or a future bug as well (the moderation decision's pattern). SQLite drops a
table's triggers when a later migration rebuilds the table: such a migration must run
`create_trigger` again."""

from datetime import date

from django.db import migrations

SHEFFIELD = date(2009, 10, 1)
TABLE = "aswp_decision"
NAME = f"{TABLE}_immutable"
MESSAGE = "ASWP-PATHWAY: a signed ASWP decision is never changed."


def seed(apps, schema_editor):
    apps.get_model("aswp", "AswpPolicy").objects.get_or_create(
        effective_from=SHEFFIELD,
        defaults={"places": 7, "assessment_weeks": 12, "min_colleague_interviews": 1},
    )


def unseed(apps, schema_editor):
    apps.get_model("aswp", "AswpPolicy").objects.filter(effective_from=SHEFFIELD).delete()


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION aswp_refuse_decision_update() RETURNS trigger "
            f"AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            "EXECUTE FUNCTION aswp_refuse_decision_update()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS aswp_refuse_decision_update()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("aswp", "0001_initial")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
