"""WSGI entry point, used by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency.settings")

application = get_wsgi_application()

# Import every view now, as each gunicorn worker loads the app, rather than in its first request: a worker
# is ready once loaded, and after a reload it stops an old worker only then (gunicorn.conf.py).
from residency import urls  # noqa: E402, F401
