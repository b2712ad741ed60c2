"""Database triggers that keep the board's records immutable, on SQLite and PostgreSQL.

Approvals (originals and corrections), their members and withdrawals refuse UPDATE, DELETE and
(PostgreSQL) TRUNCATE; the content of a revision the board approved refuses UPDATE. The one
door that unlocks them is `records_unlocked()`, used by `manage.py flush` (which empties the
whole database on purpose, as the test suite does between tests): on PostgreSQL it sets the
session setting `sila.records_unlocked`, on SQLite it answers the connection's
`sila_records_locked()` function, which a connection outside Django does not have (so there the
triggers refuse everything). Anyone who can drop a trigger can still change a row: the register's
hash chain (`manage.py verify_approvals`) is what detects that.
"""

import contextlib
import threading

RECORD_TABLES = ("cms_boardapproval", "cms_boardapprovalmember", "cms_policywithdrawal")
REVISION_TABLE = "wagtailcore_revision"

_state = threading.local()


def records_locked() -> int:
    return 0 if getattr(_state, "unlocked", 0) else 1


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created: give every SQLite connection the function the triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sila_records_locked", 0, records_locked)


@contextlib.contextmanager
def records_unlocked(using: str = "default"):
    """Let the board's records be deleted (only for emptying the database)."""
    from django.db import connections

    connection = connections[using]
    _state.unlocked = getattr(_state, "unlocked", 0) + 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('sila.records_unlocked', 'on', false)")
    try:
        yield
    finally:
        _state.unlocked -= 1
        if connection.vendor == "postgresql" and not _state.unlocked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('sila.records_unlocked', 'off', false)")


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION sila_refuse_record_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('sila.records_unlocked', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'board records are immutable: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_REVISION_FUNCTION = """
CREATE OR REPLACE FUNCTION sila_refuse_approved_revision_change() RETURNS trigger AS $$
BEGIN
    IF NEW.content IS DISTINCT FROM OLD.content
       AND coalesce(current_setting('sila.records_unlocked', true), '') <> 'on'
       AND EXISTS (SELECT 1 FROM cms_boardapproval WHERE revision_id = OLD.id) THEN
        RAISE EXCEPTION 'the content of an approved revision is immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


SQLITE_REVISION_TRIGGER = """
CREATE TRIGGER wagtailcore_revision_approved_immutable BEFORE UPDATE OF content
ON wagtailcore_revision
WHEN NEW.content IS NOT OLD.content AND sila_records_locked()
    AND EXISTS (SELECT 1 FROM cms_boardapproval WHERE revision_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the content of an approved revision is immutable'); END;
"""


def create_triggers(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(POSTGRES_FUNCTION)
        cursor.execute(POSTGRES_REVISION_FUNCTION)
        for table in RECORD_TABLES:
            cursor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sila_refuse_record_change();"
            )
            cursor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sila_refuse_record_change();"
            )
        cursor.execute(
            f"CREATE TRIGGER {REVISION_TABLE}_approved_immutable BEFORE UPDATE ON "
            f"{REVISION_TABLE} FOR EACH ROW EXECUTE FUNCTION sila_refuse_approved_revision_change();"
        )
    elif vendor == "sqlite":
        for table in RECORD_TABLES:
            for operation in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    "WHEN sila_records_locked() "
                    "BEGIN SELECT RAISE(ABORT, 'board records are immutable'); END;"
                )
        cursor.execute(SQLITE_REVISION_TRIGGER)


def drop_triggers(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        for table in RECORD_TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        cursor.execute(
            f"DROP TRIGGER IF EXISTS {REVISION_TABLE}_approved_immutable ON {REVISION_TABLE};"
        )
        cursor.execute("DROP FUNCTION IF EXISTS sila_refuse_approved_revision_change();")
    elif vendor == "sqlite":
        for table in RECORD_TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
        cursor.execute(f"DROP TRIGGER IF EXISTS {REVISION_TABLE}_approved_immutable;")
