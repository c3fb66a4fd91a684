"""
The client's address, by one rule for everything that needs it (the login throttle, the logs).

Behind PROXY_COUNT trusted proxies, each of which appends the address it received the request
from to X-Forwarded-For, the client is the PROXY_COUNT-th address from the right: anything to
the left of it was written by the client and proves nothing. With PROXY_COUNT 0 (no proxy) it
is the direct peer, REMOTE_ADDR. nginx as configured in deploy/ overwrites the header with the
address it sees, so behind it alone PROXY_COUNT is 1 and the header holds exactly one address.
"""

import ipaddress
import logging

from django.conf import settings


def client_address(request):
    """The address the request came from, as the trusted proxies saw it."""
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if not count:
        return peer
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not entries:
        return peer
    # Fewer entries than proxies: the request skipped an outer proxy; the left-most entry was still
    # written by one of ours (the client's own header is overwritten or appended to, never trusted).
    candidate = entries[-min(count, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


class ClientAddressFilter(logging.Filter):
    """Adds `client` (the client's address, or "-") to log records, from the request when the record has one."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.client = client_address(request) if hasattr(request, "META") else "-"
        return True
