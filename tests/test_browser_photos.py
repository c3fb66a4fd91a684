"""
Photos in a real browser, as deployed (nginx in front of gunicorn, tests/test_nginx.py's stack): a
coordinator uploads a track's photo in admin and sees its preview; the track's page then shows it at
390 and 1,280 px, as the WebP rendition its width needs, served by nginx from MEDIA_ROOT, inside the
screen, its space kept while it loads, with no axe-core violation and no console or CSP error.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from residency import photos
from tests.test_accessibility import SCREENSHOTS, VIEWPORTS, _run_axe
from tests.test_browser import Problems, browser  # noqa: F401 - the fixture, shared
from tests.test_nginx import PASSWORD, USERNAME, site_database, start_stack, static_root  # noqa: F401 - fixtures
from tests.test_photos import photo_bytes

ADMIN = "/" + settings.ADMIN_URL


@pytest.fixture(scope="module")
def main_pages():
    """tests/test_browser.py's browser fixture reads its pages first; here the admin's list gives the track."""


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_database, static_root):  # noqa: F811 - the fixtures imported above
    with start_stack(tmp_path_factory.mktemp("run"), site_database, static_root) as running:
        yield running


@pytest.fixture(scope="module")
def photographed(browser, site, main_pages, tmp_path_factory):  # noqa: F811
    """A coordinator uploads a photo for the first track in admin: the track's page address."""
    photo = tmp_path_factory.mktemp("photo") / "rounds.jpg"
    photo.write_bytes(photo_bytes(width=2400, height=1600))
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(ADMIN)
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{ADMIN}programs/track/")
        page.locator("#result_list tbody tr").first.locator("a").first.click()
        url = reverse("overview:track_detail", args=[page.input_value("#id_slug")])
        page.set_input_files("#id_photo", photo)
        page.fill("#id_photo_alt", "Residents and their attending on rounds")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()
        preview = page.locator("img.photo-preview")
        expect(preview).to_be_visible()
        assert preview.evaluate("img => img.complete && img.naturalWidth") == 480
    finally:
        context.close()
    return url


@pytest.mark.parametrize("width", [390, 1280])
def test_a_tracks_photo_shows_at_the_width_it_needs_with_no_axe_violation(browser, site, photographed, width):  # noqa: F811
    problems = Problems()
    context = browser.new_context(base_url=site.url, **VIEWPORTS[width])
    page = problems.watch(context.new_page())
    images = []
    page.on("response", lambda response: images.append(response) if "/media/" in response.url else None)
    try:
        page.goto(photographed)
        img = page.locator("main picture img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())

        # Lazy, with its size known before it loads; the WebP the screen needs (46rem, or the screen less
        # its margins, at the screen's pixel density: 736 or 716 device pixels, so the 960 px one).
        assert img.get_attribute("loading") == "lazy"
        assert (img.get_attribute("width"), img.get_attribute("height")) == ("1600", "1067")
        assert re.search(r"/media/photos/[0-9a-f]+-960w\.webp$", img.evaluate("img => img.currentSrc"))
        box = img.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width
        assert abs(box["height"] / box["width"] - 1067 / 1600) < 0.01
        assert img.get_attribute("alt") == "Residents and their attending on rounds"
        # From nginx, immutable, within the size every file is held to.
        [response] = images
        assert response.status == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert len(response.body()) <= photos.MAX_RENDITION_BYTES

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"track-photo-{width}.png")
        assert _run_axe(page) == []
        assert problems == []
    finally:
        context.close()
