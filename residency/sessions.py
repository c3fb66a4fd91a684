"""The database session store, refusing session keys Django could never have issued."""

from django.contrib.sessions.backends import db


class SessionStore(db.SessionStore):
    """
    Django's keys are lowercase letters and digits. Anything else in a cookie (a NUL byte, say)
    is treated as no session instead of being sent to the database, which PostgreSQL would refuse.
    """

    def _validate_session_key(self, key):
        return bool(key) and len(key) >= 8 and key.isascii() and key.isalnum()
