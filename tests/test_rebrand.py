"""
After a rebrand of fixtures/ (tests/rebrand.py: every track, clinic, conference and elective renamed, with
new slugs and NRMP numbers, and the program), the tests of the real content still pass on it, and no test
names its new words either: the suite holds whatever the content is called.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from residency import content
from tests.rebrand import rebrand

pytestmark = [pytest.mark.django_db, pytest.mark.content]


@pytest.mark.skipif("REBRANDED_FIXTURES_DIR" in os.environ, reason="this run is on the rebranded fixtures already")
def test_the_tests_of_the_real_content_pass_on_it_rebranded(tmp_path):
    rebrand()
    rebranded = content.export(tmp_path / "fixtures")[0].parent
    before = {path.name: path.read_text() for path in content.fixture_paths(settings.CONTENT_FIXTURES_DIR)}
    after = {path.name: path.read_text() for path in content.fixture_paths(rebranded)}
    # Renamed (on content rebranded already, the same names again: the times of the saves differ).
    assert before.keys() == after.keys() and before != after
    env = {**os.environ, "REBRANDED_FIXTURES_DIR": str(rebranded)}
    if connection.vendor != "sqlite":
        # A test database of its own: this run's is in use (SQLite's is in memory, one per process).
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"{url.path}_rebranded"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "content", "-q", "tests"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " skipped" in run.stdout, run.stdout[-1000:]
