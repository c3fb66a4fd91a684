"""
Answering a search from the index (search.index): the sections holding every word of the query,
best first, each with the line of its text that holds most of them and those words marked.

The query is read as the pages are (search.text), so H-1B finds h1b and “med peds” does not find
“medicine”. Words in double quotes must come together (“"grand rounds"”). A word no page uses is
replaced by the closest one the pages use (pg_trgm's similarity on PostgreSQL, the same measure in
Python on SQLite), and the page says so. When no section holds every word, the sections holding
most of them are shown, and the page says so.

PostgreSQL finds the sections through the GIN index on their tsvector and orders the first
CANDIDATES of them by ts_rank; SQLite finds them with LIKE on the same terms. Both do it in one
query, which also brings the sections holding some of the words for when none holds them all, and
both then score them the same way here. Answers are cached per normalised query (the terms, in order) in a bounded
number of slots of the shared cache, for the version of the index they came from.
"""

import hashlib
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, Q, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from residency import pagecache

from . import index, text
from .models import Section, Word

# Longest query read, most terms searched, most results shown.
MAX_QUERY = 200
MAX_TERMS = 8
MAX_RESULTS = 20
# PostgreSQL: the sections scored here, the best by ts_rank of those that match.
CANDIDATES = 60
# The shortest word "did you mean" corrects, and how alike (pg_trgm's similarity) the correction must be.
MIN_CORRECTED = 4
SIMILARITY = 0.3
# About how many characters of a long line a snippet shows.
SNIPPET = 240
# Scores: a term in the section's heading, in its page's heading, and a heading that is the whole query.
IN_HEADING, IN_PAGE, WHOLE_HEADING, TOGETHER = 4.0, 1.5, 6.0, 2.0
FIELDS = ("url", "page", "heading", "text", "heading_terms", "page_terms", "text_terms", "order")
# PostgreSQL: the CANDIDATES best sections holding any group of the query, those holding every group first,
# each ranked by what it holds. Written out rather than built by the ORM, whose building of it cost a search
# more than running it (bench/searches.py, docs/performance.md).
_MATCHING_SQL = f"""
    SELECT {", ".join(f'"{name}"' for name in FIELDS)}, vector @@ every_group AS every
    FROM {Section._meta.db_table}, to_tsquery('simple', %s) AS every_group, to_tsquery('simple', %s) AS some_group
    WHERE vector @@ some_group
    ORDER BY every DESC, ts_rank(vector, CASE WHEN vector @@ every_group THEN every_group ELSE some_group END) DESC,
        "order"
    LIMIT %s
"""


@dataclass(frozen=True)
class Result:
    """One section that matches: its address (with anchor), heading, page heading and marked snippet."""

    url: str
    heading: str
    page: str
    snippet: SafeString


@dataclass
class Answer:
    """What a search found, and how the query was read."""

    results: list = field(default_factory=list)
    # {written word of the query (folded): the word of the pages searched instead}
    corrections: dict = field(default_factory=dict)
    # Words of the query that no page uses and that have no close match: left out.
    unknown: list = field(default_factory=list)
    # No section holds every word: these hold some of them.
    partial: bool = False


@dataclass(frozen=True)
class Query:
    """The query as searched: groups of terms (one term, or a phrase), in order, each once."""

    groups: tuple

    @property
    def terms(self):
        return {term for group in self.groups for term in group}

    @property
    def key(self):
        return " ".join(group[0] if len(group) == 1 else f'"{" ".join(group)}"' for group in self.groups)


def normalise(query):
    """The query as shown and read: printable text only, spaces collapsed, at most MAX_QUERY characters."""
    printable = "".join(char if unicodedata.category(char)[0] not in "CZ" else " " for char in str(query))
    return " ".join(printable.split())[:MAX_QUERY].strip()


def parse(query):
    """The Query of a normalised query, with the written word of each term: (Query, {term: spelling})."""
    groups, spellings, count = [], {}, 0
    for index_, piece in enumerate(query.split('"')):
        found = [(text.term(spelling), spelling) for _, _, spelling in text.words(piece)]
        found = [(term, spelling) for term, spelling in found if term]
        for term, spelling in found:
            spellings.setdefault(term, spelling)
        # Odd pieces were between quotes: a phrase.
        pieces = [tuple(term for term, _ in found)] if index_ % 2 and len(found) > 1 else [(t,) for t, _ in found]
        for group in pieces:
            if group not in groups and count + len(group) <= MAX_TERMS:
                groups.append(group)
                count += len(group)
    return Query(tuple(groups)), spellings


def words(query):
    """The terms searched for in `query` (none for a query of punctuation or common words only)."""
    return parse(query)[0].terms


