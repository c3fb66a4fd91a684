"""
Whatever a browser, a bot or an attacker sends, the site never answers with a server error.

A request here is built the way a WSGI server hands it to Django: the path already percent-decoded
into PATH_INFO (its bytes as latin-1 characters, PEP 3333) and the query string passed on untouched,
so invalid UTF-8, NUL bytes, broken percent escapes and double slashes reach Django exactly as sent.
The clients answer a failing view with the 500 page, as production does, instead of raising.
"""

import functools
import re
from http import HTTPStatus
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from programs.models import Track
from residency import pagecache, pages
from residency.views import PublicPageMixin
from sites.models import Practice

pytestmark = pytest.mark.django_db


READ_METHODS = ["GET", "HEAD", "OPTIONS"]
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
SENSIBLE = {
    HTTPStatus.OK,
    HTTPStatus.MOVED_PERMANENTLY,
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.METHOD_NOT_ALLOWED,
}
HEALTHZ = "/healthz"


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route == settings.ADMIN_URL:
                continue
            yield from _walk(entry.url_patterns, route, entry.namespace or namespace)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            view_class = getattr(entry.callback, "view_class", None)
            # Data files such as the .ics calendars (`listed = False`) are probed as routes, not pages.
            is_page = view_class is not None and issubclass(view_class, PublicPageMixin) and view_class.listed
            yield name or "/" + route, "/" + route, is_page


def _template(route):
    """'/tracks/<slug:slug>/' -> '/tracks/{slug}/'; only slug parameters are expected on public pages."""

    def placeholder(match):
        assert match["converter"] == "slug", f"{route}: add real values for <{match[0]}> to this test"
        return "{slug}"

    return re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", placeholder, route)


# Every public route from the URL resolver, the admin left out: (url name, '/tracks/{slug}/', is a public page).
# Public pages are the read-only views; other routes (such as /favicon.ico, a redirect) only must not fail.
ROUTES = [(name, _template(route), is_page) for name, route, is_page in _walk(get_resolver().url_patterns)]


@functools.cache
def real_url(name, template):
    """The address of a real page of the route: the first object's, for a page about an object."""
    if "{slug}" not in template:
        return template
    (route,) = [route for route in pages.routes() if route.name == name]
    return route.paths()[0]


def real_slug(name, template):
    before, after = template.split("{slug}")
    return real_url(name, template).removeprefix(before).removesuffix(after)


PAGES = [(name, template) for name, template, is_page in ROUTES if is_page]
PAGE_IDS = [name for name, _ in PAGES]
SLUG_TEMPLATES = [template for _, template in PAGES if "{slug}" in template]


def with_slugs(text):
    """`text` with {track} (or {TRACK}, in capitals) and {practice} replaced by a stored track's and clinic's slug."""
    track = Track.objects.first().slug
    practice = Practice.objects.first().slug
    return text.replace("{track}", track).replace("{TRACK}", track.upper()).replace("{practice}", practice)


