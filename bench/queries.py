"""Each page's database queries and bytes, with Django's test client in this process; the servers are not involved."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(env):
    """Configure Django in this process from `env`: the same settings, database and cache as the servers."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def measure_pages(paths):
    """{path: ((cold, cached) query counts, body)}: a first render with empty caches, then the next request."""
    from django.core.cache import cache
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from residency import pagecache

    client = Client(SERVER_NAME="127.0.0.1")
    results = {}
    try:
        for path in paths:
            pagecache.forget()
            cache.clear()
            counts, body = [], None
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code} to Django's test client")
                counts.append(len(captured.captured_queries))
                body = response.content
            results[path] = (tuple(counts), body)
        cache.clear()
    finally:
        connections.close_all()
    return results
