"""
The release a server process runs: one hash of its code, templates and collected static files.

Settings compute it once, when the process starts (RELEASE). It is part of every page's cache key
(residency.pagecache), so the first request after a deploy renders the page with the new code instead of
serving what the old code stored in Redis; Sentry reports carry it as their release.
"""

import hashlib
from pathlib import Path

SKIPPED_FOLDERS = {"__pycache__"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def compute(base_dir, *extra_files):
    """
    A short hash of every file in the project's Python packages (the apps and the project package, with their
    templates and static sources), its top-level templates/ and static/, and `extra_files` that exist (the
    collected files' manifest). Paths and contents both count, so a renamed template is a new release too.
    """
    base_dir = Path(base_dir)
    folders = [path for path in sorted(base_dir.iterdir()) if (path / "__init__.py").is_file()]
    folders += [base_dir / name for name in ("templates", "static") if (base_dir / name).is_dir()]
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and not SKIPPED_FOLDERS & set(path.parts):
                _add(digest, path.relative_to(base_dir).as_posix(), path)
    for path in map(Path, extra_files):
        if path.is_file():
            _add(digest, path.name, path)
    return digest.hexdigest()[:12]


def _add(digest, name, path):
    digest.update(name.encode() + b"\0")
    digest.update(hashlib.sha256(path.read_bytes()).digest())
