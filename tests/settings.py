"""Settings for the test suite: the site's own settings, with a test secret and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from residency.settings import *  # noqa: E402, F403

# Hashing passwords slowly protects real accounts; tests only need it to be correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
