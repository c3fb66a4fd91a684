"""Database queries per page, counted in this process with Django's test client; the server is not involved."""

import os
import sys

from server import HOST, ROOT


def count_queries(env, paths):
    """
    {path: (cold, cached)}: the queries of a first render with empty caches, and of the next, cached request.

    Django is set up here with the benchmark's environment: the same settings and database as the server.
    """
    _setup_django(env)
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client

    from residency import pagecache

    client = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME=HOST)
    counts = {}
    try:
        for path in paths:
            pagecache.forget()
            cache.clear()
            cold = _queries(client, path)
            counts[path] = (cold, _queries(client, path))
    finally:
        connections.close_all()
    return counts


def main_pages(env):
    """One page of each kind, from the site's one list of public pages and the benchmark's database."""
    _setup_django(env)
    from django.db import connections

    from residency import pages

    try:
        return pages.main_pages()
    finally:
        connections.close_all()


def _setup_django(env):
    """Configure Django in this process from `env` (DJANGO_SETTINGS_MODULE, DATABASE_URL and the rest)."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _queries(client, path):
    """The number of queries one GET of `path` runs; anything but a 200 is an error."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to Django's test client")
    return len(captured.captured_queries)