def search(query):
    """The Answer for a normalised query."""
    parsed, spellings = parse(query)
    if not parsed.groups:
        return Answer()
    _ensure_index()
    version = index.current_build()
    key = _cache_key(version, parsed.key)
    cached = pagecache.cache_get(key) if key else None
    if cached is not None and cached[0] == parsed.key:
        return cached[1]
    answer = _answer(parsed, spellings)
    if key:
        pagecache.cache_set(key, (parsed.key, answer), settings.PAGE_CACHE_TIMEOUT)
    return answer


def _ensure_index():
    try:
        index.ensure_current(wait=False)
    except Exception:  # An index a little behind the content is better than no answer.
        index.log.exception("The search index could not be rebuilt; searching the one stored.")


def _cache_key(version, query_key):
    """The slot of the shared cache for this query: at most SEARCH_CACHE_SLOTS keys per index, of fixed length."""
    slots = settings.SEARCH_CACHE_SLOTS
    if not slots or version is None:
        return None
    digest = hashlib.sha256(query_key.encode()).digest()
    return f"search:{version.timestamp()}:{int.from_bytes(digest[:8], 'big') % slots}"


def _answer(parsed, spellings):
    vocabulary = index.vocabulary_in_memory()
    answer = Answer()
    groups = []
    for group in parsed.groups:
        corrected = []
        for term in group:
            if term in vocabulary.documents:
                corrected.append(term)
                continue
            spelling = spellings[term]
            suggestion = _closest(text.fold(spelling), vocabulary)
            if suggestion is None:
                answer.unknown.append(spelling)
                continue
            answer.corrections[text.fold(spelling)] = suggestion
            corrected.append(text.term(suggestion))
        if corrected and tuple(corrected) not in groups:
            groups.append(tuple(corrected))
    if not groups:
        return answer
    query = Query(tuple(groups))
    rows = _matching(query)
    held = [row for row in rows if row["every"]]
    if held or len(groups) == 1:
        rows = held
    else:
        answer.partial = True
    answer.results = _ranked(rows, query, vocabulary)
    return answer


def _matching(query):
    """
    In one query, the rows of the sections holding every group of `query`, each with "every" true, or, when
    none holds them all, those holding any of them: the rows a search shows, and then the rows it falls back on.
    """
    if connection.vendor == "postgresql":
        every, some = (
            joiner.join("(" + " <-> ".join(f"'{term}'" for term in group) + ")" for group in query.groups)
            for joiner in (" & ", " | ")
        )
        with connection.cursor() as cursor:
            cursor.execute(_MATCHING_SQL, [every, some, CANDIDATES])
            return [dict(zip((*FIELDS, "every"), row, strict=True)) for row in cursor.fetchall()]
    needles = [text.run(list(group)) for group in query.groups]
    conditions = [reduce(or_, [Q(**{f"{name}__contains": needle}) for name in FIELDS[4:7]]) for needle in needles]
    rows = list(Section.objects.filter(reduce(or_, conditions)).values(*FIELDS))
    for row in rows:
        # LIKE on SQLite ignores the case of ASCII letters; the runs of terms are lowercase, so `in` agrees.
        row["every"] = all(any(needle in row[name] for name in FIELDS[4:7]) for needle in needles)
    return rows


def _ranked(rows, query, vocabulary):
    """The results for `rows`, best first: by how many of the query's groups they hold, then by score."""
    scored = sorted(
        ((_score(row, query, vocabulary), row) for row in rows),
        key=lambda pair: (pair[0][0], pair[0][1], -pair[1]["order"]),
        reverse=True,
    )
    results, seen = [], {}
    for _, row in scored:
        result = Result(
            row["url"], row["heading"], row["page"] if row["page"] != row["heading"] else "", _snippet(row, query)
        )
        # A section shown whole on two pages (a list, and the item's own page) is one result, in the better
        # place, linking to the item's own page.
        shown = seen.get((result.heading, result.snippet))
        if shown is not None:
            if not result.page and results[shown].page:
                results[shown] = result
            continue
        if len(results) == MAX_RESULTS:
            break
        seen[(result.heading, result.snippet)] = len(results)
        results.append(result)
    return results


