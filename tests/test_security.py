"""Behind the TLS proxy every page carries hardened headers; plain HTTP goes to HTTPS; admin logins are throttled."""

import os
import secrets
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from residency.pages import routes

pytestmark = pytest.mark.django_db

# The public pages without parameters: one of each page kind but the pages about one object.
PUBLIC_URLS = [route.path for route in routes() if not route.parameters]
ADMIN_URLS = [reverse("admin:index"), reverse("admin:sites_practice_changelist"), reverse("admin:sites_practice_add")]


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_hardened(response):
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    directives = csp_directives(response)
    assert directives["object-src"] == ["'none'"]
    assert "base-uri" in directives
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    hsts = dict((part.strip().split("=") + [True])[:2] for part in response["Strict-Transport-Security"].split(";"))
    assert int(hsts["max-age"]) >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_page_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert_hardened(response)


@pytest.mark.parametrize("url", PUBLIC_URLS[:3])
def test_cached_copies_carry_the_security_headers_too(client, url):
    client.get(url)
    assert_hardened(client.get(url))


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_pages_carry_the_security_headers(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert_hardened(response)


def test_admin_login_page_carries_the_security_headers(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == HTTPStatus.OK
    assert_hardened(response)


def test_error_pages_carry_the_security_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_hardened(response)


@pytest.mark.parametrize("url", ["/", "/apply/", reverse("admin:login")])
def test_plain_http_is_redirected_to_https(url):
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"https://testserver{url}"


def test_login_sets_secure_httponly_samesite_cookies(client, admin_user):
    client.get(reverse("admin:login"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(reverse("admin:login"), {"username": admin_user.username, "password": "password"})
    assert response.status_code == HTTPStatus.FOUND
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_templates_hold_no_inline_script_or_style():
    templates = list((settings.BASE_DIR / "templates").rglob("*.html"))
    assert templates
    for template in templates:
        text = template.read_text()
        assert "<script>" not in text and "style=" not in text and "<style" not in text, template


class TestLoginThrottle:
    def login(self, client, password):
        return client.post(reverse("admin:login"), {"username": "coordinator", "password": password})

    def test_repeated_failures_from_one_address_are_refused_even_with_the_right_password(self, client, coordinator):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.login(client, "wrong").status_code == HTTPStatus.OK
        assert self.login(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS
        response = self.login(client, "a-long-test-password")
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many attempts" in response.text

    def test_the_lock_lifts_after_the_cool_off(self, client, coordinator):
        from axes.models import AccessAttempt

        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong")
        assert self.login(client, "a-long-test-password").status_code == HTTPStatus.TOO_MANY_REQUESTS
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
        )
        assert self.login(client, "a-long-test-password").status_code == HTTPStatus.FOUND

    def test_another_address_is_not_locked_out(self, client, coordinator):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong")
        other = client.post(
            reverse("admin:login"),
            {"username": "coordinator", "password": "a-long-test-password"},
            REMOTE_ADDR="198.51.100.7",
        )
        assert other.status_code == HTTPStatus.FOUND


class TestLoginThrottleBehindAProxy:
    """With PROXY_COUNT=1 the client is the right-most X-Forwarded-For entry, which the proxy wrote."""

    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.PROXY_COUNT = 1

    def login(self, client, password, forwarded_for):
        return client.post(
            reverse("admin:login"),
            {"username": "coordinator", "password": password},
            HTTP_X_FORWARDED_FOR=forwarded_for,
            REMOTE_ADDR="127.0.0.1",
        )

    def test_spoofing_the_left_most_entry_gives_no_extra_guesses(self, client, coordinator):
        # An appending proxy keeps what the client sent on the left and adds the real address.
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong", f"10.9.8.{attempt}, 203.0.113.9")
        response = self.login(client, "a-long-test-password", "10.9.8.200, 203.0.113.9")
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    def test_clients_behind_the_proxy_do_not_share_one_counter(self, client, coordinator):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login(client, "wrong", "203.0.113.9")
        assert self.login(client, "a-long-test-password", "203.0.113.9").status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert self.login(client, "a-long-test-password", "198.51.100.7").status_code == HTTPStatus.FOUND


def test_password_validators_refuse_a_weak_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password1")


def run_manage(*args, **env):
    """manage.py in a fresh process with the production settings and only the given variables."""
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="residency.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_deploy_checks_pass_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="residency.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


GOOD_KEY = secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ALLOWED_HOSTS": "residency.example.org"}, "Set the SECRET_KEY environment variable"),
        ({"SECRET_KEY": GOOD_KEY}, "Set the ALLOWED_HOSTS environment variable"),
        ({"SECRET_KEY": "", "ALLOWED_HOSTS": "residency.example.org"}, "SECRET_KEY is empty"),
        ({"SECRET_KEY": "   ", "ALLOWED_HOSTS": "residency.example.org"}, "SECRET_KEY is empty"),
        ({"SECRET_KEY": "changeme", "ALLOWED_HOSTS": "residency.example.org"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": GOOD_KEY[:49], "ALLOWED_HOSTS": "residency.example.org"}, "SECRET_KEY is too short"),
        (
            {"SECRET_KEY": "x7Rq" * 16, "ALLOWED_HOSTS": "residency.example.org"},
            "SECRET_KEY is too short or too plain",
        ),
        (
            {"SECRET_KEY": "please-change-me-" + GOOD_KEY, "ALLOWED_HOSTS": "residency.example.org"},
            "SECRET_KEY looks like a placeholder",
        ),
        (
            {"SECRET_KEY": "django-insecure-" + GOOD_KEY, "ALLOWED_HOSTS": "residency.example.org"},
            "SECRET_KEY looks like a placeholder",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ","}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_without_debug_a_missing_or_unsafe_setting_stops_start_up_naming_it(env, named):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "ImproperlyConfigured" in result.stderr
    assert "Traceback" not in result.stderr.split("ImproperlyConfigured")[-1]  # one clear message at the end


def test_the_same_settings_start_with_debug_on():
    assert run_manage("check", DEBUG="1", SECRET_KEY="", ALLOWED_HOSTS="").returncode == 0


def test_admin_lives_at_the_configured_path():
    result = run_manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        DEBUG="1",
        ADMIN_URL="staff-only/",
    )
    assert result.stdout.strip().endswith("/staff-only/"), result.stderr
