"""One rule for the client's address: the PROXY_COUNT-th X-Forwarded-For entry from the right, or the peer."""

import logging

import pytest
from django.test import RequestFactory

from residency.clientaddress import ClientAddressFilter, client_address


def request(forwarded_for=None, peer="127.0.0.1"):
    extra = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy: the header is the client's own words
        (0, None, "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.1, 203.0.113.9, 192.0.2.4", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the left-most a proxy wrote
        (1, "", "127.0.0.1"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, " 203.0.113.9 , ", "203.0.113.9"),
    ],
)
def test_client_address(settings, count, forwarded_for, expected):
    settings.PROXY_COUNT = count
    assert client_address(request(forwarded_for)) == expected


def test_log_records_of_a_request_name_the_client(settings):
    settings.PROXY_COUNT = 1
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", None, None)
    record.request = request("10.0.0.1, 203.0.113.9")
    ClientAddressFilter().filter(record)
    assert record.client == "203.0.113.9"
    other = logging.LogRecord("axes", logging.WARNING, __file__, 1, "locked", None, None)
    ClientAddressFilter().filter(other)
    assert other.client == "-"
