"""
How the search reads text: the same words for the pages it indexes and the queries it answers,
on SQLite and PostgreSQL alike (PostgreSQL gets the terms already made, in its `simple` configuration).

A term is a whole word, lowercased, without accents, stemmed with the Snowball English stemmer
(“rounds” and “round” are one term; “med” and “medicine” are not). Codes are one term however they
are written (H-1B, h1b and H1B are `h1b`; J-1 is `j1`), a number keeps its digits without its
separators (4,000 is `4000`), an ordinal is its number (17th is `17`), and common English words
(“the”, “of”) are left out, as PostgreSQL's english configuration leaves them out.
"""

import functools
import re
import unicodedata

import snowballstemmer

# A run of letters and digits, with the marks that may join such runs into one written word.
_WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011'\u2019.,][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'\u2019"
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_THOUSANDS = re.compile(r"\d{3}")

# The Snowball project's English stop words, the list PostgreSQL's english configuration uses.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can will just don should now
    """.split()
)

_stemmer = snowballstemmer.stemmer("english")


def fold(text):
    """`text` lowercased, with accents and other marks dropped (“Café” is “cafe”)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@functools.lru_cache(maxsize=50_000)
def term(word):
    """The term of one written word (already split by `words`), or "" for a word searches leave out."""
    word = fold(word)
    ordinal = _ORDINAL.fullmatch(word)
    if ordinal:
        return ordinal[1]
    if not word.isalpha():
        return word if word.isalnum() else ""
    if word in STOP_WORDS:
        return ""
    return _stemmer.stemWord(word)


def words(text):
    """
    The written words of `text`, as (start, end, spelling): a code or a number with separators is
    one word, spelled without them (“H-1B” is “H1B”, “4,000” is “4000”); other joined words are
    several (“Med-Peds” is “Med” and “Peds”, “2020-2021” is “2020” and “2021”).
    """
    for match in _WORD.finditer(text):
        word = match[0]
        if word.isalnum():
            # Most words join nothing (every character is one of _PART's): the word as it is, without _split.
            yield match.start(), match.end(), word
        else:
            yield from _split(match)


def _split(match):
    parts = list(_PART.finditer(match[0]))
    offset = match.start()
    pieces = []  # [start, end, spelling, joined-by-hyphen-to-the-previous]
    for index, part in enumerate(parts):
        start, end, spelling = part.start() + offset, part.end() + offset, part[0]
        mark = match[0][parts[index - 1].end() : part.start()] if index else ""
        previous = pieces[-1] if pieces else None
        if mark == "," and previous and previous[2].isdigit() and _THOUSANDS.fullmatch(spelling):
            previous[1], previous[2] = end, previous[2] + spelling
        elif mark == "." and previous and len(spelling) == 1 and previous[2][-1:].isalpha() and len(previous[2]) <= 3:
            # Initials: “U.S.” is “US”.
            previous[1], previous[2] = end, previous[2] + spelling
        elif mark in _APOSTROPHES and previous:
            # “women's” is “women”; “O'Brien” is “OBrien”.
            previous[1] = end
            if spelling.lower() != "s":
                previous[2] += spelling
        else:
            pieces.append([start, end, spelling, bool(mark) and mark in _HYPHENS])
    yield from _codes(pieces)


def _codes(pieces):
    """Hyphen-joined pieces are one word when they mix letters and digits (a code such as H-1B or PGY-1)."""
    run = []
    for piece in [*pieces, None]:
        if piece is not None and piece[3] and run:
            run.append(piece)
            continue
        if run:
            spellings = [spelling for _, _, spelling, _ in run]
            joined = "".join(spellings)
            if len(run) > 1 and any(char.isdigit() for char in joined) and any(char.isalpha() for char in joined):
                yield run[0][0], run[-1][1], joined
            else:
                yield from ((start, end, spelling) for start, end, spelling, _ in run)
        run = [piece] if piece is not None else []


def terms(text):
    """The terms of `text`, in order, stop words left out."""
    return [found for found in (term(spelling) for _, _, spelling in words(text)) if found]


def spellings(text):
    """{term: the spellings of it in `text`, lowercased}: the vocabulary that “did you mean” offers."""
    found = {}
    for _, _, spelling in words(text):
        key = term(spelling)
        if key:
            found.setdefault(key, set()).add(fold(spelling))
    return found


# How the index stores a text's terms: each between spaces of its own (“ grand  round ”), so that a whole
# term or a phrase is a plain substring (one LIKE on SQLite) and repeated terms are counted apart; the
# runs of a section's lines are joined by LINES, which no phrase crosses.
LINES = "|"


def run(text_or_terms):
    """The stored form of a text's terms (or of a list of terms): “ grand  round ”."""
    found = terms(text_or_terms) if isinstance(text_or_terms, str) else text_or_terms
    return "".join(f" {found_term} " for found_term in found)
