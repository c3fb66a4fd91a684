"""Settings for gunicorn behind nginx in tests/test_nginx.py: the test settings, a few test-only pages, no TLS."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.nginx_urls"
# nginx talks plain HTTP on loopback in these tests (as in `make serve`); production.conf ends TLS.
SECURE_SSL_REDIRECT = False
# As deployed: the server processes look the content version up this often (tests.settings: hourly).
CONTENT_VERSION_CHECK_SECONDS = 0.25
