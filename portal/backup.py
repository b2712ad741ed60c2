"""Backups of the database and the media files (private and public), and the proof that one
restores: `manage.py backup` writes a folder with the database dump, the media archive and a
manifest (row counts per table taken in the dump's own snapshot, a checksum of every file);
`manage.py restore_check` restores it into a scratch database and a scratch folder and compares.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class RestoreMismatch(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _pg_args(settings_dict: dict, database: str | None = None) -> list[str]:
    args = [
        "-h",
        settings_dict.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_dict.get("PORT") or 5432),
    ]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    return [*args, "-d", database or settings_dict["NAME"]]


def _pg_connect_params(settings_dict: dict, database: str | None = None) -> dict:
    params = {
        "dbname": database or settings_dict["NAME"],
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    return {key: value for key, value in params.items() if value is not None}


def media_files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".gitignore"
    }


def backup_create(*, output: Path) -> dict:
    """Write a backup folder; returns its manifest."""
    output.mkdir(parents=True, exist_ok=False)
    tables = connection.introspection.table_names()
    manifest: dict = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": connection.vendor,
    }
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.settings_dict
        with psycopg.connect(**_pg_connect_params(params)) as snapshot_connection:
            snapshot_connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = snapshot_connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            with snapshot_connection.cursor() as cursor:
                manifest["tables"] = _counts(cursor, tables)
            subprocess.run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                 "--file", str(output / POSTGRES_DUMP), *_pg_args(params)],
                check=True, env=_pg_env(params), capture_output=True,
            )  # fmt: skip
            snapshot_connection.rollback()
        manifest["database_file"] = POSTGRES_DUMP
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output / SQLITE_COPY)
        connection.connection.backup(target)
        target.close()
        with connection.cursor() as cursor:
            manifest["tables"] = _counts(cursor, tables)
        manifest["database_file"] = SQLITE_COPY
    else:
        raise NotImplementedError(f"no backup for {connection.vendor}")
    manifest["database_sha256"] = sha256(output / manifest["database_file"])

    media_root = Path(settings.MEDIA_BASE)
    roots = {"public": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    manifest["media"] = {}
    with tarfile.open(output / MEDIA_ARCHIVE, "w:gz") as archive:
        for name, root in roots.items():
            files = media_files(root) if root.exists() else {}
            manifest["media"][name] = files
            for relative in files:
                archive.add(root / relative, arcname=f"{name}/{relative}")
    manifest["media_base"] = str(media_root)
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    os.chmod(output, 0o700)
    return manifest


def restore_check(*, source: Path) -> dict:
    """Restore a backup into a scratch database and folder, compare with its manifest, clean
    up. Returns a report; raises RestoreMismatch when anything differs."""
    manifest = json.loads((source / MANIFEST).read_text())
    problems = []
    if sha256(source / manifest["database_file"]) != manifest["database_sha256"]:
        problems.append("the database file does not match its checksum")
    if manifest["vendor"] == "postgresql":
        restored = _restore_postgresql(source / manifest["database_file"], set(manifest["tables"]))
    else:
        with sqlite3.connect(source / manifest["database_file"]) as copy:
            restored = _counts(copy.cursor(), manifest["tables"])
    for table, count in manifest["tables"].items():
        if restored.get(table) != count:
            problems.append(f"{table}: {restored.get(table)} rows restored, {count} backed up")
    scratch = Path(tempfile.mkdtemp(prefix="sila-restore-"))
    try:
        with tarfile.open(source / MEDIA_ARCHIVE) as archive:
            archive.extractall(scratch, filter="data")
        for name, files in manifest["media"].items():
            found = media_files(scratch / name) if (scratch / name).exists() else {}
            if found != files:
                missing = set(files) - set(found)
                changed = {f for f in files if f in found and found[f] != files[f]}
                problems.append(f"media/{name}: {len(missing)} missing, {len(changed)} changed")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = {
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "media_files": sum(len(files) for files in manifest["media"].values()),
        "problems": problems,
    }
    if problems:
        raise RestoreMismatch("; ".join(problems))
    return report


def _restore_postgresql(dump: Path, tables: set[str]) -> dict[str, int]:
    import psycopg

    params = connection.settings_dict
    scratch = f"{params['NAME']}_restore_check_{uuid.uuid4().hex[:8]}"
    admin = {**_pg_connect_params(params, "postgres"), "autocommit": True}
    with psycopg.connect(**admin) as server:
        server.execute(f"CREATE DATABASE {_quote(scratch)}")
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(params, scratch), str(dump)],
            check=True, env=_pg_env(params), capture_output=True,
        )  # fmt: skip
        with psycopg.connect(**{**admin, "dbname": scratch}) as copy, copy.cursor() as cursor:
            return _counts(cursor, tables)
    finally:
        with psycopg.connect(**admin) as server:
            server.execute(f"DROP DATABASE IF EXISTS {_quote(scratch)} WITH (FORCE)")
