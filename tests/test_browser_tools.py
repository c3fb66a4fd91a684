"""
The applicants' tools in a real browser on a phone (390 px), and the clinic comparison on a laptop
(1,280 px) too: the planner and the clinic filter work by their forms alone, the answer is the
page's address, and nothing scrolls sideways.

The site runs as deployed, as in tests/test_browser.py (whose server and browser fixtures these are);
what the pages should say is read from the test database, which holds the same content.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from applications.rules import current_rules
from sites.models import Practice

from . import test_browser as deployed

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - test_browser skips the module first
    pytest.skip("playwright is not installed", allow_module_level=True)

# The deployed site and the watch for console errors, shared with tests/test_browser.py.
server = deployed.server
problems = deployed.problems

AXE = deployed.PROJECT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page):
    """axe-core's WCAG violations on the page as it stands (answers, tables), when axe-core is installed."""
    if not AXE.exists():  # pragma: no cover - tests/test_accessibility.py says so and skips
        return []
    from tests.test_accessibility import _run_axe

    return _run_axe(page)


@pytest.fixture(scope="module")
def facts(django_db_setup, django_db_blocker):
    """What the pages should say, read from the test database before the browser starts (its event loop
    keeps Django's database calls out of this thread from then on)."""
    with django_db_blocker.unblock():
        rules = current_rules()
        combinable = [application for application in rules.applications if not application.is_exclusive][:2]
        alone = next(application for application in rules.applications if application.is_exclusive)
        track = Practice.objects.served_tracks().first()
        return {
            "combinable": [(a.track.name, a.track.slug, rules.ranking_for(a.track).number) for a in combinable],
            "alone": (alone.track.name, alone.application_name, alone.rule),
            "track": track.slug,
            "clinics": [practice.name for practice in Practice.objects.for_track(track)],
            "where": [(p.name, p.town, p.distance) for p in Practice.objects.for_track(track)],
            "all_clinics": Practice.objects.count(),
        }


@pytest.fixture(scope="module")
def browser(facts):
    with deployed.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=deployed.CHROMIUM, args=deployed.CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, server, problems):
    context = browser.new_context(base_url=server, extra_http_headers=deployed.HTTPS, **deployed.PHONE)
    context.set_default_timeout(5000)
    page = problems.watch(context.new_page())
    yield page
    context.close()


