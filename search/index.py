"""
The search index, built from the public pages as an applicant sees them: every public page
(`residency.pages`) is rendered, as to a visitor without a session, and its main content cut into
sections at each heading that has an anchor. Whatever a page shows (a paragraph, a key date, a
figure such as “4,000 applications”) is found, and a result links to the section that shows it.

The index belongs to one version of the content (`residency.pagecache.current_version`, which moves
on every edit and at every scheduled change). It is rebuilt after each committed change of content
(the content apps' signals) outside a request (`load_content`, a shell), on `migrate`, by
`python manage.py rebuild_search_index`, and otherwise before the next search once the content moved
on (a coordinator's save, a scheduled publication): one process rebuilds while the others search the
index stored, and a coordinator's save never waits for it.
"""

import contextvars
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVector
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest
from django.http.request import validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone

from residency import pagecache
from residency.content import has_content
from residency.pages import public_pages

from . import text
from .models import Build, Section, Word

log = logging.getLogger(__name__)

# Text inside these is not read: scripts, in-page lists of links, and form controls with their labels.
SKIPPED = {"script", "style", "template", "nav", "select", "option", "button", "textarea", "label", "legend", "svg"}
# Tags after which the text starts a new line (a paragraph, a list item, a cell).
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "li",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
CELLS = {"td", "th"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# The longest spelling kept for "did you mean" (Word.spelling).
LONGEST_WORD = 100

# Whether this thread is answering a request.
_request = threading.local()
# This process's knowledge of the index: the content version it is current for, and its vocabulary.
_built = {"version": None, "vocabulary": None}


@dataclass
class Vocabulary:
    """The index's words, kept in each process's memory for one build: what the pages use and how often."""

    version: object
    sections: int  # how many sections the index holds
    documents: dict  # {term: how many sections use it}
    spellings: dict  # {spelling: how many sections use its term}


class _Sections(HTMLParser):
    """The sections of a page's <main>, [anchor, heading, [lines]]: one from each heading with an id, and the h1."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = []
        self.page = ""
        self._in_main = False
        self._skipping = []  # the open elements whose text is skipped
        self._heading = None  # [tag, anchor or None, starts a section, [text]]
        self._line = []
        self._term_ended = False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._in_main = True
            return
        if not self._in_main or tag in VOID and tag != "br":
            return
        attributes = dict(attrs)
        if self._skipping or tag in SKIPPED or "hidden" in attributes or attributes.get("aria-hidden") == "true":
            if tag not in VOID:
                self._skipping.append(tag)
            return
        if tag in CELLS and "".join(self._line).strip():
            self._line.append(" · ")  # The cells of a table's row make one line.
        elif tag == "dd" and self._term_ended:
            self._line.append(" ")  # A term and its description make one line: “Application deadline: …”.
        elif tag in BLOCKS:
            self._break()
        self._term_ended = False
        if tag in HEADINGS:
            anchor = attributes.get("id")
            self._heading = [tag, anchor, bool(anchor) or tag == "h1", []]

    def handle_endtag(self, tag):
        if tag == "main":
            self._break()
            self._in_main = False
            return
        if not self._in_main:
            return
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if self._heading and tag == self._heading[0]:
            name, anchor, starts, words = self._heading
            heading = " ".join("".join(words).split())
            self._heading = None
            if name == "h1" and not self.page:
                self.page = heading
            if starts:
                self.sections.append([anchor if name != "h1" else None, heading, []])
            else:
                self._line.append(heading)
        if tag == "dt":
            self._line.append(":")
            self._term_ended = True
        elif tag in BLOCKS and tag not in CELLS:
            self._break()

    def handle_data(self, data):
        if not self._in_main or self._skipping:
            return
        if self._heading:
            self._heading[3].append(data)
        else:
            self._line.append(data)

    def _break(self):
        line = " ".join("".join(self._line).split())
        self._line = []
        if not line:
            return
        if not self.sections:
            self.sections.append([None, "", []])
        self.sections[-1][2].append(line)


def render(path):
    """The HTML of the public page at `path` as a visitor without a session gets it, or None if it has none."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"HTTP_HOST": _host(), "SERVER_PORT": "443", "HTTP_X_FORWARDED_PROTO": "https"}
    request.resolver_match = match
    request.user = AnonymousUser()
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode(response.charset)


def _host():
    """The site's host (SITE_URL's), or one that the settings allow: a page may show its own address."""
    host = urlsplit(settings.SITE_URL).netloc
    if validate_host(host.split(":")[0], settings.ALLOWED_HOSTS):
        return host
    return next((allowed for allowed in settings.ALLOWED_HOSTS if allowed and allowed[0] not in ".*"), "localhost")


def page_sections(path, html):
    """The Section rows (unsaved, without their order) of one rendered page."""
    parser = _Sections()
    parser.feed(html)
    parser.close()
    page = parser.page
    rows = {}
    for anchor, heading, lines in parser.sections:
        url = f"{path}#{anchor}" if anchor else path
        heading = heading or page
        if url in rows:  # The same anchor twice on a page: one section.
            rows[url].text += "\n" + "\n".join(lines)
            continue
        rows[url] = Section(url=url, page=_cut(page), heading=_cut(heading), text="\n".join(lines))
    for row in rows.values():
        row.heading_terms = text.run(row.heading)
        row.page_terms = text.run(row.page)
        # A run per line, in the order of the lines, so that a snippet's line is chosen without reading the text again.
        row.text_terms = text.LINES.join(text.run(line) for line in row.text.split("\n"))
    return list(rows.values())


def _cut(heading):
    """A heading as stored: at most the column's length (a coordinator may write a long one)."""
    longest = Section._meta.get_field("heading").max_length
    return heading if len(heading) <= longest else heading[: longest - 1] + "…"


def sections():
    """Every section of every public page, in the order of the pages, rendered outside any request's context."""

    def read():
        found = []
        for path in public_pages():
            html = render(path)
            if html is not None:
                found.extend(page_sections(path, html))
        return found

    # A fresh context: no staff member's preview (a context variable) reaches the shared index.
    return contextvars.Context().run(read)


def words_of(rows):
    """The Word rows for `rows`: each spelling with its term and how many sections use that term."""
    counts = Counter()
    spellings = {}
    for row in rows:
        found = text.spellings(f"{row.heading}\n{row.page}\n{row.text}")
        counts.update(found.keys())
        for term, written in found.items():
            for spelling in written:
                if len(spelling) <= LONGEST_WORD:
                    spellings.setdefault(spelling, term)
    return [Word(spelling=spelling, term=term, sections=counts[term]) for spelling, term in sorted(spellings.items())]


def rebuild():
    """Build the index afresh from the pages as they are now; returns the number of sections."""
    version = pagecache.current_version()
    rows = sections()
    for order, row in enumerate(rows):
        row.order = order
    words = words_of(rows)
    with transaction.atomic():
        # One build at a time: another process waits here, then finds the index current.
        _lock()
        Section.objects.all().delete()
        Section.objects.bulk_create(rows, batch_size=200)
        if connection.vendor == "postgresql":
            Section.objects.update(
                vector=SearchVector("heading_terms", config="simple", weight="A")
                + SearchVector("page_terms", config="simple", weight="B")
                + SearchVector("text_terms", config="simple", weight="D")
            )
        Word.objects.all().delete()
        Word.objects.bulk_create(words, batch_size=500)
        Build.objects.all().delete()
        Build.objects.create(content_version=version, built_at=timezone.now(), sections=len(rows))
    _built["version"] = version
    log.info("Search index rebuilt: %d sections, %d words.", len(rows), len(words))
    return len(rows)


def _lock(wait=True):
    """One build at a time (PostgreSQL); without `wait`, OperationalError if another process is building."""
    if connection.vendor == "postgresql":
        # Readers go on reading the index as it was until the build commits.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Build._meta.db_table} IN SHARE ROW EXCLUSIVE MODE{'' if wait else ' NOWAIT'}")


def ensure_current(wait=True):
    """
    Rebuild the index if the content changed since it was built (no query while this process knows it
    current). Without `wait`, as before a search, leave it to another process that is rebuilding it now.
    """
    version = pagecache.current_version()
    if _built["version"] == version:
        return
    built = Build.objects.values_list("content_version", flat=True).first()
    if built is not None and built >= version:
        _built["version"] = version
        return
    try:
        with transaction.atomic():
            _lock(wait)
            built = Build.objects.values_list("content_version", flat=True).first()
            if built is None or built < version:
                rebuild()
    except OperationalError:
        if wait:
            raise
        log.info("The search index is being rebuilt by another process; searching the one stored.")
        return
    _built["version"] = version


def current_build():
    """The content version the index is current for, as `ensure_current` last found it."""
    return _built["version"]


def vocabulary_in_memory():
    """The Vocabulary of the index, read once per build by each process."""
    vocabulary = _built["vocabulary"]
    if vocabulary is None or vocabulary.version != _built["version"]:
        build = Build.objects.first()
        documents, spellings = {}, {}
        for spelling, term, sections in Word.objects.values_list("spelling", "term", "sections"):
            documents[term] = sections
            spellings[spelling] = sections
        vocabulary = Vocabulary(_built["version"], build.sections if build else 0, documents, spellings)
        _built["vocabulary"] = vocabulary
    return vocabulary


def on_content_change(sender, **kwargs):
    """Signal receiver for every change of content: the index is rebuilt once the change is committed."""
    # Robust: a page that fails to render is logged, and the coordinator's saved change stands.
    transaction.on_commit(_after_commit, robust=True)


def _after_commit():
    # In a request (a coordinator's save in admin), the next search rebuilds it, so that neither the
    # coordinator nor the server process waits for all the pages to render; elsewhere (`load_content`,
    # a shell) at once.
    if not getattr(_request, "active", False):
        ensure_current()


def on_request_started(sender, **kwargs):
    _request.active = True


def on_request_finished(sender, **kwargs):
    _request.active = False


def forget():
    """Drop this process's knowledge of the index (tests start each afresh)."""
    _built.update(version=None, vocabulary=None)


def rebuild_after_migrate(sender, using, apps, **kwargs):
    """After `migrate` (the pages' queries may have changed with the models), build the index if there is content."""
    try:
        apps.get_model(sender.label, Section.__name__)
    except LookupError:  # Migrated back to before the index existed.
        return
    if using == "default" and has_content():
        rebuild()
