"""Database triggers: a recorded board approval (and its members, and a withdrawal) is never
updated, whatever door is used. PostgreSQL also refuses deletes; SQLite's test flush deletes
rows, so there the model and queryset guards alone refuse deletes."""

from django.db import migrations

TABLES = ["cms_boardapproval", "cms_boardapprovalmember", "cms_policywithdrawal"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION sila_refuse_record_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'board records are immutable: % on % refused', TG_OP, TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION sila_refuse_record_change();"
                )
        elif vendor == "sqlite":
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'board records are immutable'); END;"
                )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
            elif vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
        if vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS sila_refuse_record_change();")


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_policies_and_board")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
