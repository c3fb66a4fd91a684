"""Settings for the test suite: the production settings, with a test secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-URylfHhvCg3fIdDOdehAI32LkaLATPlLJdenpfqEgQlv1gWnKM")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Not the test client's host: canonical links must come from this setting, never from the request.
os.environ.setdefault("SITE_URL", "https://residency.example.org")

from residency.settings import *  # noqa: E402, F403

# Hashing passwords slowly protects real accounts; tests only need it to be correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests don't run collectstatic; the manifest storage is tested on its own (tests/test_static.py).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# One test process: it sees its own content changes at once, and a page's query count holds
# no periodic look-up of the content version.
CONTENT_VERSION_CHECK_SECONDS = 3600

# The rebrand proof (tests/test_rebrand.py) runs the tests of the real content on a rebranded copy of fixtures/.
if os.environ.get("REBRANDED_FIXTURES_DIR"):
    from pathlib import Path

    CONTENT_FIXTURES_DIR = Path(os.environ["REBRANDED_FIXTURES_DIR"])
