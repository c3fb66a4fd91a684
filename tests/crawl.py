"""Follow links from the home page, as an applicant would, read what the pages say, and hold it to the content."""

import datetime
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format

from residency import formats
from residency.content import content_models
from residency.history import owned_relations, owned_rows
from residency.templatetags import text_list

# Tags that start a new line of text; inline ones (links, emphasis) run on with their neighbours.
BLOCKS = {
    "address",
    "article",
    "aside",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.times = []
        self.text = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag == "time" and dict(attrs).get("datetime"):
            self.times.append(dict(attrs)["datetime"])
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def normalize(text):
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


@dataclass
class Site:
    """What a crawl found: each page's response, all pages' text, and every `<time datetime>` value."""

    pages: dict
    text: str
    times: set


def crawl(client, start="/"):
    """Every same-site page reachable from `start` (admin left out), with its text and times."""
    pages = {}
    queue = [start]
    texts = []
    times = set()
    while queue:
        path = queue.pop(0)
        if path in pages:
            continue
        response = client.get(path)
        pages[path] = response
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        reader = _PageReader()
        reader.feed(response.content.decode())
        texts.append(normalize("".join(reader.text)))
        times.update(reader.times)
        for href in reader.links:
            target = urldefrag(href).url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("/admin/"):
                continue
            queue.append(parts.path)
    return Site(pages, "\n".join(texts), times)


# Stored values that are not shown as typed: keys, choices (shown by their labels), positions, addresses,
# change times (a page's footer gives the latest of what it shows, tests/test_changes.py), photos (their
# files and alt text are in <picture>, tests/test_photos.py).
NOT_SHOWN = {
    "changed_at",
    "slug",
    "kind",
    "setting",
    "list_style",
    "order",
    "med_peds_url",
    "publish_at",
    "url",
    "hospital_url",
    "page",
    "photo",
    "photo_alt",
    "photo_renditions",
    # The hospital's name is given in every page's structured data (tests/test_discoverability.py).
    "hospital",
    # The program's name in running text: admin keeps it, and no page uses it yet.
    "short_name",
}
# Numbers kept to sort and filter by, shown in words of their own (“3 years in duration”).
NOT_SHOWN_NUMBERS = {"length_years"}


def _not_public():
    """(model, pk) of the cycles the public pages do not show (all but the live one) and of every row they own."""
    from applications.models import ApplicationCycle

    live = ApplicationCycle.objects.live()
    hidden = set()
    for cycle in ApplicationCycle.objects.exclude(pk=live.pk if live else None):
        hidden |= {(type(row), row.pk) for row in [cycle, *owned_rows(cycle, relations=owned_relations)]}
    return hidden


def stored_values():
    """(where, field, value) for every stored value of the content that applicants should find."""
    hidden = _not_public()
    for model in content_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not field.is_relation and field.name not in NOT_SHOWN
        ]
        for obj in model._default_manager.all():
            if (model, obj.pk) in hidden:
                continue
            for field in fields:
                value = getattr(obj, field.attname)
                if value not in (None, ""):
                    yield f"{model._meta.label}.{field.name} of {obj!r}", field, value


def _date_shown(value, times):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() in times
    return value.isoformat() in times or any(time.startswith(f"{value.isoformat()}T") for time in times)


def missing_content(site):
    """What the content holds and the crawled pages do not show, by kind: {kind: [where, ...]}."""
    missing = {"paragraphs": [], "dates": [], "numbers": [], "facts": []}
    for where, field, value in stored_values():
        if isinstance(field, models.CharField | models.TextField):
            missing["paragraphs"] += [
                where
                for paragraph in value.split("\n\n")
                if paragraph.strip() and normalize(paragraph) not in site.text
            ]
        elif isinstance(field, models.DateField):  # DateTimeField too
            if not _date_shown(value, site.times):
                missing["dates"].append(f"{where}: {value}")
        elif isinstance(field, models.TimeField):
            if formats.clock(value).split()[0] not in site.text:
                missing["numbers"].append(f"{where}: {value}")
        elif isinstance(field, models.IntegerField) and field.name not in NOT_SHOWN_NUMBERS:
            if not re.search(rf"(?<![\d,]){value:,}(?![\d,])|(?<!\d){value}(?!\d)", site.text):
                missing["numbers"].append(f"{where}: {value}")
    missing["facts"] = [fact for fact in rendered_facts() if fact not in site.text]
    return missing


def rendered_facts():
    """Sentences and figures the pages write from structured data, worded from that data."""
    from applications.models import ApplicationCycle
    from curriculum.models import Conference
    from programs.models import Pathway, Track
    from sites.models import Practice

    for track in Track.objects.in_match():
        yield f"NRMP #{track.nrmp_number}"
    for practice in Practice.objects.all():
        yield f"{practice.residents_label} {practice.residents_display}"
    for conference in Conference.objects.exclude(start_time=None):
        yield conference.hours
    for pathway in Pathway.objects.with_content():
        leaders = [str(leadership.person) for leadership in pathway.leaderships.all()]
        if leaders:
            yield "Led by " + text_list(leaders)
    cycle = ApplicationCycle.objects.current()
    if cycle:
        deadline = timezone.localtime(cycle.deadline)
        yield f"{date_format(deadline, 'F j, Y')} at {formats.clock(deadline)}"
        if cycle.letters.exists():
            yield f"require a total of {cycle.letters_required} letters"
        for letter in cycle.letters.all():
            yield normalize(f"{letter.count_display} {letter.text}")
