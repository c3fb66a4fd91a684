"""WSGI entry point, used by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency.settings")

application = get_wsgi_application()

# Import every view now, in gunicorn's master (preload_app), rather than in each worker's first
# request: workers start ready, and a recycled worker runs the same code as its siblings.
from residency import urls  # noqa: E402, F401
