"""
In a real browser, the design's promises: the front page leads with what applicants come for at 390
and 1,280 px; at 1,280 px the header is at most 110 px with the whole navigation on one row and a
compact search; a track's key facts sit beside its text from about 1,000 px, at a readable measure;
the visitor's dark scheme and wish for less motion are followed, and axe finds nothing in the dark.

The site is tests/test_browser.py's (gunicorn, the production settings, the content loaded); like
tests/test_accessibility.py, whose axe-core runner it shares, the module is skipped without Chromium
or without axe-core (`npm ci`). Each test
leaves its screenshots in the system's temporary folder, under `residency-design/`, or in the folder
that DESIGN_SCREENSHOTS names (the README's pictures: `DESIGN_SCREENSHOTS=docs/screenshots`).
"""

import json
import os
import tempfile
from pathlib import Path

import pytest

from programs.models import Program, Track
from residency import pages as site_pages
from tests import test_browser
from tests.test_accessibility import VIEWPORTS, _run_axe
from tests.test_browser import PROJECT, Problems, _new_page

server = test_browser.server
browser = test_browser.browser

SCREENSHOTS = Path(os.environ.get("DESIGN_SCREENSHOTS") or Path(tempfile.gettempdir()) / "residency-design")
if not SCREENSHOTS.is_absolute():
    SCREENSHOTS = PROJECT / SCREENSHOTS
# A header taller than this at 1,280 px pushes the page's own heading down (issue 15).
HEADER_MAX = 110
# The readable measure of a column of text (site.css --measure), in CSS pixels.
MEASURE = 46 * 16


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """What the server shows, read from the same content before the browser starts (see test_browser.main_pages)."""
    with django_db_blocker.unblock():
        program = Program.objects.current()
        track = Track.objects.filter(applications__isnull=False).first() or Track.objects.first()
        return {
            "name": program.name,
            "lead": program.lead,
            "tracks": Track.objects.count(),
            "track_page": track.get_absolute_url(),
            "home": program.get_absolute_url(),
            "main_pages": site_pages.main_pages(),
        }


@pytest.fixture(scope="module")
def main_pages(content):
    """tests/test_browser.py's browser fixture reads its pages before Chromium starts: these are the pages here."""
    return content["main_pages"]


def _open(browser, server, width, **options):
    problems = Problems()
    context, page = _new_page(browser, server, problems, **VIEWPORTS[width], **options)
    return problems, context, page


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def _screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True, scale="css")


