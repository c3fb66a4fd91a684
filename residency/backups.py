"""
Backups of what exists nowhere else: the database (coordinators' accounts, the history of every change,
draft cycles not yet exported into fixtures/) and the uploaded files under MEDIA_ROOT.

A backup is one file, `residency-<UTC time>.tar.gz` in BACKUP_DIR, holding `manifest.json`, the database
(`database.sqlite3`, a copy made by SQLite's online backup API; or `database.pgdump`, pg_dump's custom format)
and `media/`. It is written under a temporary name and renamed when complete, readable by its owner only
(it holds password hashes). Restoring replaces the database whole, in one step: SQLite's file is swapped
for the restored one; on PostgreSQL the schema is dropped and the dump loaded in a single transaction, so a
failure leaves the database as it was. The media files in the backup are put back over MEDIA_ROOT.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

PREFIX = "residency-"
SUFFIX = ".tar.gz"
FORMAT = 1
ENGINES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def backup_dir():
    return Path(settings.BACKUP_DIR)


def engine(alias=DEFAULT_DB_ALIAS):
    vendor = connections[alias].vendor
    if vendor not in ENGINES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def media_root():
    """MEDIA_ROOT when it is a folder holding files, else None."""
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root and Path(root).is_dir() and any(Path(root).iterdir()) else None


def backups():
    """The backups in BACKUP_DIR, oldest first (their names sort by time)."""
    folder = backup_dir()
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def create(keep=None, now=None):
    """Write a backup into BACKUP_DIR and return its path; then keep only the newest `keep` backups."""
    vendor = engine()
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.datetime.now(datetime.UTC)
    path = folder / f"{PREFIX}{now:%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".writing-") as work:
        work = Path(work)
        database = work / ENGINES[vendor]
        (_dump_sqlite if vendor == "sqlite" else _dump_postgresql)(database)
        media = media_root()
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": vendor,
            "database": database.name,
            "media": media is not None,
            "release": settings.RELEASE,
            "migrations": _applied_migrations(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        partial = work / path.name
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(database, database.name)
            if media is not None:
                archive.add(media, "media")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    if keep:
        for old in backups()[:-keep]:
            old.unlink()
    return path


def find(name=None):
    """The backup called `name` (a file name in BACKUP_DIR, or a path), or the newest."""
    if name:
        path = Path(name) if os.sep in name else backup_dir() / name
        if not path.is_file():
            raise BackupError(f"no backup {path}")
        return path
    found = backups()
    if not found:
        raise BackupError(f"no backups in {backup_dir()} (make backup writes them there)")
    return found[-1]


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
    except (OSError, EOFError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path.name} is damaged, or not a backup of this site ({error})") from None
    if manifest.get("format") != FORMAT or manifest.get("engine") not in ENGINES:
        raise BackupError(f"{path} is a backup in a format this version does not read")
    return manifest


def restore(path):
    """Replace the database (and put back the media files) with the backup at `path`; return its manifest."""
    manifest = read_manifest(path)
    vendor = engine()
    if manifest["engine"] != vendor:
        raise BackupError(f"{path.name} is a {manifest['engine']} backup; this site's database is {vendor}")
    with tempfile.TemporaryDirectory(prefix="residency-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, filter="data")
        except (OSError, EOFError, tarfile.TarError) as error:
            raise BackupError(f"{path.name} is damaged ({error})") from None
        connections.close_all()
        (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(work / manifest["database"])
        if manifest["media"]:
            _restore_media(work / "media")
    return manifest


def _applied_migrations():
    applied = {}
    for app, name in MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return dict(sorted(applied.items()))


# --- SQLite ----------------------------------------------------------------------------------------------


def _sqlite_path():
    return Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])


def _dump_sqlite(target):
    """A consistent copy while the site runs: SQLite's online backup API, page by page."""
    try:
        source = sqlite3.connect(f"{_sqlite_path().resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open the database {_sqlite_path()}: {error}") from None
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _restore_sqlite(backup):
    """Swap the database file for the backup's, atomically (a process opening it sees one or the other)."""
    path = _sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(backup, staged)
    check = sqlite3.connect(staged)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"the database in the backup is damaged; {path} was left as it was")
    finally:
        check.close()
    os.replace(staged, path)
    for leftover in (path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        leftover.unlink(missing_ok=True)


# --- PostgreSQL ------------------------------------------------------------------------------------------


def _postgres_environment(database=None):
    """libpq's variables for pg_dump, pg_restore and psql: the password never on a command line."""
    config = settings.DATABASES[DEFAULT_DB_ALIAS]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": database or config["NAME"],
        "PGCONNECT_TIMEOUT": "10",
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command, env, stdin=None):
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)")
    result = subprocess.run([program, *command[1:]], env=env, stdin=stdin, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
    return result


def _dump_postgresql(target):
    """pg_dump's custom format: compressed, consistent (one snapshot), restorable table by table."""
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], _postgres_environment()
    )


def _restore_postgresql(backup):
    """
    Create the database if it is gone; then, in one transaction, drop its schema and load the dump, so that
    tables the backup does not have go too, and a failure changes nothing.
    """
    config = settings.DATABASES[DEFAULT_DB_ALIAS]
    name = config["NAME"]
    exists = _run(
        ["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--command", _exists_query(name)],
        _postgres_environment("postgres"),
    )
    if exists.stdout.strip() != "1":
        _run(["createdb", "--", name], _postgres_environment("postgres"))
    with tempfile.NamedTemporaryFile("w+", suffix=".sql") as script:
        script.write("DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
        script.flush()
        sql = _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--file", "-", str(backup)], _postgres_environment()
        )
        script.write(sql.stdout)
        script.flush()
        script.seek(0)
        _run(
            ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1", "--file", "-"],
            _postgres_environment(),
            stdin=script,
        )


def _exists_query(name):
    quoted = name.replace("'", "''")
    return f"SELECT 1 FROM pg_database WHERE datname = '{quoted}'"


def _restore_media(media):
    """Put the backup's files back into MEDIA_ROOT (files added since are left alone)."""
    root = getattr(settings, "MEDIA_ROOT", "")
    if not root:
        raise BackupError("the backup holds media files, but MEDIA_ROOT is not set")
    shutil.copytree(media, root, dirs_exist_ok=True)
