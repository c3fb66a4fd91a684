"""
nginx's configuration (deploy/nginx/) agrees with the site: the paths it limits and logs privately are
the views that say so, it adds the headers Django sends, and it purges under the key it caches under.
These read the templates, so they run where nginx is not installed too (tests/test_nginx.py runs it).
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from residency import pages

pytestmark = pytest.mark.django_db

TEMPLATES = settings.BASE_DIR / "deploy" / "nginx"


def template(name):
    # Without comments: a directive named in a comment is not one.
    return "\n".join(line.split("#")[0] for line in (TEMPLATES / name).read_text().splitlines())


def map_keys(text, variable):
    """The exact (non-regex) source values a `map … $variable { … }` block maps to 1."""
    block = re.search(rf"map \$\w+ \${variable} \{{(.*?)\}}", text, re.DOTALL)
    assert block, f"no map for ${variable}"
    return {key for key, value in re.findall(r"^\s*(\S+)\s+(\S+);", block[1], re.MULTILINE) if value == "1"}


def paths_of(attribute):
    return {route.paths()[0] for route in pages.all_routes() if getattr(route.view_class, attribute)}


def test_nginx_limits_exactly_the_tools_django_answers_afresh():
    assert map_keys(template("residency.conf"), "residency_limited") == paths_of("limited")
    assert reverse("search:results") in paths_of("limited")


def test_nginx_logs_without_the_query_string_exactly_the_pages_holding_answers():
    assert map_keys(template("residency.conf"), "residency_private") == paths_of("private_queries")


def test_nginx_adds_the_security_headers_django_sends(client):
    text = template("residency.conf")
    django = client.get(reverse("applications:apply"))

    def mapped(variable):
        return re.search(rf'\${variable} \{{\s*1 "([^"]*)";', text)[1]

    def directives(policy):
        return {part.strip() for part in policy.split(";") if part.strip()}

    assert directives(mapped("residency_csp")) == directives(django["Content-Security-Policy"])
    assert mapped("residency_permissions_policy") == django["Permissions-Policy"]
    for variable, header in [
        ("residency_nosniff", "X-Content-Type-Options"),
        ("residency_frame_options", "X-Frame-Options"),
        ("residency_referrer_policy", "Referrer-Policy"),
        ("residency_opener_policy", "Cross-Origin-Opener-Policy"),
    ]:
        assert re.search(rf"\${variable} \{{\s*1 ([^;]+);", text)[1] == django[header], header


def test_no_location_adds_headers_of_its_own():
    # One add_header in a location and nginx drops all of the server's there (the security headers, HSTS).
    for name in ["locations.conf", "local.conf", "production.conf"]:
        text = template(name)
        for location in re.finditer(r"location [^{]*\{(?:[^{}]|\{[^{}]*\})*\}", text):
            assert "add_header" not in location[0], f"{name}: {location[0][:60]}"


def test_nginx_purges_under_the_key_it_caches_under():
    cached = re.search(r'proxy_cache_key "([^"]+)";', template("locations.conf"))[1]
    purged = re.search(r'proxy_cache_purge residency_pages "([^"]+)";', template("purge.conf"))[1]
    assert purged == cached
