"""
In a real browser: the admin works under the site's strict Content-Security-Policy, and the
public pages can be read on a phone.

The site runs as deployed (gunicorn, the production settings, collected static files) in a
subprocess with a database of its own, so nothing here touches the test database the other
tests share. Chromium is the system's (/usr/bin/chromium); without it, or without playwright,
the module is skipped.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from residency import pages

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    pytest.skip("playwright is not installed", allow_module_level=True)

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if not CHROMIUM:  # pragma: no cover - depends on the machine
    pytest.skip("no Chromium at /usr/bin/chromium or on PATH", allow_module_level=True)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN = "/" + settings.ADMIN_URL
USERNAME = "coordinator"
PASSWORD = secrets.token_urlsafe(16)
# What the TLS-terminating proxy adds to every request; gunicorn trusts it from 127.0.0.1.
HTTPS = {"X-Forwarded-Proto": "https"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SCREENSHOT = Path(tempfile.gettempdir()) / "residency-browser" / "apply-interviews-phone.png"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Straight to 127.0.0.1, whatever proxy the environment names.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _tail(path, lines=40):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def _manage(*args, env, log):
    return subprocess.Popen([BIN / "python", "manage.py", *args], cwd=PROJECT, env=env, stdout=log, stderr=log)


def _wait(process, what, log_path):
    try:
        returncode = process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"{what} took over two minutes:\n{_tail(log_path)}")
    if returncode != 0:
        pytest.fail(f"{what} failed:\n{_tail(log_path)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_fixtures):
    """The site under gunicorn with the production settings, its own SQLite file and the sample site loaded."""
    with serve(tmp_path_factory.mktemp("browser-site"), sample_fixtures) as url:
        yield url


@contextlib.contextmanager
def serve(tmp, fixtures, **settings_env):
    """The site as `server` runs it, in the folder `tmp`, with `fixtures` loaded and `settings_env` set."""
    port = _free_port()
    # Only what a process needs to run; every setting is given here, none leaks in from this shell.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ") if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="residency.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        ADMIN_URL=settings.ADMIN_URL,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        # The browser's page is http://127.0.0.1:<port> while the proxy header makes the request
        # HTTPS, so Django's CSRF origin check needs to be told this origin is the site's own
        # (behind the real proxy the browser's origin is https://<host> and matches).
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        DJANGO_SUPERUSER_USERNAME=USERNAME,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        DJANGO_SUPERUSER_EMAIL="coordinator@example.org",
        **settings_env,
    )
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        # collectstatic does not need the database: it runs alongside the database steps.
        collect = _manage("collectstatic", "--noinput", "--verbosity", "0", env=env, log=log)
        try:
            for command in (
                ["migrate", "--noinput", "--verbosity", "0"],
                ["load_content", "--fixtures", str(fixtures)],
                ["createsuperuser", "--noinput"],
            ):
                _wait(_manage(*command, env=env, log=log), f"manage.py {command[0]}", log_path)
            _wait(collect, "manage.py collectstatic", log_path)
        finally:
            if collect.poll() is None:
                collect.kill()
                collect.wait()
        gunicorn = [BIN / "gunicorn"] if (BIN / "gunicorn").exists() else [BIN / "python", "-m", "gunicorn"]
        # No control socket: gunicorn's default one is per user ($HOME/.gunicorn/gunicorn.ctl), shared
        # with any other gunicorn the same user runs.
        process = subprocess.Popen(
            [*gunicorn, "--config", "gunicorn.conf.py", "--no-control-socket", "residency.wsgi"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"gunicorn exited:\n{_tail(log_path)}"
            try:
                with _direct.open(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # workers still loading the app
                pass
            assert time.monotonic() < deadline, f"no answer from /healthz:\n{_tail(log_path)}"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def main_pages(django_db_setup, django_db_blocker):
    """
    One page of each kind, from the same content the server loaded. Read before the browser starts:
    Playwright runs an event loop in this thread, and Django refuses queries beside one.
    """
    with django_db_blocker.unblock():
        return pages.main_pages()


@pytest.fixture(scope="module")
def navigation_links():
    return len(pages.navigation_routes())


@pytest.fixture(scope="module")
def browser(main_pages):
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


class Problems(list):
    """
    Console errors, page errors and Content-Security-Policy violations seen by the pages watched.

    Chromium's own request for /favicon.ico is kept apart: if it failed, the first page a browser opens
    would log an error for it; test_browsers_find_the_site_icon is about that.
    """

    def __init__(self):
        super().__init__()
        self.favicon = []

    def watch(self, page):
        def on_console(message):
            if message.type == "error" or "Content Security Policy" in message.text:
                source = message.location.get("url", "")
                seen = self.favicon if source.endswith("/favicon.ico") else self
                seen.append(f"{page.url}: console {message.type}: {message.text} ({source})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.append(f"{page.url}: page error: {error}"))
        return page


@pytest.fixture
def problems():
    return Problems()


def _new_page(browser, server, problems, **options):
    context = browser.new_context(base_url=server, extra_http_headers=HTTPS, **options)
    context.set_default_timeout(5000)
    return context, problems.watch(context.new_page())


@pytest.fixture
def page(browser, server, problems):
    context, page = _new_page(browser, server, problems)
    yield page
    context.close()


@pytest.fixture
def phone(browser, server, problems):
    context, page = _new_page(browser, server, problems, **PHONE)
    yield page
    context.close()


def _log_in(page):
    page.goto(ADMIN)
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(ADMIN) + "$"))


def _first(fixtures, model, **match):
    """The fields of the first object of `model` with `match`ing fields in `fixtures` (what the server loaded)."""
    app_label = model.split(".")[0]
    objects = json.loads((fixtures / f"{app_label}.json").read_text())
    return next(
        obj["fields"]
        for obj in objects
        if obj["model"] == model and all(obj["fields"].get(key) == value for key, value in match.items())
    )


def _public_text(server, path):
    """A public page as another visitor fetches it (outside the browser, so no cache of the browser's)."""
    request = urllib.request.Request(server + path, headers=HTTPS)
    with _direct.open(request, timeout=5) as response:
        return response.read().decode()


def test_coordinator_edits_a_site_in_admin_with_every_widget_working_under_the_csp(
    page, server, problems, sample_fixtures
):
    marker = f"Open late on Thursdays (edited {secrets.token_hex(4)})."
    site = _first(sample_fixtures, "sites.practice")
    site_page = f"/sites/{site['slug']}/"
    # The server processes cache the page as it stands before the edit.
    for _ in range(4):
        assert marker not in _public_text(server, site_page)

    _log_in(page)
    expect(page.locator("#content h1")).to_have_text("Content")
    # Chromium keeps the Secure session cookie on http://127.0.0.1 (loopback is a secure context).
    session = next(cookie for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    assert session["secure"] and session["httpOnly"]

    # The site's change form, reached from the list as a coordinator would.
    page.click(f"a[href='{ADMIN}sites/practice/']")
    row = page.locator("#result_list tbody tr", has_text=site["name"])
    tracks_before = row.locator(".field-track_names").inner_text()
    assert tracks_before
    row.get_by_role("link", name=site["name"], exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(ADMIN) + r"sites/practice/\d+/change/$"))

    # filter_horizontal: SelectFilter2.js replaces the multiple select with its two boxes.
    expect(page.locator(".selector")).to_be_visible()
    expect(page.locator("#id_tracks_from")).to_be_attached()
    expect(page.locator("#id_tracks_to option")).not_to_have_count(0)
    expect(page.locator("#id_tracks_input")).to_be_visible()

    # The coordinator edits the description and saves.
    description = page.locator("#id_description")
    description.fill(description.input_value() + "\n\n" + marker)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    # SelectFilter2.js selects the chosen tracks on submit; if it had not run, they would be lost.
    row = page.locator("#result_list tbody tr", has_text=site["name"])
    assert row.locator(".field-track_names").inner_text() == tracks_before

    # The next request for the public page shows the new text, though every process had it cached.
    response = page.goto(site_page)
    assert response.status == 200
    expect(page.locator("main")).to_contain_text(marker)

    # Prepopulated fields: typing a new site's name fills in its slug.
    page.goto(f"{ADMIN}sites/practice/add/")
    page.locator("#id_name").press_sequentially("Riverside Community Clinic")
    expect(page.locator("#id_slug")).to_have_value("riverside-community-clinic")

    # Inlines: "Add another Pathway leader" adds a row on the pathway's change form.
    leader = _first(sample_fixtures, "programs.pathwayleader")
    pathway = _first(sample_fixtures, "programs.pathway", slug=leader["pathway"][0])
    page.goto(f"{ADMIN}programs/pathway/")
    page.get_by_role("link", name=pathway["name"], exact=True).click()
    total = page.locator("#id_leaderships-TOTAL_FORMS")
    before = int(total.input_value())
    page.get_by_role("button", name="Add another Pathway leader").click()
    expect(total).to_have_value(str(before + 1))
    expect(page.locator(f"#leaderships-{before}")).to_be_visible()

    # Autocomplete: select2 opens on the track application's track and lists tracks from the server.
    page.goto(f"{ADMIN}applications/trackapplication/")
    page.locator("#result_list tbody tr th a").first.click()
    page.locator("#id_track + .select2 .select2-selection").click()
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_focused()
    track = _first(sample_fixtures, "programs.track")
    expect(page.locator(".select2-results__option", has_text=track["name"]).first).to_be_visible()

    assert problems == []


@pytest.mark.parametrize("path", ["/", "/sites/", ADMIN + "login/"])
def test_pages_reach_the_browser_with_a_strict_content_security_policy(page, path, problems):
    response = page.goto(path)
    assert response.ok
    policy = response.header_value("content-security-policy")
    assert policy, f"no Content-Security-Policy on {path}"
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";") if directive.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert problems == []


