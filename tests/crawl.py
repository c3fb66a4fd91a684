"""Follow links from the home page, as an applicant would, and read what the pages say."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

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
        self.text = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
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


def crawl(client, start="/"):
    """Every same-site page reachable from `start` (admin left out): {path: response}, and their text joined."""
    pages = {}
    queue = [start]
    texts = []
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
        for href in reader.links:
            target = urldefrag(href).url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("/admin/"):
                continue
            queue.append(parts.path)
    return pages, "\n".join(texts)
