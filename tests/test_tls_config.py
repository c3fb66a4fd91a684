"""
TLS by Mozilla's "intermediate" profile, and the security headers on every answer nginx gives.

The production configuration is rendered as the README says (`deploy/nginxconf.py production …`) and read;
where nginx is installed, `nginx -t` checks it with a throwaway certificate, and a running nginx in front of
gunicorn is asked over TLS: old protocols and suites are refused, and HSTS is on nginx's own errors once,
and on Django's pages once.
"""

import re
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

# Mozilla's server side TLS guidelines 6.0, "intermediate": TLS 1.2 suites (TLS 1.3's are all AEAD).
MOZILLA_INTERMEDIATE = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
]
SECURITY_HEADERS = ["Strict-Transport-Security", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"]


def render(output, *extra):
    """deploy/nginxconf.py production, run as the README runs it; the folder it wrote."""
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "deploy" / "nginxconf.py"), "production", "--output", str(output)]
        + ["--server-name", "residency.example.org", "--static-root", "/srv/residency/staticfiles/"]
        + ["--certificate", "/etc/ssl/residency/fullchain.pem", "--certificate-key", "/etc/ssl/residency/privkey.pem"]
        + list(extra),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return output


def directives(text, name):
    """The values of every `name …;` directive in an nginx file."""
    return [value.strip() for value in re.findall(rf"^\s*{name}\s+([^;]*);", text, re.MULTILINE)]


def blocks(text, opening):
    """The bodies of the `opening {…}` blocks (not nested in one another) of an nginx file."""
    found = []
    for match in re.finditer(rf"^\s*{opening}[^{{]*{{", text, re.MULTILINE):
        depth, position = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            position += 1
        found.append(text[match.end() : position - 1])
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    output = render(tmp_path_factory.mktemp("production"))
    return {path.name: path.read_text() for path in output.iterdir()}


def tls_server(rendered):
    (server,) = [block for block in blocks(rendered["production.conf"], "server") if " ssl" in block]
    return server


def test_tls_1_2_and_1_3_only_with_forward_secret_aead_suites_in_the_clients_order(rendered):
    server = tls_server(rendered)
    assert directives(server, "ssl_protocols") == ["TLSv1.2 TLSv1.3"]
    (ciphers,) = directives(server, "ssl_ciphers")
    assert ciphers.split(":") == MOZILLA_INTERMEDIATE
    for suite in ciphers.split(":"):
        assert suite.startswith("ECDHE-") and ("-GCM-" in suite or suite.endswith("CHACHA20-POLY1305"))
    assert directives(server, "ssl_prefer_server_ciphers") == ["off"]
    assert directives(server, "ssl_ecdh_curve") == ["X25519:prime256v1:secp384r1"]


def test_sessions_are_cached_a_day_without_tickets(rendered):
    server = tls_server(rendered)
    assert directives(server, "ssl_session_timeout") == ["1d"]
    assert re.fullmatch(r"shared:\w+:\d+m", directives(server, "ssl_session_cache")[0])
    assert directives(server, "ssl_session_tickets") == ["off"]


def test_ocsp_stapling_is_on_with_the_chain_and_a_resolver(rendered):
    server = tls_server(rendered)
    assert directives(server, "ssl_stapling") == directives(server, "ssl_stapling_verify") == ["on"]
    assert directives(server, "ssl_trusted_certificate") == ["/etc/ssl/residency/fullchain.pem"]
    (resolver,) = directives(server, "resolver")
    assert resolver.split()[0] == nginxconf.system_resolvers()[0]


def test_the_chain_and_resolver_can_be_named(tmp_path):
    output = render(tmp_path, "--trusted-certificate", "/etc/ssl/residency/chain.pem", "--resolver", "9.9.9.9 [::1]")
    server = tls_server({"production.conf": (output / "production.conf").read_text()})
    assert directives(server, "ssl_trusted_certificate") == ["/etc/ssl/residency/chain.pem"]
    assert directives(server, "resolver") == ["9.9.9.9 [::1] valid=300s"]


def test_resolvers_come_from_resolv_conf_ipv6_in_brackets(tmp_path):
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# comment\nsearch example.org\nnameserver 10.0.0.53\nnameserver fd00::53\n")
    assert nginxconf.system_resolvers(resolv) == ["10.0.0.53", "[fd00::53]"]
    assert nginxconf.system_resolvers(tmp_path / "missing") == ["127.0.0.1"]


def test_hsts_is_added_always_at_the_tls_server_and_no_location_adds_a_header(rendered):
    server = tls_server(rendered)
    (hsts,) = [value for value in directives(server, "add_header") if value.startswith("Strict-Transport-Security")]
    assert hsts == "Strict-Transport-Security $residency_hsts always"
    values = re.search(
        r"map \$upstream_http_strict_transport_security \$residency_hsts \{(.*?)\}", rendered["production.conf"], re.S
    )
    assert '"" "max-age=63072000; includeSubDomains; preload";' in values.group(1)
    # The other security headers are the server's too (locations.conf, at the server's level), always.
    shared = directives(rendered["locations.conf"], "add_header")
    for name in SECURITY_HEADERS[1:]:
        assert any(value.startswith(name) and value.endswith(" always") for value in shared), name
    # An add_header in a location would hide the server's there: no location has one.
    for location in blocks(rendered["production.conf"] + rendered["locations.conf"], "location"):
        assert "add_header" not in location, location


