"""
The applicants' tools in a real browser on a phone (390 px): the planner and the clinic filter work
by their forms alone, the answer is the page's address, and nothing scrolls sideways.

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

    # Tick two and compare them side by side.
    for practice in expected[:2]:
        phone.get_by_label(f"Compare {practice}", exact=True).check()
    phone.get_by_role("button", name="Compare the ticked clinics").click()
    expect(phone).to_have_url(re.compile(r"/sites/compare/\?"))
    headers = phone.locator("table thead th a")
    expect(headers).to_have_count(2)
    for practice in expected[:2]:
        expect(phone.locator("table caption")).to_contain_text(practice)
    assert_fits_the_phone(phone)
    assert problems == []


def test_the_self_check_answers_on_a_phone(phone, problems):
    phone.goto("/apply/international-graduates/check/")
    assert_fits_the_phone(phone)
    phone.get_by_label("USMLE Step 1 score").fill("255")
    phone.get_by_label("USMLE Step 2 CK score").fill("260")
    phone.get_by_label("Visa status you will train on").select_option("j1")
    phone.get_by_role("button", name="Check").click()
    assert parse_qs(urlsplit(phone.url).query)["step1"] == ["255"]
    expect(phone.locator("#answers")).to_be_visible()
    expect(phone.locator(".answers .verdict").first).to_be_visible()
    assert_fits_the_phone(phone)
    assert problems == []
