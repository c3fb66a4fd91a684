"""The benchmark's settings: production's, plus whitenoise serving copies of the pages as static files."""

import os

from residency.settings import *  # noqa: F403

# BENCH_COPIES/_copies/<n>.html: the bytes of each page, for whitenoise to serve next to the page itself.
WHITENOISE_ROOT = os.environ["BENCH_COPIES"]
