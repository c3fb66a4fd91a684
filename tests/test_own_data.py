"""
Tests check behaviour on data they build, never on this year's content: no test names a track,
clinic, conference, elective or cycle of fixtures/, the program, or an NRMP number, so a rebrand that
renames them all (tests/rebrand.py) leaves the suite passing. The words are read from the fixtures,
so the list follows the content; the tests marked `content` read what they need from there too.
"""

import json
import re

import pytest
from django.conf import settings

from applications.eligibility import CHECKS
from residency import content

# Renamed as a whole in a rebrand: every name and slug of these is this year's, however plain.
RENAMED = {
    "programs.program",
    "programs.track",
    "sites.practice",
    "curriculum.conference",
    "curriculum.elective",
    "applications.applicationcycle",
}
FIELDS = ("name", "slug", "nrmp_number", "short_name", "hospital")
# Shorter values (an abbreviation, a two-letter word) are words any text may use.
SHORTEST = 4
TEST_FILES = [settings.BASE_DIR / "conftest.py", *sorted((settings.BASE_DIR / "tests").rglob("*.py"))]


def this_years_words():
    """{pattern: the word} for each name, slug and NRMP number of fixtures/ that no test may quote."""
    words = set()
    codes = set()
    for path in content.fixture_paths(settings.CONTENT_FIXTURES_DIR):
        for obj in json.loads(path.read_text()):
            for field in FIELDS:
                value = obj["fields"].get(field)
                if not isinstance(value, str) or len(value.strip()) < SHORTEST:
                    continue
                if field == "nrmp_number":
                    codes.add(value[:7])  # The program's code, in every one of its tracks' numbers.
                # Elsewhere only names of more than one word: a single word is anyone's.
                if obj["model"] in RENAMED or re.search(r"[\s-]", value.strip()):
                    words.add(value)
    # The self-check knows requirements by these names (applications/eligibility.py): the code's words.
    words = {word for word in words if not any(name in word for name in CHECKS)}
    patterns = {rf"(?<![\w-]){re.escape(word)}(?![\w-])": word for word in words}
    patterns |= {rf"(?<!\d){code}": code for code in codes}
    return patterns


def quoted(text, patterns):
    """The words of `patterns` that `text` names."""
    return sorted({word for pattern, word in patterns.items() if re.search(pattern, text)})


@pytest.mark.content
def test_no_test_names_this_years_content():
    patterns = this_years_words()
    found = {
        str(path.relative_to(settings.BASE_DIR)): words
        for path in TEST_FILES
        if (words := quoted(path.read_text(encoding="utf-8"), patterns))
    }
    assert not found, f"tests quote the content of fixtures/ (build it with the factories instead): {found}"


@pytest.mark.content
def test_the_words_are_every_tracks_and_clinics_names_slugs_and_numbers_and_the_check_finds_them():
    patterns = this_years_words()
    words = set(patterns.values())
    expected, slugs = set(), []
    for path in content.fixture_paths(settings.CONTENT_FIXTURES_DIR):
        for obj in json.loads(path.read_text()):
            fields = obj["fields"]
            if obj["model"] in ("programs.track", "sites.practice"):
                expected |= {fields["name"], fields["slug"]} | ({fields.get("nrmp_number", "")[:7]} - {""})
                slugs.append(fields["slug"])
    assert slugs and expected <= words
    assert quoted(f'client.get("/sites/{slugs[-1]}/")', patterns) == [slugs[-1]]
    assert quoted(f'client.get("/sites/{slugs[-1]}-x/")', patterns) == []


@pytest.mark.django_db
def test_the_sample_site_shares_no_name_slug_or_number_with_the_fixtures():
    patterns = this_years_words()
    stored = [
        str(value)
        for model in content.content_models()
        for field in FIELDS
        if field in {f.name for f in model._meta.get_fields()}
        for value in model._default_manager.values_list(field, flat=True)
    ]
    assert stored
    assert [value for value in stored if quoted(value, patterns)] == []


@pytest.mark.django_db
@pytest.mark.content
def test_a_test_marked_content_finds_the_fixtures_in_the_database():
    from programs.models import Track

    slugs = {
        obj["fields"]["slug"]
        for path in content.fixture_paths(settings.CONTENT_FIXTURES_DIR)
        for obj in json.loads(path.read_text())
        if obj["model"] == "programs.track"
    }
    assert set(Track.objects.values_list("slug", flat=True)) == slugs
