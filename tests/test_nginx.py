"""
The site as deployed: nginx (deploy/nginx/) in front of gunicorn, both started on free loopback ports.

nginx buffers slow clients so they cost no gunicorn worker, keeps public pages (without a query
string) for a second and then revalidates them with Django (a 304), drops them when the content
changes (the purge listener), serves its stale copy when gunicorn fails, never caches admin or
responses that set cookies, lets no cookie or query string defeat or fill its cache, limits costly
tools per client, keeps answers out of its log, puts the security headers on its own errors, serves
/static/ immutable and compressed, passes the Host with its port and overwrites the forwarding
headers. The production variant ends TLS and redirects plain HTTP.
"""

import gzip
import http.client
import http.cookiejar
import json
import re
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from tests import servers

sys.path.insert(0, str(settings.BASE_DIR / "deploy"))
import nginxconf  # noqa: E402
import stack  # noqa: E402

if stack.nginx_binary() is None:
    pytest.skip(
        "nginx is not installed (Debian package nginx; .ci/run installs it): the deployment tests need it",
        allow_module_level=True,
    )

# A cached copy is fresh for 1 s (deploy/nginx/locations.conf: proxy_cache_valid 200 1s), counted
# by nginx in whole seconds: after this long it has expired.
EXPIRED_AFTER_SECONDS = 2.1
NoRedirects = type("NoRedirects", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *args: None})
NO_REDIRECTS = urllib.request.build_opener(NoRedirects)


USERNAME, PASSWORD = "coordinator", "a-long-test-password"
# What Django sends on every response; nginx adds the same to the responses it makes itself.
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


def fetch(url, headers=None, timeout=10, method="GET", data=None):
    """(status, headers, body) of a request, errors included, redirects not followed."""
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with NO_REDIRECTS.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def raw(site, request_bytes):
    """Send `request_bytes` as they are and read the response's status line and headers."""
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers


def logged(site, *parts, seconds=5):
    """The access log's lines holding every one of `parts`, once nginx has written one (it buffers for 1 s)."""
    deadline = time.monotonic() + seconds
    while True:
        text = (site.run_dir / "nginx-access.log").read_text()
        lines = [line for line in text.splitlines() if all(part in line for part in parts)]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def needs(site, part):
    if part not in site.modules:
        module, package = nginxconf.MODULES[part]
        pytest.skip(f"nginx's {module} is not installed (Debian package {package}; .ci/run installs it)")


@pytest.fixture(scope="module")
def site_database(tmp_path_factory, sample_fixtures):
    database = servers.prepare_database(tmp_path_factory.mktemp("nginx-db") / "site.sqlite3", sample_fixtures)
    env = servers.site_environment(
        database,
        DJANGO_SUPERUSER_USERNAME=USERNAME,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        DJANGO_SUPERUSER_EMAIL="coordinator@example.org",
    )
    servers.manage(env, "createsuperuser", "--noinput")
    return database


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic's output with the production storage: hashed names and .gz copies."""
    root = tmp_path_factory.mktemp("static")
    env = servers.site_environment(root / "unused.sqlite3", DJANGO_SETTINGS_MODULE="residency.settings")
    env.update(SECRET_KEY="tests-only-" + "k3Y9qZ" * 9, ALLOWED_HOSTS="127.0.0.1", STATIC_ROOT=str(root))
    servers.manage(env, "collectstatic", "--noinput")
    return root


def site_env(database, **env):
    """The environment of the server processes, as `make serve` has it: plain HTTP on loopback."""
    return servers.site_environment(
        database,
        DJANGO_SETTINGS_MODULE="tests.nginx_settings",
        WEB_CONCURRENCY="1",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        **env,
    )


def start_stack(run_dir, database, static_root, **env):
    return stack.Stack(
        site_env(database, **env),
        run_dir,
        port=servers.free_port(),
        static_root=static_root,
        media_root=Path(run_dir) / "media",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_database, static_root):
    """nginx in front of one gunicorn sync worker: one slow client would hold it without nginx."""
    with start_stack(tmp_path_factory.mktemp("run"), site_database, static_root) as running:
        yield running


