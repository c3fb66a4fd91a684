"""
Server errors reach someone: mail to ADMINS (Django's AdminEmailHandler) and, with SENTRY_DSN set, Sentry.

Neither carries what a visitor typed. Every query string on this site is a visitor's input (search words,
the tracks considered, the self-check's answers about visas and scores), so reports keep the parameter
names and replace the values; Sentry gets no personal data (no cookies, client address, user, request body
or local variables). Both are off by default (README: Configuration).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

FILTERED = "[Filtered]"
# WSGI variables that hold the query string, or the client's address (the proxy's headers included).
PRIVATE_META = {"QUERY_STRING", "REQUEST_URI", "RAW_URI", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"}


def filtered_query(query):
    """The query string with each value replaced, its names kept: 'visa=h1b&step1=250' -> 'visa=…&step1=…'."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, FILTERED) for name, _ in pairs], safe="[]")


def filtered_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=filtered_query(parts.query)))


class ReportFilter(SafeExceptionReporterFilter):
    """Django's filter (settings, cookies, sensitive POST fields), plus the query string and the client's address."""

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: self.cleansed_substitute if key in PRIVATE_META else value for key, value in meta.items()}


class Reporter(ExceptionReporter):
    """The report mailed to ADMINS (and the DEBUG error page): the query's values left out everywhere it shows."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(name, FILTERED) for name in self.request.GET]
            data["request_insecure_uri"] = filtered_url(data["request_insecure_uri"])
        return data


def sentry_options(dsn, *, environment, release):
    """sentry_sdk.init()'s arguments: errors only (no performance tracing), nothing personal."""
    from sentry_sdk.integrations.django import DjangoIntegration

    return {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "integrations": [DjangoIntegration()],
        "send_default_pii": False,
        "include_local_variables": False,
        "max_request_body_size": "never",
        "before_send": before_send,
    }


def before_send(event, hint):
    """Sentry's last look at an event: the query string's values go, as in the mail."""
    request = event.get("request") or {}
    if request.get("query_string"):
        request["query_string"] = filtered_query(request["query_string"])
    if request.get("url"):
        request["url"] = filtered_url(request["url"])
    return event


def start_sentry(dsn, *, environment, release):
    import sentry_sdk

    sentry_sdk.init(**sentry_options(dsn, environment=environment, release=release))
