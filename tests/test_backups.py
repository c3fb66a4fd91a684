"""
Backups that restore, on SQLite and on PostgreSQL: a backup, the database removed, a restore, and the
coordinators' accounts, the history (django-reversion) and the draft cycles are back exactly as they were,
with the uploaded files under MEDIA_ROOT.

Each step is the command an operator runs (`manage.py backup`, `manage.py restore`), in a process of its own,
on a database of the test's own: a SQLite file, or a database on a PostgreSQL cluster of the tests' own.
"""

import json
import shutil
import stat
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings

from tests import servers

# A manage.py command, with MEDIA_ROOT pointed at the test's folder when MEDIA_ROOT_FOR_TEST says so.
COMMAND = """
import os, sys, django
django.setup()
from django.conf import settings
from django.core.management import call_command
if os.environ.get("MEDIA_ROOT_FOR_TEST"):
    settings.MEDIA_ROOT = os.environ["MEDIA_ROOT_FOR_TEST"]
call_command(*sys.argv[1:])
"""

# What exists only in the database: a coordinator's account, a change with its revision, a draft cycle.
WORK_OF_COORDINATORS = """
import django
django.setup()
import reversion
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from applications.models import ApplicationCycle
from programs.models import Track

user = User.objects.create_user("coordinator", "c@example.org", "a-long-test-password", is_staff=True)
user.groups.add(Group.objects.get(name__contains="Coordinator"))
track = Track.objects.order_by("pk").first()
with reversion.create_revision():
    track.name += " (renamed)"
    track.save()
    reversion.set_user(user)
    reversion.set_comment("Renamed by the backup test")
call_command("copy_cycle", ApplicationCycle.objects.current().slug, "--name", "2098-2099")
"""


def run(env, *arguments, script=COMMAND, stdin=None):
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def everything(env, tmp_path):
    """Every row of every table, as dumpdata writes them."""
    out = tmp_path / "dump.json"
    ok(run(env, "dumpdata", "--output", str(out)))
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory, sample_fixtures):
    """A migrated SQLite file with the content, made once; each test copies it."""
    return servers.prepare_database(tmp_path_factory.mktemp("backup-db") / "template.sqlite3", sample_fixtures)


@pytest.fixture(scope="module")
def postgres_template(postgres_cluster, sample_fixtures):
    """A migrated database with the content, made once; each test's database is created from it."""
    url = postgres_cluster.create_database("backup_template")
    env = servers.site_environment("unused", DATABASE_URL=url)
    servers.manage(env, "migrate", "--noinput")
    servers.manage(env, "load_content", "--fixtures", str(sample_fixtures))
    return "backup_template"


class SQLiteSite:
    def __init__(self, template, tmp_path):
        self.path = tmp_path / "site.sqlite3"
        shutil.copyfile(template, self.path)
        self.url = f"sqlite:///{self.path}"

    def remove(self):
        self.path.unlink()


class PostgresSite:
    def __init__(self, cluster, template, name):
        self.cluster, self.name = cluster, name
        self.url = cluster.url(name)
        with psycopg.connect(cluster.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def remove(self):
        with psycopg.connect(self.cluster.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')


@pytest.fixture
def sqlite_site(sqlite_template, tmp_path):
    return SQLiteSite(sqlite_template, tmp_path)


@pytest.fixture
def postgres_site(postgres_cluster, postgres_template, tmp_path):
    site = PostgresSite(postgres_cluster, postgres_template, f"backup_{tmp_path.name}".lower())
    yield site
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{site.name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def site(request):
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    (root / "people").mkdir(parents=True)
    (root / "people" / "coordinator.jpg").write_bytes(b"\xff\xd8\xff a photo")
    return root


def environment(site, tmp_path, media):
    return servers.site_environment(
        "unused", DATABASE_URL=site.url, BACKUP_DIR=str(tmp_path / "backups"), MEDIA_ROOT_FOR_TEST=str(media)
    )


def test_a_backup_restores_accounts_history_drafts_and_media_after_the_database_is_removed(site, tmp_path, media):
    env = environment(site, tmp_path, media)
    ok(run(env, script=WORK_OF_COORDINATORS))
    before = everything(env, tmp_path)
    models = {row["model"] for row in before}
    assert {"auth.user", "reversion.revision", "reversion.version", "applications.applicationcycle"} <= models
    assert any(
        row["model"] == "applications.applicationcycle" and row["fields"]["publish_at"] is None for row in before
    )

    output = ok(run(env, "backup"))
    (backup,) = (tmp_path / "backups").iterdir()
    assert f"Wrote {backup}" in output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds password hashes

    site.remove()
    (media / "people" / "coordinator.jpg").unlink()
    assert run(env, "dumpdata", "auth.user").returncode != 0  # gone, or empty of tables

    output = ok(run(env, "restore", "--noinput"))
    assert f"from {backup.name} and put back its media files" in output
    assert everything(env, tmp_path) == before
    assert (media / "people" / "coordinator.jpg").read_bytes() == b"\xff\xd8\xff a photo"


def test_restore_takes_the_newest_backup_or_the_one_named_and_asks_first(sqlite_site, tmp_path, media):
    env = environment(sqlite_site, tmp_path, media)
    ok(run(env, "backup"))
    first = everything(env, tmp_path)
    ok(run(env, script=WORK_OF_COORDINATORS))
    ok(run(env, "backup"))
    second = everything(env, tmp_path)
    older, newer = sorted((tmp_path / "backups").iterdir())
    assert ok(run(env, "restore", "--list")).splitlines()[0].startswith(newer.name)

    refused = run(env, "restore", older.name, stdin="no\n")
    assert refused.returncode != 0 and "Nothing was restored" in refused.stderr
    assert everything(env, tmp_path) == second

    ok(run(env, "restore", older.name, stdin="yes\n"))
    assert everything(env, tmp_path) == first
    ok(run(env, "restore", "--noinput"))
    assert everything(env, tmp_path) == second


def test_backups_beyond_the_number_to_keep_are_deleted_oldest_first(sqlite_site, tmp_path, media):
    env = environment(sqlite_site, tmp_path, media)
    for _ in range(3):
        ok(run(env, "backup", "--keep", "2"))
    kept = sorted((tmp_path / "backups").iterdir())
    assert len(kept) == 2
    ok(run(env, "backup", "--keep", "0"))
    assert sorted((tmp_path / "backups").iterdir())[:2] == kept


def test_a_backup_of_another_database_kind_or_a_damaged_one_is_refused_and_changes_nothing(
    sqlite_site, postgres_site, tmp_path, media
):
    sqlite_env = environment(sqlite_site, tmp_path, media)
    ok(run(sqlite_env, "backup"))
    (backup,) = (tmp_path / "backups").iterdir()
    postgres_env = environment(postgres_site, tmp_path, media)
    before = everything(postgres_env, tmp_path)
    wrong = run(postgres_env, "restore", "--noinput", str(backup))
    assert wrong.returncode != 0
    assert "is a sqlite backup; this site's database is postgresql" in wrong.stderr
    assert everything(postgres_env, tmp_path) == before
    damaged = tmp_path / "backups" / "residency-20300101T000000000000Z.tar.gz"
    damaged.write_bytes(backup.read_bytes()[:500])
    sqlite_before = everything(sqlite_env, tmp_path)
    broken = run(sqlite_env, "restore", "--noinput")
    assert broken.returncode != 0 and "is damaged" in broken.stderr
    assert everything(sqlite_env, tmp_path) == sqlite_before
