"""Public pages are cached whole and served again until the content changes; a coordinator's edit shows at once."""

import contextlib
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from conftest import HTTPS
from residency import content, pagecache, pages
from residency.models import ContentVersion
from sites.models import Practice
from tests import servers
from tests.forms import practice_form

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


@pytest.fixture
def practice():
    """A continuity site of the real content, and what its page says now."""
    practice = Practice.objects.first()
    practice.shown = escape(practice.description.split("\n")[0][:40])
    return practice


@pytest.fixture
def site_url(practice):
    return practice.get_absolute_url()


def test_a_public_page_is_served_from_the_cache_the_second_time(client, django_assert_num_queries, site_url):
    first = client.get(site_url)
    with django_assert_num_queries(0):
        second = client.get(site_url)
    assert second.content == first.content


def test_a_coordinators_admin_edit_shows_on_the_next_request(client, coordinator_client, site_url, practice):
    assert practice.shown in client.get(site_url).text  # now cached
    practice = Practice.objects.get(pk=practice.pk)
    data = practice_form(practice, description="The site now runs an evening clinic.")
    assert coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data).status_code == 302
    assert "The site now runs an evening clinic." in client.get(site_url).text
    # Pages that list the site change too.
    assert "The site now runs an evening clinic." in client.get(reverse("sites:practice_list")).text


