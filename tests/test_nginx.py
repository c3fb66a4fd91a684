"""
The site as deployed: nginx (deploy/nginx/) in front of gunicorn, both started on free loopback ports.

nginx buffers slow clients so they cost no gunicorn worker, keeps public pages for a second and then
revalidates them with Django (a 304), serves its stale copy when gunicorn fails, never caches admin,
sessions or responses that set cookies, serves /static/ immutable and compressed, and overwrites
the forwarding headers. The production variant ends TLS and redirects plain HTTP.
"""

import gzip
import json
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http import HTTPStatus

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
NO_REDIRECTS = urllib.request.build_opener(
    type("NoRedirects", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *args: None})
)


def fetch(url, headers=None, timeout=10):
    """(status, headers, body) of a GET, errors included, redirects not followed."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with NO_REDIRECTS.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def site_database(tmp_path_factory):
    return servers.prepare_database(tmp_path_factory.mktemp("nginx-db") / "site.sqlite3")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic's output with the production storage: hashed names and .gz copies."""
    root = tmp_path_factory.mktemp("static")
    env = servers.site_environment(root / "unused.sqlite3", DJANGO_SETTINGS_MODULE="residency.settings")
    env.update(SECRET_KEY="tests-only-" + "k3Y9qZ" * 9, ALLOWED_HOSTS="127.0.0.1", STATIC_ROOT=str(root))
    servers.manage(env, "collectstatic", "--noinput")
    return root


def start_stack(run_dir, database, static_root, **env):
    environment = servers.site_environment(
        database, DJANGO_SETTINGS_MODULE="tests.nginx_settings", WEB_CONCURRENCY="1", **env
    )
    return stack.Stack(environment, run_dir, port=servers.free_port(), static_root=static_root)


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
    log = (site.run_dir / "nginx-access.log").read_text()
    assert any("/benefits/" in line and "upstream=304" in line for line in log.splitlines())


def test_each_encoding_has_its_own_cached_copy(site):
    status, headers, body = fetch(site.url + "/leadership/", {"Accept-Encoding": "gzip, deflate, br"})
    assert status == HTTPStatus.OK and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    _, plain_headers, plain = fetch(site.url + "/leadership/")
    assert "Content-Encoding" not in plain_headers
    assert gzip.decompress(body) == plain


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


def test_someone_with_a_session_is_never_served_from_or_fills_the_cache(site):
    fetch(site.url + "/research/")
    assert cache_status(site, "/research/", {"Cookie": "sessionid=abc123"})[1] == "BYPASS"


def test_x_forwarded_for_and_proto_are_overwritten(site):
    _, _, body = fetch(
        site.url + "/_test/echo/",
        {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    )
    seen = json.loads(body)
    assert seen == {
        "x_forwarded_for": "127.0.0.1",
        "x_forwarded_proto": "http",
        "x_forwarded_host": None,
        "client_address": "127.0.0.1",
    }


def test_static_files_are_served_immutable_and_compressed(site, static_root):
    css = next(path for path in (static_root / "css").glob("site.*.css") if path.suffix == ".css")
    status, headers, body = fetch(f"{site.url}/static/css/{css.name}", {"Accept-Encoding": "gzip"})
    assert status == HTTPStatus.OK
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == css.read_bytes()


def test_the_stale_copy_is_served_while_gunicorn_is_down(tmp_path, site_database, static_root):
    with start_stack(tmp_path / "run", site_database, static_root) as running:
        assert cache_status(running, "/apply/") == (HTTPStatus.OK, "MISS")
        running.stop_gunicorn()
        time.sleep(EXPIRED_AFTER_SECONDS)
        assert cache_status(running, "/apply/") == (HTTPStatus.OK, "STALE")
        # A page nginx never saw has no copy to fall back on.
        assert cache_status(running, "/tracks/")[0] == HTTPStatus.BAD_GATEWAY


def test_production_ends_tls_with_the_configured_certificate_and_redirects_http(tmp_path, site_database, static_root):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
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
        )
        text = (conf / "production.conf").read_text().replace("listen [::]", "# listen [::]")  # no IPv6 here
        (conf / "production.conf").write_text(text)
        main = nginxconf.render_local(
            tmp_path / "main", tmp_path / "run2", listen="127.0.0.1:1", upstream="unix:/none", static_root=static_root
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
