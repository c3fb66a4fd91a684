import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, QueryDict
from django.utils.cache import add_never_cache_headers

from . import health, pagecache

log = logging.getLogger(__name__)

CONDITIONAL_HEADERS = ["HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"]


class HealthCheckMiddleware:
    """
    Answers /healthz with the state of the database, the cache and the content, one per line; never cached.

    200 when the database answers and the content a visitor needs is there (residency.health), whatever
    the cache says (pages are then rendered without it); 503 when the database does not answer, or answers
    with no program or no published cycle (`content: missing (…)`), so a load balancer sends nobody to an
    empty site. It comes first, before host validation and the HTTPS redirect, so a load balancer or the
    container's health check can ask over plain HTTP by address.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        database, missing = True, None
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            database = False
        if database:
            try:
                missing = health.missing_content()
            except DatabaseError:  # The tables are missing (not migrated): the content is unknown.
                pass
        cache = pagecache.cache_is_up()
        if missing is None:
            content = "unknown"
        else:
            content = f"missing ({', '.join(missing)})" if missing else "ok"
        text = (
            f"database: {'ok' if database else 'unavailable'}\n"
            f"cache: {'ok' if cache else 'unavailable'}\n"
            f"content: {content}\n"
        )
        response = HttpResponse(text, content_type="text/plain", status=200 if content == "ok" else 503)
        add_never_cache_headers(response)
        return response


class PageCacheMiddleware:
    """
    The fast path: a cached public page is answered here, before the security, session, auth,
    messages and CSRF middleware run, with the headers they added when it was stored.

    Sits right after the health check. A request for a public page loses its cookies here (the page
    is the same for everyone). A page not in the cache goes through the whole stack, and the finished
    response is stored if it is a public 200 without cookies (residency.pagecache). A fault of the
    cache's own code is logged and the page answered by the whole stack, never a 500 from here, which
    would miss the security headers the middleware below adds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            view_class = pagecache.public_page(request)
            key = pagecache.page_key(request, view_class) if view_class else None
            response = pagecache.cached_page(request, key) if key else None
        except Exception:
            log.exception("The page cache failed on %s; answering without it.", request.path)
            key = response = None
        if response is not None:
            return response
        if key is None:
            return self.get_response(request)
        # Rendered whole (a 200 to store, not a 304 to this client's copy), then answered as asked.
        conditions = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META}
        response = self.get_response(request)
        request.META.update(conditions)
        try:
            if pagecache.is_storable(response):
                response = pagecache.conditional(request, pagecache.store(request, key, response))
        except Exception:
            log.exception("The page cache could not store %s; answered without it.", request.path)
        return response


class BadQueryMiddleware:
    """
    Ignores query parameters holding a NUL character, as if they had not been sent.

    No page, admin filter or search has a use for one, and PostgreSQL refuses it in a query (an
    error that would be a 500). Other invalid bytes are decoded by Django as replacement
    characters and reach filters and searches harmlessly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            kept = QueryDict(mutable=True)
            try:
                parameters = list(request.GET.lists())
            except UnicodeError:  # Not what a WSGI server passes on (latin-1 only): ignore it all.
                parameters = []
            for name, values in parameters:
                values = [value for value in values if "\x00" not in value]
                if values and "\x00" not in name:
                    kept.setlist(name, values)
            kept._mutable = False
            request.GET = kept
            request.META["QUERY_STRING"] = kept.urlencode()
        return self.get_response(request)