def wsgi(text):
    """A str as a WSGI server passes it: its UTF-8 bytes, one latin-1 character per byte."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def send(client, method, target, data=b"", content_type="application/octet-stream", **extra):
    """
    Send `target` as it would come in a request line: the server percent-decodes the path, leaves
    the query string alone. PATH_INFO or QUERY_STRING in `extra` are used as given instead.
    """
    path, _, query = target.partition("?")
    extra.setdefault("PATH_INFO", unquote_to_bytes(path).decode("latin-1"))
    extra.setdefault("QUERY_STRING", wsgi(query))
    return client.generic(method, "/", data, content_type, **extra)


def fresh_page_cache():
    """No page cached, as for a new server process (conftest.py does this once per test, not per example)."""
    cache.clear()
    pagecache.forget()


def assert_no_server_error(response):
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO'][:200]!r} "
        f"answered {response.status_code}; the traceback is in the captured log"
    )


def assert_stays_on_site(response):
    if response.status_code in (HTTPStatus.MOVED_PERMANENTLY, HTTPStatus.FOUND):
        location = response["Location"]
        # Browsers read '//host' and '/\\host' as another site.
        assert not location.startswith(("//", "/\\", "\\")), f"redirected off the site to {location!r}"
        assert urlsplit(location).netloc in ("", "testserver"), f"redirected off the site to {location!r}"


# What the TLS-terminating proxy adds to every request, as conftest.py's `client` sends it.
PROXY = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture(scope="module")
def visitors():
    """
    The module's clients, each answering a failing view with the 500 page (as production does) instead of
    raising. A client builds the middleware on its first request (whitenoise indexes every collected static
    file), the slowest part of a request here, so they are built once and their cookies cleared per test.
    """
    return {
        "proxied": Client(raise_request_exception=False, **PROXY),
        # POSTs CSRF-checked as a real browser's are (the test client skips that by default).
        "strict": Client(enforce_csrf_checks=True, raise_request_exception=False, **PROXY),
        # A load balancer asking over plain HTTP, by address.
        "plain": Client(raise_request_exception=False, HTTP_HOST="10.0.0.7"),
    }


def _fresh(visitor):
    visitor.cookies.clear()
    return visitor


@pytest.fixture
def client(visitors):
    """A visitor through the HTTPS proxy."""
    return _fresh(visitors["proxied"])


@pytest.fixture
def strict_client(visitors):
    return _fresh(visitors["strict"])


@pytest.fixture
def plain_client(visitors):
    return _fresh(visitors["plain"])


# --- The routes this file probes -------------------------------------------------------------


def test_every_public_page_is_probed_and_answers_at_its_real_address(client):
    # Every listed page, and the cached files that are not pages (robots.txt, the sitemap, data files).
    listed = [route.name for route in pages.routes()]
    assert [name for name in PAGE_IDS if name in listed] == listed
    unlisted = [name for name, template, is_page in ROUTES if is_page and name not in listed]
    assert all(not resolve(template).func.view_class.listed for name, template in PAGES if name in unlisted)
    assert not any(template.startswith("/" + settings.ADMIN_URL) for _, template, _ in ROUTES)
    for name, template in PAGES:
        url = real_url(name, template)
        kwargs = {"slug": real_slug(name, template)} if "{slug}" in template else {}
        assert reverse(name, kwargs=kwargs) == url
        assert client.get(url).status_code == HTTPStatus.OK, url


# --- 1. Generated paths and query strings ----------------------------------------------------

NASTY_PIECES = [
    "%",
    "%%",
    "%0",
    "%00",
    "%ZZ",
    "%FF%FE",
    "%C0%AE",
    "%ED%A0%80",
    "%2e%2e%2f",
    "%2F",
    "%5C",
    "..",
    "../",
    "/",
    "//",
    ".",
    "\\",
    "\x00",
    "\n",
    "\r\n",
    "'",
    '"',
    ";",
    "--",
    "' OR '1'='1",
    "<script>",
    "\u202e",
    "\ufeff",
    "\U0001f600",
    "?",
    "#",
    "&",
    "=",
    "+",
    " ",
]

nasty_text = st.one_of(
    st.text(),  # any code point but surrogates: control characters, emoji, combining marks
    st.lists(st.sampled_from(NASTY_PIECES), min_size=1, max_size=8).map("".join),
    st.integers(min_value=201, max_value=12_000).map(lambda n: "a" * n),  # longer than the slug column
)
slug_shaped = st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True)  # passes the URL pattern, almost surely unknown


@st.composite
def path_infos(draw):
    """(url name, is a page, its real address, PATH_INFO): a real route, its slug and its tail perhaps junk."""
    # Pages with a slug take user text into a database look-up: half the examples go to them.
    slug_routes = [route for route in ROUTES if "{slug}" in route[1]]
    name, template, is_page = draw(st.one_of(st.sampled_from(slug_routes), st.sampled_from(ROUTES)))
    canonical = real_url(name, template)
    if "{slug}" in template:
        before, after = template.split("{slug}")
        slug = draw(st.one_of(st.just(real_slug(name, template)), slug_shaped, nasty_text, st.binary(max_size=40)))
        if isinstance(slug, bytes):
            raw = slug  # bytes straight into PATH_INFO, not valid UTF-8 at all
        elif draw(st.booleans()):
            raw = slug.encode()  # percent-encoded by the browser, decoded by the server: its UTF-8 bytes
        else:
            raw = unquote_to_bytes(slug)  # sent as typed: '%ZZ' stays, '%FF' becomes a byte
        path = before.encode() + raw + after.encode()
    else:
        path = template.encode()
    tail = draw(st.sampled_from(["keep", "keep", "keep", "drop-slash", "append", "prepend"]))
    if tail == "drop-slash" and path != b"/":
        path = path.rstrip(b"/")
    elif tail == "append":
        path += draw(st.one_of(st.binary(max_size=30), nasty_text.map(unquote_to_bytes)))
    elif tail == "prepend":
        path = b"/" + draw(st.sampled_from([b"", b"/", b"..", b"%2e%2e", b"\x00", b"static/.."])) + path
    return name, is_page, canonical, path.decode("latin-1")


def _raw_pairs(pairs):
    return "&".join(f"{key}={value}" for key, value in pairs)


texts_or_bytes = st.one_of(st.text(max_size=40), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
pairs = st.lists(st.tuples(texts_or_bytes, texts_or_bytes), max_size=8)

query_strings = st.one_of(
    st.just(""),
    pairs.map(urlencode).map(wsgi),  # properly encoded, any keys and values
    pairs.map(_raw_pairs).map(wsgi),  # not encoded at all
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),  # any bytes
    st.lists(st.sampled_from(NASTY_PIECES + ["page=-1", "page=abc", "a[]=1", "=="]), max_size=20).map("".join),
    st.tuples(texts_or_bytes, st.integers(min_value=2, max_value=5000)).map(
        lambda key_count: "&".join([f"{quote(key_count[0])}=1"] * key_count[1])  # one key, repeated
    ),
    st.integers(min_value=1000, max_value=100_000).map(lambda n: "q=" + "x" * n),  # a huge value
)


@hypothesis_settings(
    # At least this many; more with HYPOTHESIS_PROFILE=long (conftest.py).
    max_examples=max(250, hypothesis_settings.default.max_examples),
    deadline=None,
    database=None,  # no .hypothesis/ folder in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=path_infos(), query=query_strings, method=st.sampled_from(["GET", "GET"] + READ_METHODS + WRITE_METHODS))
def test_no_generated_path_or_query_string_gives_a_visitor_a_server_error(client, route, query, method):
    name, is_page, canonical, path_info = route
    # Each example from an empty page cache: every page is rendered for it, and a failure replays the same
    # way (a page cached by an earlier example would answer the replay, and Hypothesis would call it flaky).
    fresh_page_cache()
    with transaction.atomic():  # each example on its own: a failed query cannot spoil the next on PostgreSQL
        response = send(client, method, "/", PATH_INFO=path_info, QUERY_STRING=query)
        transaction.set_rollback(True)
    event(f"{method} {'page' if is_page and path_info == canonical else 'other'} {response.status_code}")
    assert_no_server_error(response)
    assert response.status_code in SENSIBLE, (name, path_info[:200], response.status_code)
    assert_stays_on_site(response)
    if is_page and path_info == canonical:
        # No page reads its query string: junk there never changes what the page answers.
        expected = HTTPStatus.OK if method in READ_METHODS else HTTPStatus.METHOD_NOT_ALLOWED
        assert response.status_code == expected, (path_info, query[:200])


# --- 2. Hostile requests, one by one ---------------------------------------------------------

LONG = "a" * 10_000
HUGE_QUERY = "q=" + "x" * 100_000
REPEATED = "&".join(["a=1"] * 5000)
MANY_FIELDS = "&".join(f"f{i}=1" for i in range(5000))
NOT_FOUND, OK, BAD = HTTPStatus.NOT_FOUND, HTTPStatus.OK, HTTPStatus.BAD_REQUEST

# (id, method, target, expected status, extra WSGI environ). Targets are request lines; see send().
HOSTILE = [
    # Very long paths, and slugs too long for their column (max_length 200)
    ("long-path", "GET", f"/{LONG}/", NOT_FOUND, {}),
    ("long-path-no-slash", "GET", f"/{LONG}", NOT_FOUND, {}),
    ("long-slug", "GET", f"/tracks/{LONG}/", NOT_FOUND, {}),
    ("slug-one-over-the-column", "GET", f"/sites/{'a' * 201}/", NOT_FOUND, {}),
    ("long-slug-without-the-slash-is-redirected-to-it", "GET", f"/sites/{LONG}", HTTPStatus.MOVED_PERMANENTLY, {}),
    # Not UTF-8: percent-encoded, and as raw bytes in PATH_INFO
    ("ff-fe-encoded", "GET", "/%FF%FE/", NOT_FOUND, {}),
    ("ff-fe-in-slug", "GET", "/tracks/%FF%FE/", NOT_FOUND, {}),
    ("ff-after-real-slug", "GET", "/tracks/{track}%FF/", NOT_FOUND, {}),
    ("overlong-utf8-dots", "GET", "/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd", NOT_FOUND, {}),
    ("utf8-surrogate", "GET", "/pathways/%ED%A0%80/", NOT_FOUND, {}),
    ("raw-bytes-in-path-info", "GET", "/", NOT_FOUND, {"PATH_INFO": "/tracks/\xff\xfe/"}),
    ("raw-broken-utf8-in-path-info", "GET", "/", NOT_FOUND, {"PATH_INFO": "/\xc3\x28/apply/"}),
    ("raw-bytes-after-real-page", "GET", "/", NOT_FOUND, {"PATH_INFO": "/apply/\xff"}),
    ("unicode-slug", "GET", "/tracks/caf%C3%A9/", NOT_FOUND, {}),
    ("emoji-and-right-to-left-override", "GET", "/%F0%9F%98%80%E2%80%AE/", NOT_FOUND, {}),
    ("bad-percent-escape", "GET", "/apply/%ZZ/", NOT_FOUND, {}),
    ("lone-percent", "GET", "/sites/%/", NOT_FOUND, {}),
    # NUL bytes
    ("nul-path", "GET", "/%00", NOT_FOUND, {}),
    ("nul-slug", "GET", "/tracks/%00/", NOT_FOUND, {}),
    ("nul-after-real-slug", "GET", "/sites/{practice}%00/", NOT_FOUND, {}),
    ("nul-after-page", "GET", "/apply/%00", NOT_FOUND, {}),
    ("nul-raw-in-path-info", "GET", "/", NOT_FOUND, {"PATH_INFO": "/tracks/{track}/\x00"}),
    ("nul-query-encoded", "GET", "/?q=%00&%00=%00", OK, {}),
    ("nul-query-raw", "GET", "/apply/", OK, {"QUERY_STRING": "q=\x00&\x00"}),
    # Path traversal
    ("dot-dot", "GET", "/../../../etc/passwd", NOT_FOUND, {}),
    ("dot-dot-between-pages", "GET", "/tracks/../apply/", NOT_FOUND, {}),
    ("encoded-dot-dot", "GET", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", NOT_FOUND, {}),
    ("encoded-dot-dot-in-slug", "GET", "/tracks/..%2f..%2fadmin/", NOT_FOUND, {}),
    ("static-dot-dot", "GET", "/static/../residency/settings.py", NOT_FOUND, {}),
    ("static-encoded-dot-dot", "GET", "/static/%2e%2e/%2e%2e/residency/settings.py", NOT_FOUND, {}),
    ("backslash-dot-dot", "GET", "/static/..%5c..%5cmanage.py", NOT_FOUND, {}),
    # Double slashes: never a redirect to another site
    ("double-slash-root", "GET", "//", NOT_FOUND, {}),
    ("double-slash-before-page", "GET", "//apply/", NOT_FOUND, {}),
    ("double-slash-after-page", "GET", "/apply//", NOT_FOUND, {}),
    ("double-slash-before-slug", "GET", "/tracks//{track}/", NOT_FOUND, {}),
    ("protocol-relative", "GET", "//evil.example/", NOT_FOUND, {}),
    ("protocol-relative-no-slash", "GET", "//evil.example", NOT_FOUND, {}),
    ("backslash-host", "GET", "/\\evil.example", NOT_FOUND, {}),
    # Unknown slugs, and other models' slugs
    *[
        (f"unknown-slug-{t.split('/')[1]}", "GET", t.format(slug="no-such-page"), NOT_FOUND, {})
        for t in SLUG_TEMPLATES
    ],
    ("track-slug-as-pathway", "GET", "/pathways/{track}/", NOT_FOUND, {}),
    ("slug-in-capitals", "GET", "/tracks/{TRACK}/", NOT_FOUND, {}),
    # SQL-ish input
    ("sql-in-slug", "GET", "/tracks/' OR '1'='1/", NOT_FOUND, {}),
    ("sql-in-slug-encoded", "GET", "/sites/%27%20OR%201%3D1--/", NOT_FOUND, {}),
    ("sql-drop-table", "GET", "/curriculum/conferences/1;DROP TABLE curriculum_conference;--/", NOT_FOUND, {}),
    ("sql-slug-shaped", "GET", "/pathways/1-or-1-1--/", NOT_FOUND, {}),
    ("sql-in-query", "GET", "/tracks/{track}/?slug=' UNION SELECT password FROM auth_user--", OK, {}),
    # Pagination-looking parameters no page reads
    *[(f"page-{value}", "GET", f"/tracks/?page={value}", OK, {}) for value in ["-1", "abc", "0", "9" * 30, "1e9", ""]],
    ("page-on-sites", "GET", "/sites/?page=-1&page=abc", OK, {}),
    # Huge and numerous parameters
    ("huge-query-string", "GET", f"/apply/?{HUGE_QUERY}", OK, {}),
    ("huge-query-string-without-the-slash-is-not-redirected", "GET", f"/apply?{HUGE_QUERY}", BAD, {}),
    ("thousands-of-repeated-parameters", "GET", f"/curriculum/?{REPEATED}", OK, {}),
    ("thousands-of-parameters", "GET", f"/benefits/?{MANY_FIELDS}", OK, {}),
    ("broken-percent-in-query", "GET", "/?%ZZ=%FF%FE&%=%&%%", OK, {}),
    # Hosts: unknown and malformed are the client's error
    ("unknown-host", "GET", "/", BAD, {"HTTP_HOST": "evil.example"}),
    ("unknown-host-on-detail", "GET", "/tracks/{track}/", BAD, {"HTTP_HOST": "evil.example"}),
    ("host-bad-port", "GET", "/", BAD, {"HTTP_HOST": "testserver:abc"}),
    ("host-empty", "GET", "/", BAD, {"HTTP_HOST": ""}),
    ("host-unclosed-ipv6", "GET", "/", BAD, {"HTTP_HOST": "[::1"}),
    ("host-with-space", "GET", "/", BAD, {"HTTP_HOST": "test server"}),
    ("host-with-userinfo", "GET", "/", BAD, {"HTTP_HOST": "user@testserver"}),
    ("host-with-path", "GET", "/", BAD, {"HTTP_HOST": "testserver/../evil.example"}),
    ("host-very-long", "GET", "/", BAD, {"HTTP_HOST": LONG}),
    ("unknown-host-posting", "POST", "/apply/", BAD, {"HTTP_HOST": "evil.example"}),
    # Odd headers
    ("cookie-garbage", "GET", "/", OK, {"HTTP_COOKIE": '";;;=;=; =x; a="unterminated'}),
    ("cookie-bad-session", "GET", "/", OK, {"HTTP_COOKIE": "sessionid=not-a-session; messages=junk"}),
    ("cookie-session-with-escaped-nul", "GET", "/apply/", OK, {"HTTP_COOKIE": 'sessionid="abcdefgh\\000"'}),
    ("cookie-huge", "GET", "/", OK, {"HTTP_COOKIE": "csrftoken=" + LONG}),
    ("cookie-repeated", "GET", "/", OK, {"HTTP_COOKIE": "; ".join(["a=b"] * 2000)}),
    ("if-modified-since-junk", "GET", "/tracks/", OK, {"HTTP_IF_MODIFIED_SINCE": "Sat, 99 Foo 99999 99:99:99"}),
    ("if-none-match-junk", "GET", "/tracks/", OK, {"HTTP_IF_NONE_MATCH": '"unterminated, W/, *, ""'}),
    ("range-junk", "GET", "/tracks/", OK, {"HTTP_RANGE": "bytes=-5-a,99999999999999999999-"}),
    ("accept-junk", "GET", "/", OK, {"HTTP_ACCEPT": "*/*;q=abc, text/html;;;", "HTTP_ACCEPT_LANGUAGE": "xx-;q=-1"}),
    ("user-agent-huge", "GET", "/", OK, {"HTTP_USER_AGENT": "\xff" * 10_000}),
    ("content-type-junk-on-get", "GET", "/", OK, {"CONTENT_TYPE": "multipart/form-data", "CONTENT_LENGTH": "abc"}),
    # /healthz, answered before host checks and the HTTPS redirect
    ("healthz", "GET", HEALTHZ, OK, {}),
    ("healthz-head", "HEAD", HEALTHZ, OK, {}),
    ("healthz-options", "OPTIONS", HEALTHZ, OK, {}),
    ("healthz-unknown-host", "GET", HEALTHZ, OK, {"HTTP_HOST": "evil.example"}),
    ("healthz-malformed-host", "GET", HEALTHZ, OK, {"HTTP_HOST": "[::1"}),
    ("healthz-nul-query", "GET", f"{HEALTHZ}?%00=\x00", OK, {}),
    ("healthz-huge-query", "GET", f"{HEALTHZ}?{HUGE_QUERY}", OK, {}),
    ("healthz-repeated-parameters", "GET", f"{HEALTHZ}?{REPEATED}", OK, {}),
    ("healthz-cookie-garbage", "GET", HEALTHZ, OK, {"HTTP_COOKIE": '";;;=;=; sessionid="abcdefgh\\000"'}),
    ("healthz-trailing-slash", "GET", f"{HEALTHZ}/", NOT_FOUND, {}),
    ("healthz-nul", "GET", f"{HEALTHZ}%00", NOT_FOUND, {}),
    ("healthz-double-slash", "GET", f"/{HEALTHZ}", NOT_FOUND, {}),
    ("healthz-raw-bytes", "GET", "/", NOT_FOUND, {"PATH_INFO": f"{HEALTHZ}\xff"}),
]


@pytest.mark.parametrize("method, target, expected, extra", [pytest.param(*case[1:], id=case[0]) for case in HOSTILE])
def test_hostile_request_gets_a_client_error_or_the_page_never_a_server_error(client, method, target, expected, extra):
    extra = {name: with_slugs(value) for name, value in extra.items()}
    response = send(client, method, with_slugs(target), **extra)
    assert_no_server_error(response)
    assert response.status_code == expected
    assert_stays_on_site(response)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_healthz_answers_any_method_without_https_or_a_known_host(plain_client, method):
    response = plain_client.generic(method, HEALTHZ, b"x" * 10_000, "application/x-www-form-urlencoded")
    assert_no_server_error(response)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.METHOD_NOT_ALLOWED)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# Every read-only public page, with every method that would change something.
@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize(("name", "template"), PAGES, ids=PAGE_IDS)
def test_writing_to_a_public_page_is_refused_with_405_even_without_a_csrf_token(strict_client, name, template, method):
    url = real_url(name, template)
    response = strict_client.generic(method, url, b"name=value", "application/x-www-form-urlencoded")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert set(response["Allow"].replace(" ", "").split(",")) == set(READ_METHODS)


@pytest.mark.parametrize(("name", "template"), PAGES, ids=PAGE_IDS)
def test_options_and_head_on_a_public_page_answer_200(client, name, template):
    url = real_url(name, template)
    options = client.options(url)
    assert options.status_code == HTTPStatus.OK
    assert set(options["Allow"].replace(" ", "").split(",")) == set(READ_METHODS)
    head = client.head(url)
    assert head.status_code == HTTPStatus.OK
    assert head.content == b""


BODIES = [
    pytest.param(b"x" * (3 * 1024 * 1024), "application/x-www-form-urlencoded", id="bigger-than-the-upload-limit"),
    pytest.param(MANY_FIELDS.encode(), "application/x-www-form-urlencoded", id="thousands-of-fields"),
    pytest.param(b"--x\r\ngarbage", "multipart/form-data", id="multipart-without-boundary"),
    pytest.param(b"garbage", "multipart/form-data; boundary=", id="multipart-empty-boundary"),
    pytest.param(b"a=%FF%00", "application/x-www-form-urlencoded; charset=no-such-charset", id="unknown-charset"),
    pytest.param(b"\xff\xfe\x00{", "application/json", id="broken-json"),
    pytest.param(b"a=1", ";;;/\xff", id="content-type-junk"),
]


@pytest.mark.parametrize("body, content_type", BODIES)
@pytest.mark.parametrize("url", ["/", "/apply/", "/tracks/{track}/"])
def test_posting_an_odd_or_oversized_body_to_a_public_page_is_refused_with_405(strict_client, url, body, content_type):
    response = strict_client.generic("POST", with_slugs(url), body, content_type)
    assert_no_server_error(response)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- The admin login page, with junk ---------------------------------------------------------

LOGIN = "/" + settings.ADMIN_URL + "login/"
WRONG = {"username": "nobody", "password": "a-wrong-password"}


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param("next=javascript:alert(1)", HTTPStatus.OK, id="javascript-next"),
        pytest.param("next=//evil.example/", HTTPStatus.OK, id="off-site-next"),
        pytest.param("next=%00&next=%FF%FE", HTTPStatus.OK, id="nul-and-bad-bytes-in-next"),
        pytest.param("next=" + "x" * 100_000, HTTPStatus.OK, id="huge-next"),
        pytest.param("%ZZ=%&=", HTTPStatus.OK, id="broken-percent"),
        pytest.param(MANY_FIELDS, HTTPStatus.BAD_REQUEST, id="more-parameters-than-allowed"),
    ],
)
def test_admin_login_page_with_a_junk_query_string_still_answers(client, query, expected):
    response = send(client, "GET", f"{LOGIN}?{query}")
    assert_no_server_error(response)
    assert response.status_code == expected
    assert 'href="javascript:' not in response.content.decode()


def test_admin_login_post_without_a_csrf_token_is_refused_with_403(strict_client):
    response = strict_client.post(LOGIN, {}, HTTP_REFERER=f"https://testserver{LOGIN}")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert_in_site_layout(response, "Form expired")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="no-fields"),
        pytest.param({"username": "nobody"}, id="no-password"),
        pytest.param({"password": "a-wrong-password"}, id="no-username"),
        pytest.param({**WRONG, "next": "javascript:alert(1)"}, id="javascript-next"),
        pytest.param({"username": "no\x00body", "password": "pass\x00word"}, id="nul-in-credentials"),
        pytest.param({**WRONG, "next": "\x00", "x\x00": "\x00"}, id="nul-in-other-fields"),
        pytest.param({"username": "\U0001f600\u202e" * 20, "password": "\ufeff"}, id="odd-unicode"),
        pytest.param({"username": "nobody", "password": "p" * 100_000}, id="huge-password"),
        # AuthenticationForm does not enforce the username's max_length; django-axes then records the failed
        # login in AccessAttempt.username, a varchar(255): PostgreSQL refuses the row and the login page 500s.
        pytest.param({"username": "n" * 300, "password": "a-wrong-password"}, id="username-longer-than-axes-column"),
        pytest.param({"username": ["a", "b"], "password": ["c", "d"]}, id="repeated-fields"),
    ],
)
def test_admin_login_post_with_junk_fields_shows_the_form_again(client, data):
    response = client.post(LOGIN, data)
    assert_no_server_error(response)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "body, content_type",
    [
        pytest.param(b"x" * (3 * 1024 * 1024), "application/x-www-form-urlencoded", id="bigger-than-the-upload-limit"),
        pytest.param(MANY_FIELDS.encode(), "application/x-www-form-urlencoded", id="more-fields-than-allowed"),
        pytest.param(b"--x\r\ngarbage", "multipart/form-data", id="multipart-without-boundary"),
    ],
)
def test_admin_login_post_with_a_body_django_refuses_is_a_400(client, body, content_type):
    response = client.generic("POST", LOGIN, body, content_type)
    assert_no_server_error(response)
    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param("sessionid=not-a-real-session", id="unknown-session"),
        # The cookie parser turns the quoted escape \000 into a NUL; Django's session store passes the key to the
        # database unchecked, and PostgreSQL refuses NUL in text: a 500 for anyone sending that cookie.
        pytest.param('sessionid="abcdefgh\\000"', id="session-with-escaped-nul"),
        pytest.param(f"sessionid={LONG}", id="huge-session"),
        pytest.param('sessionid="\\377\\376\\375\\374\\373\\372\\371\\370"', id="session-with-escaped-high-bytes"),
    ],
)
def test_admin_login_page_with_a_broken_session_cookie_still_answers(client, cookie):
    response = client.get(LOGIN, HTTP_COOKIE=cookie)
    assert_no_server_error(response)
    assert response.status_code == HTTPStatus.OK


# --- 3. Error pages are in the site's layout -------------------------------------------------


def assert_in_site_layout(response, heading):
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'class="site-nav"' in page
    for route in pages.navigation_routes():
        assert f'href="{route.path}"' in page, f"the navigation lacks {route.nav_label}"
    assert 'href="/apply/"' in page


@pytest.mark.parametrize(
    "target",
    [
        "/no-such-page/",
        "/tracks/no-such-track/",
        "/sites/%FF%FE/",
        "/%3Cscript%3Ealert(1)%3C/script%3E/",
    ],
)
def test_a_missing_page_says_not_found_inside_the_site_navigation(client, target):
    response = send(client, "GET", target)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")
    assert_in_site_layout(response, "Page not found")
    assert "<script>" not in response.content.decode()


def test_a_bad_host_says_bad_request_inside_the_site_navigation(client):
    response = client.get("/tracks/", HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_in_site_layout(response, "Bad request")
    assert "evil.example" not in response.content.decode()


# --- The applicants' tools: their own parameters, with junk -----------------------------------

# Each tool's address and the parameters it reads; any value must give the page (200), never a 500.
TOOL_PARAMETERS = {
    "/sites/": ["track"],
    "/sites/compare/": ["site", "track"],
    "/apply/calendar.ics": ["track"],
    "/apply/planner/": ["track"],
    "/search/": ["q"],
    "/apply/international-graduates/check/": [
        "degree",
        "experience",
        "ecfmg",
        "ecfmg_date",
        "visa",
        "step1",
        "step2",
        "step3",
        "attempts",
    ],
}
# A calendar file for a track nobody knows is "not found" rather than the whole calendar.
NOT_FOUND_FOR_UNKNOWN = {"/apply/calendar.ics"}


def real_values():
    """Values the tools know: numbers, a date, a visa, and the slugs of the tracks and clinics stored."""
    slugs = [*Track.objects.values_list("slug", flat=True), *Practice.objects.values_list("slug", flat=True)]
    return ["250", "2020-12-01", "h1b", "99999999999999999999", "-1", *slugs]


@st.composite
def tool_queries(draw):
    url = draw(st.sampled_from(sorted(TOOL_PARAMETERS)))
    names = TOOL_PARAMETERS[url]
    tool_values = st.one_of(st.sampled_from(real_values()), nasty_text, texts_or_bytes, st.just(""))
    pairs = draw(st.lists(st.tuples(st.sampled_from(names + ["x"]), tool_values), max_size=12))
    encoded = draw(st.booleans())
    query = urlencode(pairs) if encoded else _raw_pairs(pairs)
    return url, wsgi(query)


@hypothesis_settings(
    max_examples=max(200, hypothesis_settings.default.max_examples),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=tool_queries(), method=st.sampled_from(["GET", "HEAD"]))
def test_no_value_of_a_tool_parameter_gives_a_server_error(client, target, method):
    url, query = target
    fresh_page_cache()
    with transaction.atomic():
        response = send(client, method, "/", PATH_INFO=url, QUERY_STRING=query)
        transaction.set_rollback(True)
    assert_no_server_error(response)
    allowed = {HTTPStatus.OK, HTTPStatus.BAD_REQUEST} | (
        {HTTPStatus.NOT_FOUND} if url in NOT_FOUND_FOR_UNKNOWN else set()
    )
    assert response.status_code in allowed, (url, query[:200], response.status_code)


@pytest.mark.parametrize("url", sorted(TOOL_PARAMETERS))
def test_a_tool_with_thousands_of_values_or_a_huge_one_still_answers(client, url):
    values = real_values()
    for query in [
        "&".join(f"{name}={values[0]}" for name in TOOL_PARAMETERS[url]) * 500,
        f"{TOOL_PARAMETERS[url][0]}=" + ",".join(values * 5000),
        f"{TOOL_PARAMETERS[url][0]}=" + "%FF%00" * 20_000,
    ]:
        response = send(client, "GET", f"{url}?{query}")
        assert_no_server_error(response)
        allowed = {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}
        assert response.status_code in allowed | ({HTTPStatus.NOT_FOUND} if url in NOT_FOUND_FOR_UNKNOWN else set())
