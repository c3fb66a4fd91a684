from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


class HealthCheckMiddleware:
    """
    Answers /healthz: 200 when the database answers, 503 when it does not; never cached.

    It comes first, before host validation and the HTTPS redirect, so a load balancer or the
    container's health check can ask over plain HTTP by address.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            response = HttpResponse("ok\n", content_type="text/plain")
        except DatabaseError:
            response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        add_never_cache_headers(response)
        return response
