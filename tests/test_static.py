"""Static files are collected with hashed names and served with a long, immutable cache header."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def collected(tmp_path, settings):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, "staticfiles": MANIFEST}):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        yield tmp_path, staticfiles_storage.url("css/site.css")


def serve(path, **headers):
    from django.http import HttpResponse
    from django.test import RequestFactory

    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=HTTPStatus.NOT_FOUND))
    return middleware(RequestFactory().get(path, **headers))


def test_hashed_stylesheet_is_cached_for_a_year_or_more_and_immutable(collected):
    _, url = collected
    assert url != "/static/css/site.css" and url.endswith(".css")
    response = serve(url)
    assert response.status_code == HTTPStatus.OK
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 60 * 60


def test_stylesheet_is_compressed(collected):
    _, url = collected
    response = serve(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] in {"gzip", "br"}


def test_admin_static_files_are_collected_too(collected):
    root, _ = collected
    assert list((root / "admin" / "js").glob("SelectFilter2.*.js"))


@pytest.mark.django_db
def test_browsers_asking_for_favicon_ico_get_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/static/favicon.svg"
    assert client.get("/").content.count(b'rel="icon"') == 1
