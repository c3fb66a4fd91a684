"""The site's URLs plus pages that show what nginx passes on, for tests/test_nginx.py only."""

import itertools
import json

from django.http import HttpResponse
from django.urls import include, path
from django.utils.cache import patch_cache_control

from residency.clientaddress import client_address

renders = itertools.count(1)


def echo(request):
    """What the site received from nginx: the forwarding headers and the client address it derives."""
    seen = {
        "host": request.META.get("HTTP_HOST"),
        "x_forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
        "x_forwarded_proto": request.META.get("HTTP_X_FORWARDED_PROTO"),
        "x_forwarded_host": request.META.get("HTTP_X_FORWARDED_HOST"),
        "client_address": client_address(request),
    }
    return HttpResponse(json.dumps(seen), content_type="application/json")


def sets_a_cookie(request):
    """A response that says it may be cached publicly, but sets a cookie: it must never be cached."""
    response = HttpResponse(f"render {next(renders)}")
    patch_cache_control(response, public=True, max_age=60)
    response.set_cookie("flavour", "oatmeal")
    return response


urlpatterns = [
    path("_test/echo/", echo),
    path("_test/cookie/", sets_a_cookie),
    path("", include("residency.urls")),
]