def assert_fits_the_phone(page):
    width, scroll = page.evaluate("() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
    assert width == 390
    assert scroll <= width, f"{page.url} scrolls sideways ({scroll}px)"


def test_the_planner_answers_from_the_ticked_tracks_on_a_phone(phone, problems, facts):
    phone.goto("/apply/planner/")
    assert_fits_the_phone(phone)
    for name, _, _ in facts["combinable"]:
        phone.get_by_label(name, exact=True).check()
    phone.get_by_role("button", name="Plan").click()
    query = parse_qs(urlsplit(phone.url).query)
    assert sorted(query["track"]) == sorted(slug for _, slug, _ in facts["combinable"])
    expect(phone.locator(".verdict")).to_contain_text("simultaneously")
    for _, _, number in facts["combinable"]:
        expect(phone.locator("#rank + ul")).to_contain_text(f"NRMP #{number}")
    assert_fits_the_phone(phone)

    # Adding a track that stands alone: the page quotes its rule and says the others are set aside.
    track_name, application_name, rule = facts["alone"]
    phone.get_by_label(track_name, exact=True).check()
    phone.get_by_role("button", name="Plan").click()
    expect(phone.locator(".verdict")).to_contain_text(f"If you select the {application_name}")
    expect(phone.locator(".plan blockquote")).to_contain_text(rule[:60])
    assert_fits_the_phone(phone)

    # The link to the plan opens the same answer.
    shared = phone.get_by_role("link", name="Link to this plan").get_attribute("href")
    phone.goto(shared)
    expect(phone.locator(".verdict")).to_contain_text(f"If you select the {application_name}")
    assert axe_violations(phone) == []
    assert problems == []


def test_the_clinic_filter_and_comparison_work_on_a_phone(phone, problems, facts):
    track, expected = facts["track"], facts["clinics"]
    assert 2 <= len(expected) < facts["all_clinics"]

    phone.goto("/sites/")
    assert_fits_the_phone(phone)
    phone.get_by_label("Show the clinics of").select_option(track)
    phone.get_by_role("button", name="Show").click()
    assert parse_qs(urlsplit(phone.url).query) == {"track": [track]}
    items = phone.locator(".clinic-list > li")
    expect(items).to_have_count(len(expected))
    for item, practice in zip(items.all(), expected, strict=True):
        expect(item).to_contain_text(practice)
    assert_fits_the_phone(phone)

    # The description folds open without script.
    first = items.first
    first.locator("summary").click()
    expect(first.locator("details p").first).to_be_visible()

    # Tick two and compare them side by side, with the button above the list.
    for practice in expected[:2]:
        phone.get_by_label(f"Compare {practice}", exact=True).check()
    phone.get_by_role("button", name="Compare the ticked clinics").first.click()
    expect(phone).to_have_url(re.compile(r"/sites/compare/\?"))
    assert parse_qs(urlsplit(phone.url).query)["track"] == [track]
    expect(phone.locator("table tbody th a")).to_have_count(2)
    for practice in expected[:2]:
        expect(phone.locator("table caption")).to_contain_text(practice)
    assert_fits_the_phone(phone)
    assert problems == []


@pytest.fixture
def desktop(browser, server, problems):
    context = browser.new_context(
        base_url=server, extra_http_headers=deployed.HTTPS, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(5000)
    page = problems.watch(context.new_page())
    yield page
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_compare_keeps_the_track_shows_where_each_clinic_is_and_fits(request, problems, facts, width):
    page = request.getfixturevalue("phone" if width == 390 else "desktop")
    track, names = facts["track"], facts["clinics"][:3]
    page.goto(f"/sites/?track={track}")
    for name in names:
        page.get_by_label(f"Compare {name}", exact=True).check()
    # The button below the list works as the one above it does.
    page.get_by_role("button", name="Compare the ticked clinics").last.click()
    assert parse_qs(urlsplit(page.url).query)["track"] == [track]
    rows = page.locator("table.compare-clinics tbody tr")
    expect(rows).to_have_count(len(names))
    for row, (name, town, distance) in zip(rows.all(), facts["where"][: len(names)], strict=True):
        expect(row.locator("th")).to_contain_text(name)
        expect(row.locator('td[data-label="Town or neighborhood"]')).to_have_text(town or "Not stated")
        expect(row.locator('td[data-label="From the main campus"]')).to_have_text(distance or "Not stated")
    table, box = page.evaluate(
        """() => [document.querySelector('table.compare-clinics').getBoundingClientRect().width,
                  document.querySelector('.table-scroll').clientWidth]"""
    )
    assert table <= box, f"the comparison is {table}px wide in a {box}px box"
    width_seen, scroll = page.evaluate(
        "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert width_seen == width and scroll <= width
    # Stacked on a phone (each clinic a block, its cells named), a table on a laptop.
    display = rows.first.evaluate("row => getComputedStyle(row).display")
    assert display == ("block" if width < 600 else "table-row")
    assert axe_violations(page) == []
    # The track's clinics are the ones offered to choose from, and the way back keeps the track.
    expect(page.locator(".compare-form .choice-list li")).to_have_count(len(facts["clinics"]))
    page.get_by_role("link", name=re.compile("track’s clinics")).click()
    assert parse_qs(urlsplit(page.url).query) == {"track": [track]}
    assert problems == []


def test_the_self_check_answers_on_a_phone(phone, problems):
    phone.goto("/apply/international-graduates/check/")
    assert_fits_the_phone(phone)
    phone.get_by_label("USMLE Step 1 score").fill("255")
    phone.get_by_label("USMLE Step 2 CK score").fill("260")
    phone.get_by_label("Visa status you will train on").select_option("j1")
    # The date box shows the browser's own order; its hint names none, and what it sends is read.
    date_box = phone.get_by_label("Date you received it, or expect it")
    assert date_box.get_attribute("type") == "date"
    hint = phone.locator("#id_ecfmg_date_helptext").inner_text()
    assert "year" not in hint.lower() and "-" not in hint
    phone.get_by_label("ECFMG certificate").select_option("certified")
    date_box.fill("2020-12-01")
    phone.get_by_role("button", name="Check").click()
    query = parse_qs(urlsplit(phone.url).query)
    assert query["step1"] == ["255"] and query["ecfmg_date"] == ["2020-12-01"]
    expect(phone.locator(".field-error")).to_have_count(0)
    expect(phone.locator("#answers")).to_be_visible()
    expect(phone.locator(".answers .verdict").first).to_be_visible()
    expect(phone.locator(".overall")).to_be_visible()
    assert_fits_the_phone(phone)
    assert axe_violations(phone) == []
    assert problems == []