def cache_status(site, path, headers=None):
    status, response_headers, _ = fetch(site.url + path, headers)
    return status, response_headers.get("X-Cache-Status")


def test_pages_are_served_through_nginx(site):
    status, headers, body = fetch(site.url + "/apply/")
    assert status == HTTPStatus.OK
    assert b"</html>" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_slow_clients_do_not_hold_the_gunicorn_worker(site):
    slow = []
    try:
        for index in range(20):
            sock = socket.create_connection(("127.0.0.1", site.port))
            if index % 2:
                sock.sendall(b"GET /apply/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # headers never finished
            else:
                sock.sendall(b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nusern")
            slow.append(sock)
        # One sync worker, 20 clients stuck mid-request: every normal request is still answered.
        for path in ["/tracks/", "/sites/", "/curriculum/"]:
            assert fetch(site.url + path, timeout=10)[0] == HTTPStatus.OK
    finally:
        for sock in slow:
            sock.close()


def test_public_pages_are_microcached_then_revalidated_with_a_304_from_django(site):
    assert cache_status(site, "/benefits/")[1] == "MISS"
    assert cache_status(site, "/benefits/")[1] == "HIT"
    time.sleep(EXPIRED_AFTER_SECONDS)
    # The copy expired: nginx asks Django with If-None-Match / If-Modified-Since, and Django answers 304.
    assert cache_status(site, "/benefits/") == (HTTPStatus.OK, "REVALIDATED")
    assert logged(site, "GET /benefits/ ", "upstream=304")


def test_each_encoding_has_its_own_cached_copy(site):
    import brotli

    _, plain_headers, plain = fetch(site.url + "/leadership/")
    assert "Content-Encoding" not in plain_headers
    for accepted, encoding, decompress in [
        ("gzip, deflate", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
    ]:
        for _ in range(2):  # filled, then served from nginx's copy
            status, headers, body = fetch(site.url + "/leadership/", {"Accept-Encoding": accepted})
            assert status == HTTPStatus.OK and headers["Content-Encoding"] == encoding, accepted
            assert "Accept-Encoding" in headers["Vary"]
            assert decompress(body) == plain
        assert headers["X-Cache-Status"] == "HIT"


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/healthz"])
def test_admin_and_the_health_check_are_never_cached(site, path):
    statuses = [cache_status(site, path)[1] for _ in range(3)]
    assert "HIT" not in statuses


def test_admin_responses_are_not_compressed(site):
    _, headers, _ = fetch(site.url + "/admin/login/", {"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in headers


def test_a_response_that_sets_a_cookie_is_never_cached(site):
    first = fetch(site.url + "/_test/cookie/")
    second = fetch(site.url + "/_test/cookie/")
    assert "flavour=oatmeal" in first[1]["Set-Cookie"]
    assert first[2] != second[2]
    assert second[1]["X-Cache-Status"] != "HIT"


@pytest.mark.parametrize("cookie", ["sessionid=abc123", "sessionid=abc; csrftoken=x; messages=y", "tracker=1"])
def test_no_cookie_bypasses_or_changes_the_cached_page(site, cookie):
    _, _, page = fetch(site.url + "/research/")
    status, headers, body = fetch(site.url + "/research/", {"Cookie": cookie})
    assert (status, headers["X-Cache-Status"], body) == (HTTPStatus.OK, "HIT", page)


def test_a_page_first_asked_for_with_a_cookie_is_kept_for_everyone(site):
    assert cache_status(site, "/curriculum/conferences/", {"Cookie": "sessionid=made-up"})[1] in ("MISS", "EXPIRED")
    assert cache_status(site, "/curriculum/conferences/")[1] == "HIT"


def test_x_forwarded_for_and_proto_are_overwritten_and_the_host_keeps_its_port(site):
    _, _, body = fetch(
        site.url + "/_test/echo/",
        {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    )
    seen = json.loads(body)
    assert seen == {
        "host": f"127.0.0.1:{site.port}",
        "x_forwarded_for": "127.0.0.1",
        "x_forwarded_proto": "http",
        "x_forwarded_host": None,
        "client_address": "127.0.0.1",
    }
    assert json.loads(fetch(site.url + "/_test/echo/", {"Host": "localhost:8000"})[2])["host"] == "localhost:8000"


def test_a_coordinator_logs_in_to_admin_through_nginx_on_its_port(site):
    # The browser's Origin is http://127.0.0.1:<port>; Django's CSRF check compares it with the Host it is passed.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirects)
    login = f"{site.url}/admin/login/?next=/admin/"
    form = browser.open(login, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(login, data.encode(), {"Origin": site.url, "Referer": login})
    try:
        status = browser.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == HTTPStatus.FOUND
    assert {cookie.name: cookie.path for cookie in jar} == {"csrftoken": "/admin/", "sessionid": "/admin/"}
    with browser.open(f"{site.url}/admin/", timeout=10) as index:
        assert index.status == HTTPStatus.OK and USERNAME in index.read().decode()


def test_query_strings_are_answered_by_django_and_never_kept_by_nginx(site):
    # A flood of junk neither grows nginx's cache nor pushes a real page out of it.
    cache_status(site, "/benefits/")
    files_before = sorted(path.name for path in (site.run_dir / "cache").rglob("*") if path.is_file())
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        for number in range(1000):
            connection.request("GET", f"/benefits/?junk{number}={number}")
            response = connection.getresponse()
            response.read()
            assert response.status == HTTPStatus.OK and response.headers["X-Cache-Status"] == "BYPASS"
    finally:
        connection.close()
    assert sorted(path.name for path in (site.run_dir / "cache").rglob("*") if path.is_file()) == files_before
    assert cache_status(site, "/benefits/")[1] in ("HIT", "REVALIDATED")


@pytest.fixture(scope="module")
def parameters(site_database):
    """The pages with parameters and the self-check's answers, with values built from the site's own database."""
    code = (
        "import json; from tests.parameters import pages_with_parameters, queries; "
        "print(json.dumps([pages_with_parameters(), queries()['applications:graduate_check'][0]]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=site_env(site_database),
        capture_output=True,
        text=True,
        check=True,
    )
    pages, answers = json.loads(result.stdout.strip().splitlines()[-1])
    return {"pages": pages, "answers": answers}


def test_pages_with_known_parameters_are_answered_by_django(site, parameters):
    limited = {"/search/", "/apply/international-graduates/check/"}
    for path in parameters["pages"]:
        if path.split("?")[0] in limited:
            continue  # test_costly_tools_are_limited_per_client_with_429_and_retry_after
        status, headers, _ = fetch(site.url + path)
        assert status == HTTPStatus.OK, path
        assert headers["X-Cache-Status"] == "BYPASS", path


def test_an_answered_self_check_is_private_never_kept_and_logged_without_the_answers(site, parameters):
    path = "/apply/international-graduates/check/"
    answers = parameters["answers"]
    for _ in range(2):
        status, headers, body = fetch(f"{site.url}{path}?{answers}")
        assert status == HTTPStatus.OK
        assert headers["Cache-Control"] == "private, no-store"
        assert headers["X-Cache-Status"] == "BYPASS"
    # The page linked from the answers: its Referer is logged without them too.
    fetch(site.url + "/benefits/", {"Referer": f"{site.url}{path}?{answers}"})
    assert logged(site, f'"GET {path} HTTP/1.1" 200')
    assert logged(site, "GET /benefits/ ", f'"{site.url}{path}?"')
    lines = logged(site, path)
    assert not any(answers in line or answers.split("&")[0] in line for line in lines)


def test_costly_tools_are_limited_per_client_with_429_and_retry_after(site):
    statuses = []
    for number in range(30):
        status, headers, _ = fetch(f"{site.url}/search/?q=clinic{number}")
        statuses.append(status)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            assert headers["Retry-After"] == "1"
            assert_security_headers(headers)
    assert HTTPStatus.OK in statuses and HTTPStatus.TOO_MANY_REQUESTS in statuses
    # Pages are not limited, and the search form itself is a page.
    for path in ["/benefits/", "/search/"] * 10:
        assert fetch(site.url + path)[0] == HTTPStatus.OK
    time.sleep(EXPIRED_AFTER_SECONDS)


def assert_security_headers(headers, django_headers=None):
    """Each security header once, with Django's value (CSP directives in any order)."""
    expected = django_headers or DJANGO_HEADERS
    for name in SECURITY_HEADERS:
        values = headers.get_all(name) or []
        assert len(values) == 1, (name, values)
        if name == "Content-Security-Policy":
            assert directives(values[0]) == directives(expected[name])
        else:
            assert values[0] == expected[name], name


def directives(policy):
    return {directive.strip() for directive in policy.split(";") if directive.strip()}


DJANGO_HEADERS = {}


@pytest.fixture(scope="module", autouse=True)
def django_headers(site):
    """The security headers of a page as Django sends them (nginx's own responses must match)."""
    headers = fetch(site.url + "/_test/echo/")[1]
    DJANGO_HEADERS.update({name: headers[name] for name in SECURITY_HEADERS})


def test_every_response_carries_the_security_headers_once(site, static_root):
    css = next(path for path in (static_root / "css").glob("site.*.css") if path.suffix == ".css")
    for path in ["/apply/", "/apply/", "/admin/login/", f"/static/css/{css.name}", "/static/missing.css", "/no-page/"]:
        assert_security_headers(fetch(site.url + path)[1])
    # nginx's own errors: a body too large, a request line too long, a header too large.
    status, headers = raw(site, b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n")
    assert status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert_security_headers(headers)
    status, headers = raw(site, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status == HTTPStatus.REQUEST_URI_TOO_LONG
    assert_security_headers(headers)
    status, headers = raw(site, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n")
    assert status == HTTPStatus.BAD_REQUEST
    assert_security_headers(headers)


def test_static_files_are_served_immutable_and_compressed(site, static_root):
    css = next(path for path in (static_root / "css").glob("site.*.css") if path.suffix == ".css")
    status, headers, body = fetch(f"{site.url}/static/css/{css.name}", {"Accept-Encoding": "gzip"})
    assert status == HTTPStatus.OK
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == css.read_bytes()


def test_photos_are_served_from_media_root_immutable_and_nothing_else_there(site):
    media = Path(site.env["MEDIA_ROOT"])
    (media / "photos").mkdir(parents=True, exist_ok=True)
    photo = media / "photos" / "0123456789abcdef0123-480w.webp"
    photo.write_bytes(b"RIFF\x04\x00\x00\x00WEBP")
    (media / "notes.txt").write_text("not for the public")

    status, headers, body = fetch(f"{site.url}/media/photos/{photo.name}")

    assert (status, body) == (HTTPStatus.OK, photo.read_bytes())
    assert headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_security_headers(headers)
    assert fetch(f"{site.url}/media/photos/0123456789abcdef0123-960w.webp")[0] == HTTPStatus.NOT_FOUND
    assert fetch(f"{site.url}/media/notes.txt")[0] == HTTPStatus.NOT_FOUND


def test_static_files_are_served_brotli_compressed_to_clients_that_accept_it(site, static_root):
    import brotli

    needs(site, "brotli.conf")
    css = next(path for path in (static_root / "css").glob("site.*.css") if path.suffix == ".css")
    status, headers, body = fetch(f"{site.url}/static/css/{css.name}", {"Accept-Encoding": "gzip, br"})
    assert status == HTTPStatus.OK and headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == css.read_bytes()


def test_an_edit_is_purged_from_nginx_at_once(site, site_database):
    needs(site, "purge.conf")
    page = "/sites/"
    for _ in range(2):
        fetch(site.url + page)
    assert cache_status(site, page)[1] == "HIT"
    # A save in another process, as admin's would be: the change is committed, nginx's copies purged (twice:
    # at once, and after the server processes' check interval), before the command returns.
    marker = f"Edited at {time.time()}."
    code = (
        "from sites.models import Practice; practice = Practice.objects.order_by('pk').first(); "
        f"practice.description += '\\n\\n{marker}'; practice.save()"
    )
    stack.manage(site_env(site_database, NGINX_PURGE_URLS=site.purge_url), "shell", "-c", code)
    status, headers, body = fetch(site.url + page)
    assert status == HTTPStatus.OK and marker.encode() in body
    assert headers["X-Cache-Status"] == "MISS"


def test_the_stale_copy_is_served_while_gunicorn_is_down(tmp_path, site_database, static_root):
    with start_stack(tmp_path / "run", site_database, static_root) as running:
        assert cache_status(running, "/apply/") == (HTTPStatus.OK, "MISS")
        running.stop_gunicorn()
        time.sleep(EXPIRED_AFTER_SECONDS)
        assert cache_status(running, "/apply/") == (HTTPStatus.OK, "STALE")
        # A page nginx never saw has no copy to fall back on: nginx's own 502, with the security headers.
        status, headers, _ = fetch(running.url + "/tracks/")
        assert status == HTTPStatus.BAD_GATEWAY
        assert_security_headers(headers)


def test_production_ends_tls_with_the_configured_certificate_and_redirects_http(tmp_path, site_database, static_root):
    certificate, key = servers.self_signed_certificate(tmp_path)
    http_port, https_port = servers.free_port(), servers.free_port()
    with start_stack(tmp_path / "run", site_database, static_root) as running:
        # The production server blocks, in front of the same gunicorn, in a second nginx.
        conf = tmp_path / "production"
        nginxconf.render_production(
            conf,
            SERVER_NAME="127.0.0.1",
            CERTIFICATE=str(certificate),
            CERTIFICATE_KEY=str(key),
            STATIC_ROOT=str(static_root),
            UPSTREAM=f"unix:{running.socket_path}",
            CACHE_DIR=str(tmp_path / "production-cache"),
            ACCESS_LOG=str(tmp_path / "production-access.log"),
            HTTP_PORT=f"127.0.0.1:{http_port}",
            HTTPS_PORT=f"127.0.0.1:{https_port}",
            PURGE_LISTEN=f"127.0.0.1:{servers.free_port()}",
            PURGE_ALLOW=nginxconf.allow_lines(["127.0.0.1"]),
        )
        text = (conf / "production.conf").read_text().replace("listen [::]", "# listen [::]")  # no IPv6 here
        (conf / "production.conf").write_text(text)
        for part in set(nginxconf.MODULES) - running.modules:  # as the local files leave them out
            (conf / part).write_text((running.run_dir / "nginx" / part).read_text())
        main = nginxconf.render_local(
            tmp_path / "main",
            tmp_path / "run2",
            listen="127.0.0.1:1",
            upstream="unix:/none",
            static_root=static_root,
            purge_listen=f"127.0.0.1:{servers.free_port()}",
            parts=running.modules,
        )
        main.write_text(
            main.read_text().replace(f"include {tmp_path / 'main'}/local.conf;", f"include {conf}/production.conf;")
        )
        (tmp_path / "run2").mkdir()
        nginx = subprocess.Popen(
            [running.nginx, "-p", str(tmp_path / "run2"), "-c", str(main)], stderr=subprocess.PIPE
        )
        try:
            for _ in range(100):
                if stack._connects(("127.0.0.1", https_port)):
                    break
                time.sleep(0.1)
            status, headers, _ = fetch(f"http://127.0.0.1:{http_port}/apply/")
            assert status == HTTPStatus.MOVED_PERMANENTLY
            assert headers["Location"] == "https://127.0.0.1/apply/"
            assert fetch(f"http://127.0.0.1:{http_port}/healthz")[0] == HTTPStatus.OK
            context = ssl.create_default_context(cafile=str(certificate))
            context.check_hostname = False
            with urllib.request.urlopen(f"https://127.0.0.1:{https_port}/apply/", context=context, timeout=10) as page:
                assert page.status == HTTPStatus.OK
                assert "max-age" in page.headers["Strict-Transport-Security"]  # Django saw https from nginx
        finally:
            nginx.terminate()
            nginx.wait(10)