def _score(row, query, vocabulary):
    """
    (groups held, score): how many of the query's groups (a term or a phrase) the section holds, and how
    well, each weighted by how rare it is on the site: most in a heading that is little else than the query,
    then in its page's heading, then by how often its text uses it (saturating, as BM25 does).
    """
    heading, page, body = row["heading_terms"], row["page_terms"], row["text_terms"]
    length = body.count(" ") / 2 + 1
    heading_length = heading.count(" ") / 2 or 1
    held = score = 0.0
    all_terms = [term for group in query.groups for term in group]
    for group in query.groups:
        needle = text.run(list(group))
        rarity = math.log(1 + vocabulary.sections / max(1, min(vocabulary.documents.get(term, 1) for term in group)))
        count = body.count(needle)
        in_heading, in_page = needle in heading, needle in page
        if not (count or in_heading or in_page):
            continue
        held += 1
        found = IN_HEADING * in_heading * (0.5 + 0.5 * min(1.0, len(group) * len(query.groups) / heading_length))
        found += IN_PAGE * in_page
        found += count * 2.2 / (count + 1.2 * (0.25 + 0.75 * length / 120)) if count else 0.0
        score += rarity * found
    if len(query.groups) > 1:
        together = text.run(all_terms)
        score += TOGETHER * ((together in heading) * 2 + (together in body) + (together in page))
    if heading == text.run(all_terms):
        score += WHOLE_HEADING
    return held, score


def _snippet(row, query):
    """The line of the section's text that holds most of the query, cut to about SNIPPET characters, words marked."""
    lines = row["text"].split("\n")
    runs = row["text_terms"].split(text.LINES)
    needles = [text.run(list(group)) for group in query.groups]

    def weight(number):
        found = [runs[number].count(needle) for needle in needles] if number < len(runs) else []
        return (sum(1 for count in found if count), sum(found), -number)

    best = max(range(len(lines)), key=weight)
    if not weight(best)[0]:  # Only the headings hold the query: the section's first lines.
        line = " · ".join(line for line in lines if line)
        end = _end(line, 0)
        return mark_safe(escape(line[:end]) + ("…" if end < len(line) else ""))
    line, terms = lines[best], query.terms
    pieces, position, start, end = [], None, 0, len(line)
    # From the first marked word to the end of the window only: lines can be long.
    for word_start, word_end, term in _terms_at(line):
        marked = term in terms
        if position is None:
            if not marked:
                continue
            start = _start(line, word_start)
            end, position = _end(line, start), start
        if word_end > end:
            break
        if marked:
            pieces.append(f"{escape(line[position:word_start])}<mark>{escape(line[word_start:word_end])}</mark>")
            position = word_end
    pieces.append(escape(line[position or 0 : end]))
    return mark_safe(("…" if start else "") + "".join(pieces) + ("…" if end < len(line) else ""))


@lru_cache(maxsize=2048)
def _terms_at(line):
    """
    Where the words of `line` that have a term are, with their terms, (start, end, term), in order: a line
    is read into words once by each process, not by every search that shows it (a line of the index is
    the same text however often it is fetched).
    """
    return tuple((start, end, term) for start, end, spelling in text.words(line) if (term := text.term(spelling)))


def _start(line, first):
    """Where a snippet of `line` starts to show its first marked word (at `first`): a little before it, on a word."""
    if len(line) <= SNIPPET or first < SNIPPET // 4:
        return 0
    space = line.find(" ", first - SNIPPET // 4, first)
    return space + 1 if space >= 0 else first


def _end(line, start):
    """Where a snippet of `line` from `start` ends: about SNIPPET characters on, after a whole word."""
    end = start + SNIPPET
    if end >= len(line):
        return len(line)
    space = line.rfind(" ", start, end)
    return space if space > start else end


def _closest(spelling, vocabulary):
    """The word of the pages closest to a word they do not use, or None when none is close enough."""
    if len(spelling) < MIN_CORRECTED or not spelling.isalpha():
        return None
    if connection.vendor == "postgresql":
        found = (
            Word.objects.filter(TrigramSimilar(F("spelling"), Value(spelling)))
            .exclude(spelling__regex=r"[0-9]")
            .annotate(similarity=TrigramSimilarity("spelling", spelling))
            .filter(similarity__gte=SIMILARITY)
            .order_by("-similarity", "-sections", "spelling")
            .values_list("spelling", flat=True)
            .first()
        )
        return found
    wanted = trigrams(spelling)
    best = None
    for candidate, sections in vocabulary.spellings.items():
        if not candidate.isalpha():
            continue
        theirs = trigrams(candidate)
        similarity = len(wanted & theirs) / len(wanted | theirs)
        rank = (similarity, sections, _reverse(candidate))
        if similarity >= SIMILARITY and (best is None or rank > best[0]):
            best = (rank, candidate)
    return best[1] if best else None


def _reverse(spelling):
    """A key that sorts the other way (ties go to the spelling first in alphabetical order)."""
    return tuple(-ord(char) for char in spelling)


def trigrams(word):
    """The trigrams of one lowercased word as pg_trgm makes them: two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def corrected_query(query, corrections):
    """`query` with each corrected word replaced by the word searched instead."""
    if not corrections:
        return query
    pieces, position = [], 0
    for start, end, spelling in text.words(query):
        replacement = corrections.get(text.fold(spelling))
        if replacement is not None:
            pieces.append(query[position:start] + replacement)
            position = end
    return "".join(pieces) + query[position:]
