"""
Searching the content: PostgreSQL full-text search (ranked, with highlighted snippets) when the
database is PostgreSQL, and a plain word match on SQLite. Both give the same kind of results.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .sources import SOURCES

# Longest query read, most words matched (SQLite), most results shown.
MAX_QUERY = 200
MAX_WORDS = 8
MAX_RESULTS = 50
PER_SOURCE = 20
CONFIG = "english"
# Marks around a match inside a snippet, replaced by <mark> once the snippet is escaped.
START, STOP = "\x02", "\x03"


@dataclass
class Result:
    """One place on the site that matches: its heading, address with anchor, kind and snippet."""

    title: str
    url: str
    label: str
    snippet: str
    rank: float


def normalise(query):
    """The query as searched: printable text only, spaces collapsed, at most MAX_QUERY characters."""
    text = "".join(char if unicodedata.category(char)[0] not in "CZ" else " " for char in str(query))
    return " ".join(text.split())[:MAX_QUERY].strip()


def words(query):
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def search(query):
    """The results for `query` (already normalised), best first; none for a query without words."""
    if not words(query):
        return []
    find = _postgres if connection.vendor == "postgresql" else _plain
    results = [result for source in SOURCES for result in find(source, query)]
    results.sort(key=lambda result: -result.rank)
    return results[:MAX_RESULTS]


def _snippet(text):
    """Escaped text with the START/STOP marks turned into <mark> elements (empty fields' joins dropped)."""
    text = re.sub(r"(?:\s+—)+\s+", " — ", text).strip(" —")
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


def _text(obj, field):
    value = obj
    for part in field.split("__"):
        value = getattr(value, part)
    return value or ""


def _result(source, group, obj, snippet, rank):
    return Result(str(group.title(obj)), group.url(obj), source.label, _snippet(snippet), rank)


def _postgres(source, query):
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    annotations, matches = {}, []
    for index, group in enumerate(source.groups):
        vector = reduce(
            lambda a, b: a + b,
            [SearchVector(name, config=CONFIG, weight="A" if i == 0 else "B") for i, name in enumerate(group.fields)],
        )
        text = (
            F(group.fields[0])
            if len(group.fields) == 1
            else Concat(
                *[part for name in group.fields for part in (F(name), Value(" — "))][:-1], output_field=TextField()
            )
        )
        annotations[f"match_{index}"] = vector
        annotations[f"rank_{index}"] = SearchRank(vector, search_query)
        annotations[f"snippet_{index}"] = SearchHeadline(
            text,
            search_query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=30,
            min_words=12,
        )
        matches.append(Q(**{f"match_{index}": search_query}))
    rows = source.objects().annotate(**annotations).filter(reduce(or_, matches))
    order = reduce(lambda a, b: a + b, [F(f"rank_{index}") for index in range(len(source.groups))])
    results = []
    for obj in rows.order_by(order.desc())[:PER_SOURCE]:
        for index, group in enumerate(source.groups):
            rank = getattr(obj, f"rank_{index}")
            if rank > 0:
                results.append(_result(source, group, obj, getattr(obj, f"snippet_{index}"), rank))
    return results


def _plain(source, query):
    terms = words(query)

    def group_matches(group):
        return reduce(
            lambda a, b: a & b,
            [reduce(or_, [Q(**{f"{name}__icontains": term}) for name in group.fields]) for term in terms],
        )

    rows = source.objects().filter(reduce(or_, [group_matches(group) for group in source.groups]))[:PER_SOURCE]
    results = []
    for obj in rows:
        for group in source.groups:
            text = " — ".join(value for value in (_text(obj, name) for name in group.fields) if value)
            lowered = text.lower()
            if all(term in lowered for term in terms):
                rank = sum(lowered.count(term) for term in terms) / (1 + len(lowered) / 500)
                results.append(_result(source, group, obj, _plain_snippet(text, terms), rank))
    return results


def _plain_snippet(text, terms, width=160):
    """About `width` characters of `text` around the first match, each match marked."""
    first = min(text.lower().find(term) for term in terms)
    start = max(0, first - width // 3)
    piece = text[start : start + width]
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.I)
    marked = pattern.sub(lambda match: f"{START}{match[0]}{STOP}", piece)
    return ("…" if start else "") + marked + ("…" if start + width < len(text) else "")
