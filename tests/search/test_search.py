"""
The search answers what an applicant types, from every public page: codes however written, whole
words, numbers with separators, dates, small typos, and each section of the site once, its text shown
escaped with the words marked. Data is made with the factories; nothing here quotes this year's content.
"""

import html
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags
from django.utils.timezone import localtime

from applications.factories import ApplicationCycleFactory
from programs.factories import BenefitFactory, TrackFactory
from programs.models import Benefit
from search import engine
from sites.factories import PracticeFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def search(client, query):
    """The addresses of the results, in order, and the page's <main> as sent."""
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == HTTPStatus.OK
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    listed = main.split('class="search-results"', 1)[1] if 'class="search-results"' in main else ""
    return re.findall(r'<li>\s*<a href="([^"]+)">', listed), main


def snippet_of(main, url):
    """The marked snippet shown under the result for `url`."""
    item = main.split(f'<a href="{url}">', 1)[1].split("</li>", 1)[0]
    return item.split("<p>", 1)[1].split("</p>", 1)[0] if "<p>" in item else ""


@pytest.mark.parametrize("query", ["H-1B", "h1b", "H1B", "h-1b"])
def test_a_visa_code_is_found_however_it_is_typed_and_marked_whole(client, query):
    practice = PracticeFactory(description="Residents here may hold an H-1B or a J-1 visa.")
    urls, main = search(client, query)
    assert practice.get_absolute_url() in urls
    snippet = snippet_of(main, practice.get_absolute_url())
    assert "<mark>H-1B</mark>" in snippet
    # Never a lone letter of it, anywhere on the page.
    assert not re.search(r"<mark>[hH]</mark>", main)


def test_j1_finds_j_1(client):
    practice = PracticeFactory(description="Residents here may hold a J-1 visa.")
    urls, main = search(client, "j1")
    assert practice.get_absolute_url() in urls
    assert "<mark>J-1</mark>" in snippet_of(main, practice.get_absolute_url())


def test_a_word_is_never_found_or_marked_inside_another(client):
    practice = PracticeFactory(
        residents_min=3,
        residents_max=12,
        description="A curriculum of internal medicine: 250 patients a week, Step 1 and Med-Peds rounds.",
    )
    urls, _ = search(client, "ICU")
    assert practice.get_absolute_url() not in urls
    urls, main = search(client, "med peds")
    snippet = snippet_of(main, practice.get_absolute_url())
    assert "<mark>Med</mark>-<mark>Peds</mark>" in snippet
    assert "medicine" in snippet and "<mark>med" not in snippet.lower().replace("<mark>med</mark>-", "")
    urls, main = search(client, "step 250")
    snippet = snippet_of(main, practice.get_absolute_url())
    assert "<mark>250</mark>" in snippet
    urls, main = search(client, "step 2")
    # “2” is a word of its own nowhere in it: not found, and never marked inside 250.
    assert practice.get_absolute_url() not in urls
    assert "<mark>2</mark>50" not in main


def test_a_number_is_found_with_or_without_its_separators(client):
    cycle = ApplicationCycleFactory(applications_per_year=4321)
    graduates = reverse("applications:graduates")
    for query in ["4,321 applications", "4321 applications", "4,321"]:
        urls, main = search(client, query)
        assert graduates in [url.split("#")[0] for url in urls[:3]], query
    assert "<mark>4,321</mark>" in main
    assert cycle.applications_per_year == 4321


def test_deadline_finds_the_key_dates(client):
    cycle = ApplicationCycleFactory()
    deadline = date_format(localtime(cycle.deadline), "F j, Y")
    urls, main = search(client, "deadline")
    assert urls
    top = [html.unescape(strip_tags(snippet_of(main, url))) for url in urls[:3]]
    assert any(deadline in snippet for snippet in top), (deadline, top)


def test_a_one_letter_typo_of_a_tracks_name_finds_it_and_says_did_you_mean(client):
    track = TrackFactory(name="Zephyrine Medicine", summary="Training in the Zephyrine tradition.")
    urls, main = search(client, "Zephyrene")
    assert track.get_absolute_url() in urls[:3]
    assert "Did you mean" in main
    assert f'href="{SEARCH}?q=zephyrine"' in main
    answer = engine.search("Zephyrene")
    assert answer.corrections == {"zephyrene": "zephyrine"}


def test_a_word_no_page_uses_is_left_out_and_said(client):
    practice = PracticeFactory(name="Quillback Clinic")
    urls, main = search(client, "quillback xqzvw")
    assert practice.get_absolute_url() in urls
    assert "No page uses <q>xqzvw</q>" in main


def test_when_no_section_holds_every_word_those_with_some_are_shown_and_said(client):
    practice = PracticeFactory(name="Quillback Clinic")
    benefit = BenefitFactory(text="Free zanzibarian lunches", kind=Benefit.Kind.ACCESS)
    urls, main = search(client, "quillback zanzibarian")
    assert practice.get_absolute_url() in urls
    assert f"{reverse('programs:benefits')}#{benefit.kind}" in urls
    assert "holds all of those words" in main