def test_public_pages_are_readable_on_a_phone(phone, problems, main_pages, navigation_links):
    for path in main_pages:
        response = phone.goto(path)
        assert response.status == 200, path
        # The main navigation folds into a menu on a phone: open it, as a visitor would.
        phone.locator("nav[aria-label=Main] summary").click()
        layout = phone.evaluate(
            """() => {
                // The phone's width in CSS pixels. On a phone, window.innerWidth is no measure: when the
                // page is wider than the screen, Chromium zooms out and innerWidth grows to the page's width.
                const width = document.documentElement.clientWidth;
                const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""}`;
                // What sticks out to the right, outside a wrapper that may scroll on its own.
                const wide = [...document.querySelectorAll("body *")]
                    .filter((el) => !el.closest(".table-scroll") && el.getBoundingClientRect().right > width + 0.5)
                    .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
                const unwrapped = [...document.querySelectorAll("main table")]
                    .filter((table) => !table.closest(".table-scroll"))
                    .map(describe);
                const small = [...document.querySelectorAll("main p, main li, main dd, main dt, main td, main th")]
                    .filter((el) => !el.closest(".breadcrumb") && el.textContent.trim())
                    .map((el) => `${describe(el)} ${getComputedStyle(el).fontSize}`)
                    .filter((text) => parseFloat(text.split(" ").pop()) < 16);
                const hidden = [...document.querySelectorAll("nav[aria-label=Main] a")]
                    .filter((a) => {
                        const box = a.getBoundingClientRect();
                        return !(box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= width
                            && getComputedStyle(a).visibility === "visible");
                    })
                    .map((a) => a.textContent.trim());
                return {
                    width,
                    innerWidth: window.innerWidth,
                    scrollWidth: document.documentElement.scrollWidth,
                    bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
                    wide: wide.slice(0, 5),
                    unwrapped,
                    small: small.slice(0, 5),
                    navLinks: document.querySelectorAll("nav[aria-label=Main] a").length,
                    hidden,
                };
            }"""
        )
        assert layout["width"] == 390, (path, layout)
        assert layout["scrollWidth"] <= layout["width"], f"{path} scrolls sideways: {layout}"
        assert layout["innerWidth"] == layout["width"], f"{path} is zoomed out to fit: {layout}"
        assert layout["unwrapped"] == [], f"{path}: tables outside a .table-scroll wrapper: {layout['unwrapped']}"
        assert layout["bodyFont"] >= 16, (path, layout["bodyFont"])
        assert layout["small"] == [], f"{path}: text under 16px: {layout['small']}"
        assert layout["navLinks"] == navigation_links, (path, layout)
        assert layout["hidden"] == [], f"{path}: main navigation links off screen: {layout['hidden']}"

    phone.goto("/apply/interviews/")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOT, full_page=True)
    print(f"phone screenshot of /apply/interviews/: {SCREENSHOT}")
    assert problems == []


def test_browsers_find_the_site_icon(page):
    """Every browser asks for /favicon.ico by itself; a 404 there is a console error on the first page it opens."""
    response = page.goto("/favicon.ico")
    assert response.status == 200, f"/favicon.ico answers {response.status}: every visit logs a 404 in the console"