def test_a_local_run_gets_no_hsts(tmp_path):
    main = nginxconf.render_local(
        tmp_path / "conf",
        tmp_path / "run",
        listen="127.0.0.1:1",
        upstream="unix:/none",
        static_root=tmp_path,
        purge_listen="127.0.0.1:2",
    )
    assert "Strict-Transport-Security" not in "".join(path.read_text() for path in main.parent.iterdir())


# --- With nginx --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if stack.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx; .ci/run installs it)")
    return servers.self_signed_certificate(tmp_path_factory.mktemp("certificate"))


def production_nginx(folder, certificate, key, upstream, static_root):
    """The production server blocks inside a main file of their own: (main file, https port, run folder)."""
    https_port = servers.free_port()
    conf = folder / "production"
    nginxconf.render_production(
        conf,
        SERVER_NAME="127.0.0.1",
        CERTIFICATE=str(certificate),
        CERTIFICATE_KEY=str(key),
        STATIC_ROOT=str(static_root),
        UPSTREAM=upstream,
        CACHE_DIR=str(folder / "cache"),
        ACCESS_LOG=str(folder / "access.log"),
        HTTP_PORT=f"127.0.0.1:{servers.free_port()}",
        HTTPS_PORT=f"127.0.0.1:{https_port}",
        PURGE_LISTEN=f"127.0.0.1:{servers.free_port()}",
    )
    text = (conf / "production.conf").read_text().replace("listen [::]", "# listen [::]")  # no IPv6 here
    (conf / "production.conf").write_text(text)
    run = folder / "run"
    run.mkdir()
    main = nginxconf.render_local(
        folder / "main",
        run,
        listen="127.0.0.1:1",
        upstream="unix:/none",
        static_root=static_root,
        purge_listen=f"127.0.0.1:{servers.free_port()}",
    )
    main.write_text(
        main.read_text().replace(f"include {folder / 'main'}/local.conf;", f"include {conf}/production.conf;")
    )
    return main, https_port, run


def test_nginx_accepts_the_production_configuration(tmp_path, certificate):
    main, _, run = production_nginx(tmp_path, *certificate, "unix:/nowhere.sock", tmp_path)
    result = subprocess.run(
        [stack.nginx_binary(), "-t", "-p", str(run), "-c", str(main)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def handshake(port, certificate, protocol=None, ciphers=None):
    """The protocol and suite agreed with nginx, or the SSLError it answered."""
    context = ssl.create_default_context(cafile=str(certificate))
    context.check_hostname = False
    if ciphers:
        context.set_ciphers(f"{ciphers}:@SECLEVEL=0")  # let the client offer what the server must refuse
    if protocol:
        context.minimum_version = context.maximum_version = protocol
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                return tls.version(), tls.cipher()[0]
    except ssl.SSLError as error:
        return error


def fetch(url, certificate, data=None):
    context = ssl.create_default_context(cafile=str(certificate))
    context.check_hostname = False
    request = urllib.request.Request(url, data=data)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.fixture(scope="module")
def site_database(tmp_path_factory, sample_fixtures):
    return servers.prepare_database(tmp_path_factory.mktemp("tls-db") / "site.sqlite3", sample_fixtures)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_nginx_refuses_old_protocols_and_suites_and_adds_hsts_to_its_own_errors_once(
    tmp_path, certificate, site_database
):
    static_root = tmp_path / "static"
    static_root.mkdir()
    env = servers.site_environment(site_database, DJANGO_SETTINGS_MODULE="tests.settings", WEB_CONCURRENCY="1")
    with stack.Stack(env, tmp_path / "app", port=servers.free_port(), static_root=static_root) as site:
        main, port, run = production_nginx(tmp_path, *certificate, f"unix:{site.socket_path}", static_root)
        nginx = subprocess.Popen([site.nginx, "-p", str(run), "-c", str(main)], stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                if stack._connects(("127.0.0.1", port)):
                    break
                time.sleep(0.1)
            cert = certificate[0]
            assert handshake(port, cert) == ("TLSv1.3", handshake(port, cert)[1])
            assert handshake(port, cert, ssl.TLSVersion.TLSv1_2) == ("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384")
            for suite in ["ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256", "DHE-RSA-AES128-GCM-SHA256"]:
                assert isinstance(handshake(port, cert, ssl.TLSVersion.TLSv1_2, suite), ssl.SSLError), suite
            assert isinstance(handshake(port, cert, ssl.TLSVersion.TLSv1_1, "DEFAULT"), ssl.SSLError)
            base = f"https://127.0.0.1:{port}"
            # nginx's own answers: a missing static file, a body over its limit.
            for (status, headers), expected in [
                (fetch(f"{base}/static/no-such-file.css", cert), HTTPStatus.NOT_FOUND),
                (fetch(f"{base}/apply/", cert, data=b"x" * (14 * 1000 * 1000)), HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
            ]:
                assert status == expected
                for name in SECURITY_HEADERS:
                    assert len(headers.get_all(name) or []) == 1, (status, name)
                assert "max-age=63072000" in headers["Strict-Transport-Security"]
            # Django's page, fresh and then from nginx's cache: its own headers, none of them doubled.
            for expected in ["MISS", "HIT"]:
                status, headers = fetch(f"{base}/apply/", cert)
                assert (status, headers["X-Cache-Status"]) == (HTTPStatus.OK, expected)
                for name in SECURITY_HEADERS:
                    assert len(headers.get_all(name)) == 1, (expected, name)
                assert "'self'" in headers["Content-Security-Policy"]  # Django's policy, not nginx's
        finally:
            nginx.terminate()
            nginx.wait(10)
