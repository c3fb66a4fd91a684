"""
The yearly rollover in a real browser, as a coordinator does it: copy the live cycle to a draft,
edit a date, preview, publish; change one interview day; revert it from History. After the revert
the cycle is still live with its deadline, and every track has exactly its days. Also: schedule a
cycle with the publish page's date and time buttons, recover a deleted object, and the admin on a
phone.

The clicks are counted (typing into fields is not): the rollover took 69 before cycles could be
copied, previewed and published from the cycle's page. The counts are printed with `pytest -s`.
It runs against the site as deployed, started the way tests/test_browser.py starts it.
"""

import datetime
import re
import time

from playwright.sync_api import expect

from tests import test_browser as shared
from tests.test_browser import ADMIN, _log_in, _public_text

# The site as deployed, the browser and the problems watch of tests/test_browser.py (this module gets its own server).
server, browser, page, phone, problems, main_pages = (
    shared.server,
    shared.browser,
    shared.page,
    shared.phone,
    shared.problems,
    shared.main_pages,
)

# The goal the coordinators set: the yearly rollover in fewer clicks than this, plus the date edits.
CLICK_GOAL = 15
# A revert from History: open the row, History, the version, Save.
REVERT_GOAL = 5


class Clicks:
    """Clicks a coordinator makes, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def _long_date(value):
    return f"{value:%B} {value.day}, {value.year}"


def _day_label(value):
    """An interview day as the public pages write it: “Tuesday November 16th, 2021”."""
    suffix = "th" if 11 <= value.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(value.day % 10, "th")
    return f"{value:%A %B} {value.day}{suffix}, {value.year}"


def _eventually(server, path, check, seconds=5):
    """The public page once `check` holds (each server process notices a change within a second)."""
    deadline = time.monotonic() + seconds
    while True:
        text = _public_text(server, path)
        if check(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def _days_on_the_cycle_page(page):
    """Each track's interview days as its box on the cycle's page lists them, one list per track."""
    boxes = page.locator("textarea[id$='-interview_lines']")
    return [boxes.nth(index).input_value().splitlines() for index in range(boxes.count())]


def test_rollover_then_a_revert_from_history_keeps_the_cycle_live_and_every_track_its_days(page, server, problems):
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
    wide = page.evaluate(
        "[...document.querySelectorAll('fieldset, .inline-group, table')]"
        ".filter(e => e.getBoundingClientRect().right > 1280).map(e => e.id || e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, wide

    # Copy: the next cycle's name is suggested, every date moves on 52 weeks.
    click(page.get_by_role("link", name="Copy to a new draft cycle"))
    name = page.locator("#id_name").input_value()
    assert name
    click(page.get_by_role("button", name="Copy to a new draft cycle"))
    expect(page.locator(".messagelist .success")).to_contain_text("draft copy")
    expect(page.locator(".field-status_label")).to_contain_text("Draft")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # "View on site" on a draft opens its preview, not the live cycle.
    assert "/preview/" in page.locator("a.viewsitelink").get_attribute("href")
    copied_days = _days_on_the_cycle_page(page)
    assert copied_days and all(re.match(r"[A-Z][a-z]+day \d{4}-\d\d-\d\d", days[0]) for days in copied_days if days)

    # Edit a date (typing, not counted): the deadline moves two days later.
    deadline_field = page.locator("#id_deadline_0")
    copied = datetime.date.fromisoformat(deadline_field.input_value())
    edited = copied + datetime.timedelta(days=2)
    deadline_field.fill(edited.isoformat())
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

    # Publish now: a page says what the public site will show, then the draft is live.
    click(page.get_by_role("link", name=re.compile("Publish or")))
    click(page.get_by_role("button", name="Publish"))
    expect(page.locator(".confirmation")).to_contain_text(f"show the {name} cycle from now on")
    click(page.get_by_role("button", name="Publish now"))
    expect(page.locator(".messagelist .success")).to_contain_text("goes live now")
    live = _eventually(server, "/apply/", lambda text: _long_date(edited) in text)
    assert _long_date(edited) in live and live != old_text
    rollover = click.count

    # One interview day of the first track with days moves a day later (typed), and is saved.
    track = next(index for index, days in enumerate(copied_days) if days)
    first_day = datetime.date.fromisoformat(copied_days[track][0].split()[1])
    moved = first_day + datetime.timedelta(days=1)
    lines = [f"{moved:%A} {moved.isoformat()}", *copied_days[track][1:]]
    page.locator("textarea[id$='-interview_lines']").nth(track).fill("\n".join(lines))
    click(page.locator("input[name=_continue]"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert _days_on_the_cycle_page(page)[track][0] == f"{moved:%A} {moved.isoformat()}"
    _eventually(server, "/apply/interviews/", lambda text: _day_label(moved) in text)

    # Revert it from the track's History: the version before the change.
    before_revert = click.count
    click(page.locator(f"#track_applications-{track} a.inlinechangelink"))
    click(page.get_by_role("link", name="History"))
    click(page.locator("#change-history tbody tr").nth(1).locator("th a"))
    expect(page.locator(".history-changes")).to_contain_text("interview date")
    click(page.locator("input[name=_save]"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    revert = click.count - before_revert

    # The cycle is still live with its edited deadline, and every track has exactly its days.
    page.goto(page.url.split("/trackapplication/")[0] + "/applicationcycle/")
    page.locator("#result_list tbody tr", has_text=name).locator("th a").first.click()
    expect(page.locator(".field-status_label")).to_contain_text("Live")
    assert page.locator("#id_deadline_0").input_value() == edited.isoformat()
    assert _days_on_the_cycle_page(page) == copied_days
    interviews = _eventually(server, "/apply/interviews/", lambda text: _day_label(moved) not in text)
    assert _day_label(first_day) in interviews and _day_label(moved) not in interviews
    assert _long_date(edited) in _public_text(server, "/apply/")

    print(
        f"\nRollover clicks: {rollover} (before: 69; goal: under {CLICK_GOAL}); revert from History: {revert} clicks"
    )
    assert rollover < CLICK_GOAL and revert < REVERT_GOAL
    assert problems == []


def test_a_coordinator_schedules_a_cycle_and_recovers_a_deleted_requirement(page, server, problems):
    _log_in(page)
    page.goto(f"{ADMIN}applications/applicationcycle/")
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_role("link", name="Copy to a new draft cycle").click()
    page.locator("#id_name").fill("Scheduled cycle")
    page.get_by_role("button", name="Copy to a new draft cycle").click()
    expect(page.locator(".field-status_label")).to_contain_text("Draft")

    # The publish page's date and time buttons: "Today" fills the date, the clock's "Noon" the time.
    before = _public_text(server, "/apply/")
    page.get_by_role("link", name=re.compile("Publish or")).click()
    for icon in page.locator(".datetimeshortcuts a").all():
        assert icon.bounding_box()["width"] > 0
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", page.locator("#id_publish_at_0").input_value())
    page.locator(".datetimeshortcuts .clock-icon").first.click()
    page.locator(".clockbox", has_text="Noon").get_by_role("link", name="Noon").click()
    assert page.locator("#id_publish_at_1").input_value().startswith("12:00")

    # Schedule it a year from now: its deadline has passed, so a page says so first; the site does not change.
    at = datetime.date.today() + datetime.timedelta(days=365)
    page.locator("#id_publish_at_0").fill(at.isoformat())
    page.locator("#id_publish_at_1").fill("09:00:00")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".confirmation")).to_contain_text("has passed")
    page.get_by_role("button", name="Schedule").click()
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


def test_the_admin_index_and_the_cycle_page_read_on_a_phone(phone, server, problems):
    _log_in(phone)
    layout = "document.documentElement.scrollWidth"
    assert phone.evaluate(layout) <= 390
    panel = phone.locator(".this-cycle th").first.bounding_box()
    assert panel["height"] < 40, "the panel's labels are words, not one letter per line"
    phone.locator(".this-cycle a").first.click()
    expect(phone).to_have_url(re.compile(r"applicationcycle/\d+/change/$"))
    # Measured once the admin's scripts have built their widgets (the letters' two-list chooser starts as
    # one plain list, wider than a phone, until SelectFilter2 runs on a loaded machine).
    phone.wait_for_load_state("load")
    phone.locator("#id_letters_tracks_add").wait_for(state="attached")
    assert phone.evaluate(layout) <= 390
    # Inline rows stack, each field under its column's name, and every box is within the screen.
    beyond = phone.evaluate(
        "[...document.querySelectorAll('.inline-group :is(textarea, input[type=text], select)')]"
        ".filter(e => e.getClientRects().length && e.getBoundingClientRect().right > 390).length"
    )
    assert beyond == 0
    cell = phone.locator("#track_applications-group td.field-interview_lines").first
    assert cell.get_attribute("data-label")
    # The drag handle says what it is; "move to first / last" buttons are there too.
    handle = phone.locator("#track_applications-group td.original p").first
    assert "drag" in phone.evaluate("e => getComputedStyle(e, '::before').content", handle.element_handle())
    expect(phone.locator("#track_applications-group .move-end").first).to_be_attached()
    assert problems == []