def test_when_a_section_holds_every_word_those_holding_only_some_are_not_shown(client):
    practice = PracticeFactory(name="Quillback Clinic", description="Zanzibarian rounds on Tuesdays.")
    benefit = BenefitFactory(text="Free zanzibarian lunches", kind=Benefit.Kind.ACCESS)
    urls, main = search(client, "quillback zanzibarian")
    assert practice.get_absolute_url() in urls
    assert f"{reverse('programs:benefits')}#{benefit.kind}" not in urls
    assert "holds all of those words" not in main
    # Each word alone finds the benefit: it was left out for holding only one of them.
    assert f"{reverse('programs:benefits')}#{benefit.kind}" in search(client, "zanzibarian")[0]


def test_each_section_is_one_result_with_the_line_holding_most_of_the_words(client):
    for text in ["Zanzibarian lunches", "Zanzibarian dinners", "Zanzibarian breakfasts and zanzibarian teas"]:
        BenefitFactory(text=text, kind=Benefit.Kind.PROVIDED)
    urls, main = search(client, "zanzibarian")
    section = f"{reverse('programs:benefits')}#{Benefit.Kind.PROVIDED}"
    assert urls.count(section) == 1
    assert len(urls) == len(set(urls))
    assert "<mark>Zanzibarian</mark> breakfasts and <mark>zanzibarian</mark> teas" in snippet_of(main, section)


def test_stored_text_is_shown_as_text_never_run_as_html(client):
    practice = PracticeFactory(description='<script>alert("x")</script> <b>Zanzibarian</b> cooking & more.')
    urls, main = search(client, "zanzibarian")
    assert urls[0] == practice.get_absolute_url()
    assert "<script>" not in main and "<b>" not in main
    assert "&lt;b&gt;<mark>Zanzibarian</mark>&lt;/b&gt; cooking &amp; more." in snippet_of(main, urls[0])


def test_a_phrase_in_quotes_must_come_together(client):
    together = PracticeFactory(description="Quillback rounds are held weekly.")
    apart = PracticeFactory(description="Rounds on the quillback ward.")
    urls, _ = search(client, '"quillback rounds"')
    assert together.get_absolute_url() in urls and apart.get_absolute_url() not in urls
    urls, _ = search(client, "quillback rounds")
    assert {together.get_absolute_url(), apart.get_absolute_url()} <= set(urls)


def test_a_heading_that_is_the_query_comes_first(client):
    track = TrackFactory(name="Quillback Care")
    PracticeFactory(name="North Quillback Care Clinic", description="Quillback care, quillback care and more.")
    urls, _ = search(client, "quillback care")
    assert urls[0] == track.get_absolute_url()


@pytest.mark.parametrize("query", ["", "   ", "&&&", "!!!", "'", '"', "\x00", "<>", "%%", "— …", "\u202e", "the of"])
def test_an_empty_or_junk_query_gets_a_helpful_empty_page(client, query):
    urls, main = search(client, query)
    assert urls == []
    assert "Type a word" in main
    assert 'id="search-q"' in main


@pytest.mark.parametrize(
    "query", ["a:* | !b", "' OR '1'='1", "x" * 5000, "<script>", "grand & | rounds", "-", "'quillback'", "a\\b"]
)
def test_a_query_in_search_syntax_or_sql_is_only_words(client, query):
    PracticeFactory(name="Quillback Clinic")
    _, main = search(client, query)
    assert "<script>" not in main
    urls, _ = search(client, query.replace("x" * 5000, "quillback") + " quillback")
    assert urls


def test_the_results_page_has_its_own_search_box_with_the_query(client):
    _, main = search(client, 'Chelsea "grand rounds"')
    assert '<form class="search-page-form" role="search"' in main
    assert 'name="q" value="Chelsea &quot;grand rounds&quot;"' in main


def test_the_query_is_normalised():
    assert engine.normalise("  Grand\x00 \t rounds\u202e ") == "Grand rounds"
    assert len(engine.normalise("x" * 10_000)) == engine.MAX_QUERY
    assert engine.parse("H-1B  visa h1b")[0] == engine.parse("h1b VISAS")[0]


def test_answers_are_cached_per_normalised_query_and_a_change_of_content_shows_at_once(
    client, django_assert_max_num_queries
):
    practice = PracticeFactory(name="Quillback Clinic")
    urls, _ = search(client, "Quillback")
    # The same words, written otherwise: the cached answer (the header's program is the one query).
    with django_assert_max_num_queries(1):
        assert search(client, "  QUILLBACK ")[0] == urls
    other = PracticeFactory(name="Quillback Annex")
    urls, _ = search(client, "quillback")
    assert {practice.get_absolute_url(), other.get_absolute_url()} <= set(urls)


def test_the_cache_of_answers_has_a_bounded_number_of_short_keys(client, settings):
    settings.SEARCH_CACHE_SLOTS = 8
    PracticeFactory(name="Quillback Clinic")
    search(client, "quillback")
    before = {key for key in cache._cache if ":search:" in key}
    for number in range(60):
        search(client, f"quillback {number} " + "y" * 150)
    keys = {key for key in cache._cache if ":search:" in key}
    assert 1 <= len(keys - before) <= 8
    assert max(len(key) for key in keys) < 80


def test_no_cache_when_its_slots_are_zero(client, settings):
    settings.SEARCH_CACHE_SLOTS = 0
    PracticeFactory(name="Quillback Clinic")
    search(client, "quillback")
    assert not [key for key in cache._cache if ":search:" in key]
