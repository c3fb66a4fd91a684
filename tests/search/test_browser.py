"""
Search in a real browser, on a 320 and 390 px phone and a 1,280 px laptop: the results page's own
search box is on screen without opening the menu, a search from it works, nothing scrolls sideways,
the marked words show, and axe-core finds no WCAG violation (when axe-core is installed).

The site is tests/test_browser.py's: gunicorn with the production settings and the content loaded
(which builds the index).
"""

import json
from urllib.parse import quote

import pytest

from tests import test_browser

# tests.test_browser skips this module too where playwright or Chromium is missing.
from tests.test_browser import PROJECT, Problems, _first, _new_page, expect

server = test_browser.server
browser = test_browser.browser

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
VIEWPORTS = {
    320: {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    1280: {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(scope="module")
def main_pages():
    """tests/test_browser.py's browser fixture asks for the pages it visits: here only the search's."""
    return []


def one_letter_off(word):
    middle = len(word) // 2
    while not word[middle].isalpha():
        middle -= 1
    return word[:middle] + ("e" if word[middle].lower() != "e" else "a") + word[middle + 1 :]


def _axe(page):
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const results = await axe.run(document, options);
            return results.violations.map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target)}));
        }""",
        WCAG_TAGS,
    )


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_search_works_and_reads_well_on_a_phone_and_a_laptop(browser, server, width, sample_fixtures):
    problems = Problems()
    context, page = _new_page(browser, server, problems, **VIEWPORTS[width])
    try:
        track = _first(sample_fixtures, "programs.track")
        clinic = _first(sample_fixtures, "sites.practice")
        longest = max(track["name"].split(), key=len)
        query = track["name"].replace(longest, one_letter_off(longest))
        page.goto(f"/search/?q={quote(query)}")
        box = page.locator("#search-q")
        # On screen at once, phones included: the header's box is in the closed menu there.
        expect(box).to_be_visible()
        expect(box).to_have_value(query)
        expect(page.locator(".search-note")).to_contain_text("Did you mean")
        first = page.locator(".search-results > li > a").first
        expect(first).to_be_visible()
        expect(first).to_have_attribute("href", f"/tracks/{track['slug']}/")
        layout = page.evaluate(
            """() => ({
                width: document.documentElement.clientWidth,
                scrollWidth: document.documentElement.scrollWidth,
                boxRight: document.querySelector("#search-q").getBoundingClientRect().right,
                buttonRight: document.querySelector(".search-page-row button").getBoundingClientRect().right,
            })"""
        )
        assert layout["scrollWidth"] <= layout["width"] == width, layout
        assert layout["boxRight"] <= layout["buttonRight"] <= width, layout

        # A second search from the page's own box, as a phone user would, without the menu.
        box.fill(clinic["name"])
        box.press("Enter")
        page.wait_for_url("**/search/?q=*")
        expect(page.locator(".search-results > li > a").first).to_have_attribute("href", f"/sites/{clinic['slug']}/")
        expect(page.locator(".search-results mark").first).to_be_visible()
        page.screenshot(path=test_browser.SCREENSHOT.parent / f"search-{width}.png", full_page=True)
        if AXE.exists():
            violations = _axe(page)
            assert violations == [], json.dumps(violations, indent=2)
        assert problems == []
    finally:
        context.close()
