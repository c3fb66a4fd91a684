"""
The yearly rollover in a real browser, as a coordinator does it: copy the live cycle to a
draft, edit a date, preview, publish, revert; and schedule a cycle, recover a deleted object.

The clicks are counted (typing into fields is not): the rollover took 69 before cycles could be
copied, previewed and published from the cycle's page. The count is printed with `pytest -s`.
It runs against the site as deployed, started the way tests/test_browser.py starts it.
"""

import datetime
import re

from playwright.sync_api import expect

from tests import test_browser as shared
from tests.test_browser import ADMIN, _log_in, _public_text

# The site as deployed, the browser and the problems watch of tests/test_browser.py (this module gets its own server).
server, browser, page, problems, main_pages = (
    shared.server,
    shared.browser,
    shared.page,
    shared.problems,
    shared.main_pages,
)

# The goal the coordinators set: the yearly rollover in fewer clicks than this, plus the date edits.
CLICK_GOAL = 15


class Clicks:
    """Clicks a coordinator makes, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def _long_date(value):
    return f"{value:%B} {value.day}, {value.year}"


def test_the_yearly_rollover_in_under_fifteen_clicks(page, server, problems):
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page)
    click = Clicks()
    old_text = _public_text(server, "/apply/")

    # From the admin index's "This cycle" panel to the live cycle.
    panel = page.locator(".this-cycle")
    expect(panel).to_contain_text("Live")
    click(panel.locator("a").first)
    expect(page).to_have_url(re.compile(r"applicationcycle/\d+/change/$"))
    # The cycle's page fits a 1,280 px screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('fieldset, .inline-group, table')]"
        ".filter(e => e.getBoundingClientRect().right > 1280).map(e => e.id || e.className).slice(0, 5)"
    )
    assert width <= 1280, wide

    # Copy: the next cycle's name is suggested, every date moves on 52 weeks.
    click(page.get_by_role("link", name="Copy to a new draft cycle"))
    name = page.locator("#id_name").input_value()
    assert name
    click(page.get_by_role("button", name="Copy to a new draft cycle"))
    expect(page.locator(".messagelist .success")).to_contain_text("draft copy")
    expect(page.locator(".field-status_label")).to_contain_text("Draft")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    # Edit a date (typing, not counted): the deadline moves two days later.
    deadline_field = page.locator("#id_deadline_0")
    copied = datetime.date.fromisoformat(deadline_field.input_value())
    edited = copied + datetime.timedelta(days=2)
    deadline_field.fill(edited.isoformat())
    # And one track's interview days are pasted one per line, weekday shown.
    lines = page.locator("textarea[id$='-interview_lines']").first
    first_line = lines.input_value().splitlines()[0]
    assert re.match(r"[A-Z][a-z]+day \d{4}-\d\d-\d\d", first_line)
    click(page.locator("input[name=_continue]"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)

    # Preview: the whole site with the draft, marked; the public still sees the live cycle.
    click(page.get_by_role("link", name="Preview on the site"))
    expect(page.locator(".preview-banner")).to_contain_text(f"Preview of the {name} cycle")
    expect(page.locator("main")).to_contain_text(_long_date(edited))
    assert page.locator("meta[name=robots]").get_attribute("content").startswith("noindex")
    public = _public_text(server, "/apply/")
    assert _long_date(edited) not in public and "Preview" not in public
    click(page.get_by_role("link", name="Back to the cycle"))

    # Publish now: the draft is live, the old cycle archived.
    click(page.get_by_role("link", name=re.compile("Publish or")))
    click(page.get_by_role("button", name="Publish"))
    expect(page.locator(".messagelist .success")).to_contain_text("goes live now")
    assert _long_date(edited) in _public_text(server, "/apply/")
    assert _public_text(server, "/apply/") != old_text

    # Revert the date edit from the history: back to the copy's own values.
    click(page.get_by_role("link", name="History"))
    click(page.locator("#change-history tr", has_text="Copied from").locator("a").first)
    expect(page.locator("#id_deadline_0")).to_have_value(copied.isoformat())
    click(page.locator("input[name=_save]"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    reverted = _public_text(server, "/apply/")
    assert _long_date(copied) in reverted and _long_date(edited) not in reverted

    print(f"\nRollover clicks: {click.count} (before: 69; goal: under {CLICK_GOAL})")
    assert click.count < CLICK_GOAL
    assert problems == []


def test_a_coordinator_schedules_a_cycle_and_recovers_a_deleted_requirement(page, server, problems):
    _log_in(page)
    page.goto(f"{ADMIN}applications/applicationcycle/")
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_role("link", name="Copy to a new draft cycle").click()
    page.locator("#id_name").fill("Scheduled cycle")
    page.get_by_role("button", name="Copy to a new draft cycle").click()
    expect(page.locator(".field-status_label")).to_contain_text("Draft")

    # Schedule it a year from now: the public site does not change yet.
    before = _public_text(server, "/apply/")
    page.get_by_role("link", name=re.compile("Publish or")).click()
    at = datetime.date.today() + datetime.timedelta(days=365)
    page.locator("#id_publish_at_0").fill(at.isoformat())
    page.locator("#id_publish_at_1").fill("09:00:00")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist .success")).to_contain_text(_long_date(at))
    expect(page.locator(".field-status_label")).to_contain_text("Scheduled")
    assert "Scheduled cycle" not in _public_text(server, "/apply/")
    assert _public_text(server, "/apply/").count("<h1>") == before.count("<h1>")

    # Delete an international graduate requirement, then recover it from "Recover deleted".
    page.goto(f"{ADMIN}applications/graduaterequirement/")
    row = page.locator("#result_list tbody tr").first
    text = row.locator("th a, td a").first.inner_text()
    row.locator("th a, td a").first.click()
    page.get_by_role("link", name="Delete").click()
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.get_by_role("link", name=re.compile("Recover deleted")).click()
    page.locator("tr", has_text=text[:30]).locator("a").first.click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text(text[:30])
    assert problems == []
