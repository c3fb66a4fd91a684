"""
What /healthz checks besides the database and the cache: that there is content to show visitors.

The core knows no content app by name: each app that holds something every visitor needs answers the
`content_checks` signal with what is missing of it (`["program"]`), or nothing when its part is there.
"""

from django.dispatch import Signal

# Receivers return a list of short names of what is missing (empty when nothing is).
content_checks = Signal()


def missing_content():
    """What the apps say is missing, in the order they answered; may raise DatabaseError."""
    return [name for _, answer in content_checks.send(sender=None) for name in answer or ()]