# The top of each part of the front page, in page order, and what the page's one h1 says.
FRONT_PAGE = """() => {
    const top = (selector) => {
        const el = document.querySelector(selector);
        return el ? el.getBoundingClientRect().top + window.scrollY : null;
    };
    return {
        h1s: [...document.querySelectorAll("h1")].map((h1) => [h1.closest("main") !== null, h1.textContent.trim()]),
        lead: document.querySelector("main .lead").textContent.trim(),
        order: ["h1", ".lead", ".cycle-state .button", ".figures", ".track-card", ".key-dates", "#overview"].map(top),
        action: [...document.querySelectorAll(".cycle-state a.button")].length,
        cards: [...document.querySelectorAll(".track-card")].map((card) => card.getBoundingClientRect().left),
        scrollWidth: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
    };
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_front_page_leads_with_what_applicants_come_for(browser, server, content, width):
    problems, context, page = _open(browser, server, width)
    try:
        assert page.goto(content["home"]).status == 200
        front = page.evaluate(FRONT_PAGE)
        # The h1 is the page's own heading, in its main content, and there is one.
        assert front["h1s"] == [[True, content["name"]]]
        assert front["lead"] == content["lead"]
        # In this order, each part below the one before: the program, the cycle's one action, the figures,
        # the tracks, the key dates (beside the tracks on a wide screen), then the rest.
        order = front["order"]
        assert None not in order, order
        assert order[:5] == sorted(order[:5]) and max(order[4], order[5]) < order[6], order
        assert front["action"] == 1
        assert len(front["cards"]) == content["tracks"]
        assert front["scrollWidth"] <= front["width"]
        columns = len(set(round(left) for left in front["cards"]))
        key_dates, tracks = _box(page, ".key-dates"), _box(page, ".home-tracks")
        if width < 768:
            assert columns == 1
            assert key_dates["y"] > tracks["y"] + tracks["height"] - 1
        else:
            assert columns >= 3
            assert key_dates["x"] >= tracks["x"] + tracks["width"]
        _screenshot(page, f"front-page-{width}.png")
        # One search box in sight without opening the menu: the page's own on a phone, the header's on a laptop.
        boxes = page.locator("input[type=search]:visible")
        assert boxes.count() == 1
        assert boxes.evaluate("box => Boolean(box.closest('.site-header'))") == (width >= 768)
        word = max(content["name"].split(), key=len)
        boxes.fill(word)
        boxes.press("Enter")
        page.wait_for_load_state()
        assert page.locator("main h1").inner_text() == "Search"
        assert page.locator("main input[type=search]").input_value() == word
        assert problems == []
    finally:
        context.close()


def test_at_1280_px_the_header_is_short_and_the_navigation_one_row_with_a_compact_search(browser, server, content):
    problems, context, page = _open(browser, server, 1280)
    try:
        for path in content["main_pages"]:
            page.goto(path)
            header = _box(page, ".site-header")
            assert header["height"] <= HEADER_MAX, (path, header)
            links = page.locator("nav[aria-label=Main] a")
            tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
            assert len(tops) == 1, f"{path}: the navigation takes {len(tops)} rows"
            search = page.locator(".site-header input[type=search]")
            assert search.is_visible()
            box = search.bounding_box()
            assert box["width"] <= 320 and box["y"] + box["height"] <= header["y"] + header["height"], (path, box)
            # Named for screen readers, though its label is not shown.
            assert page.locator(".site-header label[for=site-search-q]").inner_text() == "Search"
            assert page.locator("main h1").count() == 1 and page.locator(".site-header h1").count() == 0, path
        assert problems == []
    finally:
        context.close()


# Where the key facts sit against the text, and how wide the text's lines run.
DETAIL = """() => {
    const facts = document.querySelector("main .key-facts").getBoundingClientRect();
    const text = document.querySelector("main .detail-text").getBoundingClientRect();
    const lines = [...document.querySelectorAll("main .detail-text p, main .detail-text li")]
        .map((el) => el.getBoundingClientRect().width);
    return {facts: [facts.left, facts.top, facts.bottom], text: [text.right, text.top],
            widest: Math.max(0, ...lines)};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_a_track_page_puts_its_key_facts_beside_its_text_on_a_wide_screen(browser, server, content, width):
    problems, context, page = _open(browser, server, width)
    try:
        assert page.goto(content["track_page"]).status == 200
        layout = page.evaluate(DETAIL)
        facts_left, facts_top, facts_bottom = layout["facts"]
        text_right, text_top = layout["text"]
        if width < 768:
            # On a phone, first the facts, then the text.
            assert facts_bottom <= text_top + 1, layout
        else:
            assert facts_left >= text_right, layout
            assert abs(facts_top - text_top) < 40, layout
        assert layout["widest"] <= MEASURE + 1, layout
        assert page.locator(".key-facts dt", has_text="NRMP number").count() == 1
        _screenshot(page, f"track-page-{width}.png")
        assert problems == []
    finally:
        context.close()


# The page's colours as the browser computes them, and the motion it allows.
PREFERENCES = """() => {
    const rgb = (color) => color.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const light = (color) => rgb(color).reduce((a, b) => a + b, 0) / 3;
    const card = document.querySelector(".track-card");
    return {
        paper: light(getComputedStyle(document.body).backgroundColor),
        ink: light(getComputedStyle(document.body).color),
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
        transition: parseFloat(getComputedStyle(card).transitionDuration),
    };
}"""


def test_the_page_follows_the_visitors_colour_scheme_and_wish_for_less_motion(browser, server, content):
    seen = {}
    for scheme, motion in (("light", "no-preference"), ("dark", "reduce")):
        problems, context, page = _open(browser, server, 390, color_scheme=scheme, reduced_motion=motion)
        try:
            page.goto(content["home"])
            seen[scheme] = page.evaluate(PREFERENCES)
            if scheme == "dark":
                _screenshot(page, "front-page-390-dark.png")
            assert problems == []
        finally:
            context.close()
    light, dark = seen["light"], seen["dark"]
    assert light["paper"] > 200 and light["ink"] < 60, light
    assert dark["paper"] < 60 and dark["ink"] > 200, dark
    assert light["scroll"] == "smooth" and light["transition"] > 0.05, light
    assert dark["scroll"] == "auto" and dark["transition"] < 0.001, dark


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation_in_the_dark_scheme(browser, server, content, width):
    problems, context, page = _open(browser, server, width, color_scheme="dark")
    try:
        found = {}
        for path in content["main_pages"]:
            page.goto(path)
            violations = _run_axe(page)
            if violations:
                found[path] = violations
        assert found == {}, json.dumps(found, indent=2)
        assert problems == []
    finally:
        context.close()