def test_a_delete_in_admin_removes_the_page_at_once(client, coordinator_client):
    from curriculum.models import Conference

    gone = Conference.objects.first()
    conference = gone.get_absolute_url()
    assert client.get(conference).status_code == HTTPStatus.OK
    assert f'href="{conference}"' in client.get(reverse("curriculum:conference_list")).text
    response = coordinator_client.post(reverse("admin:curriculum_conference_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(conference).status_code == HTTPStatus.NOT_FOUND
    assert f'href="{conference}"' not in client.get(reverse("curriculum:conference_list")).text


def test_loading_content_makes_cached_pages_stale(client, site_url, practice, tmp_path):
    content.export(tmp_path)
    Practice.objects.filter(pk=practice.pk).update(description="Edited without signals.")
    pagecache.content_changed()
    assert "Edited without signals." in client.get(site_url).text
    call_command("load_content", fixtures=tmp_path, discard_unexported=True)
    assert practice.shown in client.get(site_url).text


def test_another_server_process_sees_the_change_within_the_check_interval(client, site_url, practice):
    assert practice.shown in client.get(site_url).text
    # Another process saved: the database's version moved on, this process's memory did not.
    Practice.objects.filter(pk=practice.pk).update(description="Saved elsewhere.")
    version = ContentVersion.objects.get()
    ContentVersion.objects.filter(pk=version.pk).update(changed_at=version.changed_at.replace(year=2099))
    assert practice.shown in client.get(site_url).text  # within the interval: still the cached page
    with override_settings(CONTENT_VERSION_CHECK_SECONDS=0):
        assert "Saved elsewhere." in client.get(site_url).text


def test_pages_carry_validators_and_answer_conditional_requests_with_304(client, site_url):
    response = client.get(site_url)
    assert response["ETag"] and response["Last-Modified"]
    assert client.get(site_url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == HTTPStatus.NOT_MODIFIED
    unchanged = client.get(site_url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert unchanged.status_code == HTTPStatus.NOT_MODIFIED
    assert client.get(site_url, HTTP_IF_NONE_MATCH='"stale"').status_code == HTTPStatus.OK


def test_an_edit_changes_the_etag(client, site_url, practice):
    before = client.get(site_url)["ETag"]
    practice = Practice.objects.get(pk=practice.pk)
    practice.description += " More."
    practice.save()
    after = client.get(site_url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == HTTPStatus.OK
    assert after["ETag"] != before


def test_public_pages_may_be_kept_briefly_by_shared_caches_and_browsers_revalidate(client, settings, site_url):
    cache_control = {part.strip() for part in client.get(site_url)["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "must-revalidate", f"s-maxage={settings.PAGE_SHARED_MAX_AGE}"} <= cache_control
    assert "Cookie" not in client.get(site_url).get("Vary", "")


@pytest.mark.parametrize("name", ["admin:index", "admin:sites_practice_changelist"])
def test_admin_pages_are_never_cached(admin_client, name):
    response = admin_client.get(reverse(name))
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_query_string_does_not_make_new_cache_entries(client, django_assert_num_queries, site_url):
    client.get(site_url)
    with django_assert_num_queries(0):
        assert client.get(site_url + "?utm_source=newsletter&x=1").status_code == HTTPStatus.OK


def test_error_pages_are_not_cached(client):
    client.get("/sites/not-yet/")
    from sites.factories import PracticeFactory

    PracticeFactory(slug="not-yet")
    assert client.get("/sites/not-yet/").status_code == HTTPStatus.OK


def test_pages_are_cached_in_redis_when_cache_url_names_it(client, django_assert_num_queries, site_url):
    import environ
    from django.core.cache import caches

    with servers.redis_server() as url, override_settings(CACHES={"default": environ.Env.cache_url_config(url)}):
        assert caches["default"].__class__.__name__ == "RedisCache"
        first = client.get(site_url)
        with django_assert_num_queries(0):
            assert client.get(site_url).content == first.content
        assert any(key.startswith(b":1:page:") for key in caches["default"]._cache.get_client().keys("*"))


def test_the_sites_redis_cache_keeps_one_client_for_all_its_calls(client, site_url):
    import environ
    from django.core.cache import caches

    with servers.redis_server() as url:
        config = {**environ.Env.cache_url_config(url), "BACKEND": "residency.rediscache.RedisCache"}
        with override_settings(CACHES={"default": config}):
            backend = caches["default"]._cache
            made = []
            original = backend._client

            def count(**kwargs):
                made.append(kwargs)
                return original(**kwargs)

            backend._client = count
            first = client.get(site_url)
            pagecache.forget()  # Not this process's copy of the page: the one in Redis.
            assert client.get(site_url).content == first.content
            assert pagecache.cache_get(pagecache.VERSION_KEY) is not None
            assert len(made) == 1


def test_a_cached_page_is_answered_before_the_session_auth_and_csrf_middleware(client, site_url):
    from unittest import mock

    from django.contrib.sessions.middleware import SessionMiddleware

    original = SessionMiddleware.process_request
    with mock.patch.object(SessionMiddleware, "process_request", autospec=True, side_effect=original) as session:
        first = client.get(site_url)
        assert session.call_count == 1
        second = client.get(site_url)
        assert session.call_count == 1  # not run again: the cached page was answered first
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Strict-Transport-Security"] == first["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "cookie",
    ["sessionid=made-up", "sessionid=made-up; csrftoken=x; messages=y", "anything=at-all"],
    ids=["made-up-session", "made-up-admin-cookies", "other-cookie"],
)
def test_no_cookie_makes_a_visitor_miss_the_cache(client, django_assert_num_queries, site_url, cookie):
    first = client.get(site_url)
    with django_assert_num_queries(0):
        again = client.get(site_url, HTTP_COOKIE=cookie)
    assert again.status_code == HTTPStatus.OK and again.content == first.content


def test_a_staff_members_real_session_gets_the_public_page_from_the_cache(
    admin_client, django_assert_num_queries, site_url
):
    # The session cookie is only sent under the admin's path; a client that sends it anyway gets the shared page.
    from unittest import mock

    from django.contrib.sessions.middleware import SessionMiddleware

    first = Client(**HTTPS).get(site_url)
    with (
        mock.patch.object(SessionMiddleware, "process_request", autospec=True) as session,
        django_assert_num_queries(0),
    ):
        again = admin_client.get(site_url)
    assert session.call_count == 0
    assert again.content == first.content


def test_a_page_rendered_for_a_request_with_cookies_is_stored_for_everyone(
    client, django_assert_num_queries, site_url
):
    first = client.get(site_url, HTTP_COOKIE="sessionid=made-up; csrftoken=x")
    assert "Cookie" not in first.get("Vary", "") and not first.cookies
    with django_assert_num_queries(0):
        assert client.get(site_url).content == first.content


def test_the_admins_cookies_are_kept_to_its_path(client, admin_user, settings):
    login = reverse("admin:login")
    client.get(login)
    response = client.post(login, {"username": admin_user.username, "password": "password"})
    assert response.status_code == HTTPStatus.FOUND
    assert settings.SESSION_COOKIE_PATH == settings.CSRF_COOKIE_PATH == f"/{settings.ADMIN_URL}"
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        assert client.cookies[name]["path"] == f"/{settings.ADMIN_URL}"
    assert "messages" not in client.cookies  # admin's messages ride in the session


def test_a_cached_page_is_not_answered_over_plain_http_it_is_redirected(client, site_url):
    from django.test import Client

    client.get(site_url)
    assert Client().get(site_url).status_code == HTTPStatus.MOVED_PERMANENTLY


def test_a_cached_page_is_not_answered_to_a_host_not_allowed(client, site_url):
    client.get(site_url)
    assert client.get(site_url, HTTP_HOST="evil.example").status_code == HTTPStatus.BAD_REQUEST


class TestCompression:
    def test_public_pages_are_gzipped_for_clients_that_accept_it_and_cached_so(
        self, client, django_assert_num_queries, site_url
    ):
        import gzip

        plain = client.get(site_url)
        compressed = client.get(site_url, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert compressed.status_code == HTTPStatus.OK
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(compressed.content) == plain.content
        assert len(compressed.content) < len(plain.content)
        assert int(compressed["Content-Length"]) == len(compressed.content)
        for response in (plain, compressed):
            assert "Accept-Encoding" in response["Vary"]
        assert "Content-Encoding" not in plain
        assert compressed["ETag"] != plain["ETag"]
        with django_assert_num_queries(0):
            again = client.get(site_url, HTTP_ACCEPT_ENCODING="gzip")
        assert again.content == compressed.content

    def test_a_compressed_copy_answers_its_own_conditional_request(self, client, site_url):
        compressed = client.get(site_url, HTTP_ACCEPT_ENCODING="gzip")
        again = client.get(site_url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED

    def test_the_first_request_of_a_page_is_compressed_too(self, client, site_url):
        assert client.get(site_url, HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"

    def test_clients_that_accept_brotli_get_brotli_and_the_others_what_they_accept(self, client, site_url):
        import gzip

        import brotli

        plain = client.get(site_url).content
        for accepted, encoding in [
            ("gzip, deflate, br", "br"),
            ("br;q=0.5, gzip", "br"),
            ("br;q=0, gzip", "gzip"),
            ("gzip;q=0, br;q=0", None),
            ("identity", None),
        ]:
            response = client.get(site_url, HTTP_ACCEPT_ENCODING=accepted)
            assert response.get("Content-Encoding") == encoding, accepted
            body = response.content
            assert {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body) == plain
            assert "Accept-Encoding" in response["Vary"]

    def test_data_files_are_compressed_too(self, client):
        import brotli

        url = reverse("opendata:json")
        response = client.get(url, HTTP_ACCEPT_ENCODING="br")
        assert response["Content-Encoding"] == "br"
        assert brotli.decompress(response.content) == client.get(url).content

    @pytest.mark.parametrize("name", ["admin:index", "admin:sites_practice_changelist", "admin:login"])
    def test_admin_responses_are_not_compressed(self, admin_client, name):
        response = admin_client.get(reverse(name), HTTP_ACCEPT_ENCODING="gzip")
        assert "Content-Encoding" not in response


@pytest.mark.urls("tests.page_variant_urls")
class TestPageVariants:
    def test_known_parameters_make_their_own_cache_entry(self, client):
        first = client.get("/filtered/?track=first-track").text
        assert client.get("/filtered/?track=first-track").text == first
        second = client.get("/filtered/?track=second-track").text
        assert second != first
        assert client.get("/filtered/?track=second-track").text == second

    def test_unknown_parameters_and_values_share_the_plain_pages_entry(self, client):
        plain = client.get("/filtered/").text
        assert client.get("/filtered/?track=nonsense").text == plain
        assert client.get("/filtered/?utm_source=x&track=").text == plain

    def test_a_page_whose_variant_is_none_is_never_cached(self, client):
        first = client.get("/search/?q=clinic").text
        assert client.get("/search/?q=clinic").text != first


def test_a_revalidation_of_a_page_not_in_the_cache_stores_it_for_the_next_request(
    client, django_assert_num_queries, site_url
):
    # nginx revalidates its copy with If-None-Match when Django has none (a new version, an emptied or
    # restarted cache): Django answers 304, and the page it rendered for that is stored for everyone else.
    etag = client.get(site_url)["ETag"]
    cache.clear()
    pagecache.forget()
    assert client.get(site_url, HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED
    with django_assert_num_queries(0):
        assert client.get(site_url).status_code == HTTPStatus.OK


def test_a_cached_page_survives_the_shared_cache_going_away(client, django_assert_num_queries, site_url):
    first = client.get(site_url)
    cache.clear()  # as when Redis restarts empty: this process still has its copy for this version
    with django_assert_num_queries(0):
        assert client.get(site_url).content == first.content


# --- One outage-tolerant path to the cache --------------------------------------------------------


def test_app_code_reaches_the_cache_only_through_the_page_cache_module():
    # A direct call skips the handling of a refused or hung Redis: the tools once answered 500 that way.
    import ast

    from django.apps import apps

    # The tolerant path, and the cache backend it calls (which builds on Django's, and calls nothing itself).
    allowed = {ROOT / "residency" / "pagecache.py", ROOT / "residency" / "rediscache.py"}
    offenders = []
    for config in apps.get_app_configs():
        folder = Path(config.path)
        if folder.parent != ROOT:
            continue
        for path in folder.rglob("*.py"):
            if path in allowed or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name == "django.core.cache" or name.startswith("django.core.cache.") for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "use residency.pagecache's cache_get, cache_set, cache_add, … instead"


def test_a_fault_in_the_page_cache_answers_the_page_with_every_security_header(client, site_url, monkeypatch):
    healthy = client.get(site_url)

    def broken(*args):
        raise RuntimeError("a bug in the cache")

    monkeypatch.setattr(pagecache, "cached_page", broken)
    response = client.get(site_url)
    assert response.status_code == HTTPStatus.OK and response.content == healthy.content
    for header in SECURITY_HEADERS:
        assert response[header] == healthy[header], header


# --- Nothing from the request in a shared response ------------------------------------------------


def test_no_page_carries_the_host_it_was_first_asked_with(client):
    from tests.parameters import pages_with_parameters

    site = urlsplit(django_settings.SITE_URL)
    for path in [*pages.cached_paths(), *pages_with_parameters()]:
        first = client.get(path, HTTP_HOST="localhost:8000", HTTP_ACCEPT_ENCODING="identity")
        again = client.get(path, HTTP_HOST="127.0.0.1")
        assert first.status_code == again.status_code == HTTPStatus.OK, path
        for response in (first, again):
            assert b"localhost" not in response.content and b"127.0.0.1" not in response.content, path
        if path == reverse("applications:apply"):
            assert f'href="webcal://{site.netloc}{reverse("applications:calendar")}"' in again.text


def test_calendar_uids_and_links_come_from_the_site_url(client):
    import icalendar

    site = urlsplit(django_settings.SITE_URL)
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("applications:calendar"), HTTP_HOST="localhost").content
    )
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert str(event["UID"]).endswith(f"@{site.hostname}")
        assert str(event["URL"]).startswith(django_settings.SITE_URL + "/")


# --- The version moves when the change is committed -----------------------------------------------


def test_other_threads_see_a_change_only_once_it_is_committed(client, site_url, django_capture_on_commit_callbacks):
    # Threaded workers: a thread rendering while another's transaction is open must not store the old page
    # under the new version's key. The version this thread's transaction made is its own until the commit.
    import threading

    from django.db import transaction

    client.get(site_url)
    before = pagecache.current_version()

    def seen_elsewhere():
        seen = []
        thread = threading.Thread(target=lambda: seen.append(pagecache.current_version()))
        thread.start()
        thread.join()
        return seen[0]

    practice = Practice.objects.get(slug=site_url.rstrip("/").rsplit("/", 1)[1])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            practice.description += " Changed in a transaction."
            practice.save()
            assert pagecache.current_version() > before  # this thread sees its own change
            assert seen_elsewhere() == before
        # Out of the block, still inside the test's own transaction: not committed yet.
        assert seen_elsewhere() == before
    assert seen_elsewhere() > before
    assert "Changed in a transaction." in client.get(site_url).text


def test_a_change_rolled_back_moves_nothing(client, site_url):
    from django.db import transaction

    before = client.get(site_url)
    version = pagecache.current_version()
    practice = Practice.objects.get(slug=site_url.rstrip("/").rsplit("/", 1)[1])
    with contextlib.suppress(RuntimeError), transaction.atomic():
        practice.description += " Never committed."
        practice.save()
        raise RuntimeError
    assert pagecache.current_version() == version
    assert client.get(site_url).content == before.content


# --- Answers a visitor gives stay private ---------------------------------------------------------


def test_an_answered_self_check_is_private_no_store_and_nothing_else(client):
    from tests.parameters import queries

    url = f"{reverse('applications:graduate_check')}?{queries()['applications:graduate_check'][0]}"
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response and "Last-Modified" not in response
    # The empty form is an ordinary cached page.
    assert "public" in client.get(reverse("applications:graduate_check"))["Cache-Control"]
