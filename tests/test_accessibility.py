"""
In a real browser, on every public page: no axe-core violation of WCAG 2.0, 2.1 and 2.2 (A and AA)
at 320, 390 and 1,280 px; a navigation that folds into a menu on a phone and works without
JavaScript; tables that fit a 320 px screen; a visible focus ring on every background; and a
print layout with no navigation that keeps one track's interview dates on one sheet.

The site runs as deployed, with its Content-Security-Policy, under tests/test_browser.py's server.
axe-core comes from npm (package.json; `npm ci` installs it into node_modules/). Playwright's
`evaluate` runs it through the DevTools protocol, which the page's CSP does not govern, so the
policy stays in force for the page's own resources while axe looks at it.
"""

import io
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from residency import pages as site_pages
from tests import test_browser
from tests.test_browser import PROJECT, Problems, _new_page

# The same deployed site and Chromium as the other browser tests (a server of this module's own).
server = test_browser.server
browser = test_browser.browser

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():  # pragma: no cover - depends on the machine
    pytest.skip("axe-core is not installed: run `npm ci`", allow_module_level=True)

# The WCAG levels the site meets, as axe-core tags its rules (axe has no rule tagged wcag22a).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = [320, 390, 1280]
SCREENSHOTS = Path(tempfile.gettempdir()) / "residency-accessibility"
# Phones at the two widths; the desktop is a plain window.
VIEWPORTS = {
    320: {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    1280: {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """Every public page, from the same content the server loaded."""
    with django_db_blocker.unblock():
        return site_pages.public_pages()


@pytest.fixture(scope="module")
def main_pages(pages):
    """tests/test_browser.py's browser fixture reads its pages before Chromium starts: these are the pages here."""
    return pages


def _context(browser, server, problems, width, **options):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return _new_page(browser, server, problems, **VIEWPORTS[width], **options)


def _run_axe(page):
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const results = await axe.run(document, options);
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_violation_on_any_public_page(browser, server, pages, width):
    problems = Problems()
    context, page = _context(browser, server, problems, width)
    try:
        found = {}
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, path
            # The policy is in force while axe runs: it is the page as applicants get it.
            assert "script-src 'self'" in response.header_value("content-security-policy")
            violations = _run_axe(page)
            if violations:
                found[path] = violations
            # The menu's list is part of the page too: check it open on phones.
            if width < 768:
                page.locator(".site-menu > summary").click()
                violations = _run_axe(page)
                if violations:
                    found[f"{path} (menu open)"] = violations
        print(f"axe-core at {width} px: {len(pages)} pages, {sum(map(len, found.values()))} violations")
        assert found == {}, json.dumps(found, indent=2)
        # axe is really looking: a link emptied of its text is reported.
        page.evaluate("() => { document.querySelector('main a').textContent = ''; }")
        assert "link-name" in [violation["id"] for violation in _run_axe(page)]
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_on_a_phone_the_navigation_is_one_menu_that_opens_without_javascript(browser, server, javascript):
    problems = Problems()
    context, page = _context(browser, server, problems, 320, java_script_enabled=javascript)
    try:
        page.goto("/tracks/")
        summary = page.locator("nav[aria-label=Main] summary")
        links = page.locator("nav[aria-label=Main] a")
        count = links.count()
        assert count > 5
        header = page.locator(".site-header").bounding_box()
        # Folded: no link shows, and the header takes a small part of a small screen.
        assert summary.is_visible()
        assert all(not links.nth(i).is_visible() for i in range(count))
        assert header["height"] <= 568 * 0.2, header
        assert summary.inner_text().startswith("Menu")
        if javascript:
            page.screenshot(path=SCREENSHOTS / "phone-menu-closed.png")

        # Open, by touch or keyboard: every link shows, inside the screen, big enough to tap.
        summary.focus()
        page.keyboard.press("Enter")
        boxes = [links.nth(i).bounding_box() for i in range(count)]
        assert all(links.nth(i).is_visible() for i in range(count))
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= 320 for box in boxes), boxes
        assert all(box["height"] >= 24 for box in boxes), boxes
        # The page being shown is marked in the menu.
        assert page.locator("nav[aria-label=Main] a[aria-current=page]").get_attribute("href") == "/tracks/"
        if javascript:
            page.screenshot(path=SCREENSHOTS / "phone-menu-open.png")
        links.nth(count - 1).click()
        assert urlsplit(page.url).path != "/tracks/"
        assert problems == []
    finally:
        context.close()


def test_on_a_wide_screen_the_whole_navigation_shows_without_a_menu_button(browser, server):
    problems = Problems()
    context, page = _context(browser, server, problems, 1280)
    try:
        page.goto("/")
        assert not page.locator("nav[aria-label=Main] summary").is_visible()
        links = page.locator("nav[aria-label=Main] a")
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        assert problems == []
    finally:
        context.close()


def test_tables_fit_a_320_px_screen_and_their_wrappers_are_labelled_regions(browser, server, pages):
    problems = Problems()
    context, page = _context(browser, server, problems, 320)
    try:
        checked = 0
        for path in pages:
            page.goto(path)
            tables = page.evaluate(
                """() => [...document.querySelectorAll("main table")].map((table) => {
                    const wrapper = table.closest(".table-scroll");
                    const cells = [...table.querySelectorAll("th, td")];
                    return {
                        caption: table.caption && table.caption.textContent.trim(),
                        wrapped: !!wrapper,
                        region: wrapper && wrapper.getAttribute("role"),
                        focusable: wrapper && wrapper.tabIndex === 0,
                        label: wrapper && wrapper.getAttribute("aria-labelledby")
                            && document.getElementById(wrapper.getAttribute("aria-labelledby")).textContent.trim(),
                        // Cut off: a cell whose right edge is past what the wrapper shows.
                        cut: wrapper ? cells.filter((cell) => cell.getBoundingClientRect().right
                            > wrapper.getBoundingClientRect().right + 0.5).map((cell) => cell.textContent.trim()) : [],
                        overflows: wrapper ? wrapper.scrollWidth > wrapper.clientWidth : true,
                    };
                })"""
            )
            for table in tables:
                checked += 1
                assert table["wrapped"] and table["region"] == "region" and table["focusable"], (path, table)
                assert table["label"] and table["label"] == table["caption"], (path, table)
                assert table["cut"] == [] and not table["overflows"], (path, table)
        assert checked >= 3
        for path in ("/tracks/", "/apply/interviews/"):
            page.goto(path)
            page.screenshot(path=SCREENSHOTS / f"{path.strip('/').replace('/', '-')}-320.png", full_page=True)
        assert problems == []
    finally:
        context.close()


# WCAG's contrast ratio of the focus ring's colour to the background beside it.
FOCUS_RINGS = """() => {
    const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    const rgb = (color) => color.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const contrast = (a, b) => {
        const [la, lb] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (la + 0.05) / (lb + 0.05);
    };
    const backgroundOf = (el) => {
        for (let node = el; node; node = node.parentElement) {
            const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
            if (a > 0) return [r, g, b];
        }
        return [255, 255, 255];
    };
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const ring = rgb(style.outlineColor);
    // The ring is drawn around the element (outline-offset): what is painted under it, on each side.
    const box = el.getBoundingClientRect();
    const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
    const midX = box.left + box.width / 2, midY = box.top + box.height / 2;
    const sides = [
        [box.left - reach, midY], [box.right + reach, midY], [midX, box.top - reach], [midX, box.bottom + reach],
    ];
    const around = sides
        .map(([x, y]) => document.elementFromPoint(x, y))
        .filter((under) => under && under !== el && !el.contains(under));
    return {
        element: `${el.tagName.toLowerCase()} ${(el.textContent || "").trim().slice(0, 40)}`,
        width: parseFloat(style.outlineWidth),
        visible: style.outlineStyle !== "none",
        contrast: Math.min(...(around.length ? around : [el.parentElement])
            .map((under) => contrast(ring, backgroundOf(under)))),
    };
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_focus_ring_stands_out_on_every_background(browser, server, pages, width):
    problems = Problems()
    context, page = _context(browser, server, problems, width)
    try:
        rings = []
        for path in pages:
            page.goto(path)
            if width < 768:
                page.locator(".site-menu > summary").click()
            page.locator("body").focus()
            seen = set()
            for _ in range(200):
                page.keyboard.press("Tab")
                ring = page.evaluate(FOCUS_RINGS)
                if ring["element"] in seen or ring["element"].startswith("body"):
                    break
                seen.add(ring["element"])
                rings.append((path, ring))
        weak = [
            (path, ring) for path, ring in rings if not ring["visible"] or ring["width"] < 2 or ring["contrast"] < 3
        ]
        assert len(rings) > len(pages) * 5
        assert weak == [], weak[:10]
        assert problems == []
    finally:
        context.close()


def _pdf_pages(pdf):
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", sheet.extract_text()) for sheet in PdfReader(io.BytesIO(pdf)).pages]


def test_printed_pages_leave_out_the_navigation_and_keep_a_tracks_interview_dates_on_one_sheet(browser, server, pages):
    problems = Problems()
    context, page = _context(browser, server, problems, 1280)
    try:
        page.emulate_media(media="print")
        page.goto("/")
        assert not page.locator("nav[aria-label=Main]").is_visible()
        assert not page.locator(".skip-link").is_visible()

        track_pages = [path for path in pages if re.fullmatch(r"/tracks/[^/]+/", path)]
        assert track_pages
        printed = most_dates = 0
        for path in [*track_pages, "/apply/interviews/"]:
            page.goto(path)
            # Each table's rows as text, in order: the whole run is on one sheet only if the table is.
            tables = page.evaluate(
                """() => [...document.querySelectorAll("table.interview-dates")].map((table) =>
                    [...table.querySelectorAll("tbody tr")].map((row) => [...row.cells]
                        .map((cell) => cell.textContent.trim()).filter((text) => text !== "—").join(" ")))"""
            )
            sheets = _pdf_pages(page.pdf(format="Letter", print_background=False))
            for rows in tables:
                printed += 1
                run = re.sub(r"\s+", " ", " ".join(rows))
                holding = [number for number, text in enumerate(sheets) if run in text]
                assert len(holding) == 1, f"{path}: a track's interview dates are not together on one sheet: {rows}"
            assert not page.locator("nav[aria-label=Main]").is_visible(), path
            if len(tables) == 1 and len(tables[0]) > most_dates:
                most_dates = len(tables[0])
                page.screenshot(path=SCREENSHOTS / "print-track.png", full_page=True)
                (SCREENSHOTS / "print-track.pdf").write_bytes(page.pdf(format="Letter"))
        assert printed > len(track_pages) / 2
        assert problems == []
    finally:
        context.close()
