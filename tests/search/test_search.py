"""
The search form on every page finds the content, on SQLite (a word match) and on PostgreSQL
(full-text search), each result linking to the page and section that holds the match.
"""

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse

from programs.factories import BenefitFactory
from programs.models import Benefit, Track
from residency.pages import main_pages
from search import engine
from search.sources import SOURCES
from sites.factories import PracticeFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def result_urls(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == HTTPStatus.OK
    if 'class="search-results"' not in response.text:
        return [], response
    return re.findall(r'<li>\s*<a href="([^"]+)">', response.text.split('class="search-results"', 1)[1]), response


def holding(text):
    """Where the site shows `text`, worked out from the stored content: the addresses of the sections holding it."""
    urls = set()
    for source in SOURCES:
        for group in source.groups:
            found = Q()
            for name in group.fields:
                found |= Q(**{f"{name}__icontains": text})
            urls.update(group.url(obj) for obj in source.objects().filter(found))
    return urls


@pytest.mark.parametrize("query", ["Chelsea", "grand rounds", "1261140P0", "bicycles"])
def test_the_issues_examples_find_every_section_holding_them(client, query):
    expected = holding(query)
    assert expected, f"{query!r} is in no stored content any more: choose another example"
    urls, _ = result_urls(client, query)
    assert expected <= set(urls), (query, expected, urls)


def test_every_nrmp_number_finds_its_track(client):
    for track in Track.objects.in_match():
        urls, _ = result_urls(client, track.nrmp_number)
        assert track.get_absolute_url() in urls


def test_every_benefit_is_found_by_its_own_words_in_its_section(client):
    for benefit in Benefit.objects.all():
        urls, _ = result_urls(client, benefit.text)
        assert reverse("programs:benefits") + f"#{benefit.kind}" in urls, benefit.text


def test_new_content_is_found_at_once_and_shown_escaped_with_the_match_marked(client):
    practice = PracticeFactory(name="Riverside Clinic", description="<b>Zanzibarian</b> cooking classes.")
    urls, response = result_urls(client, "zanzibarian")
    assert urls[0] == practice.get_absolute_url()
    assert "<b>" not in response.text.split('class="search-results"', 1)[1]
    # Shown as text (SQLite escapes it; PostgreSQL's headline drops tags): never as markup.
    assert re.search(r"<mark>zanzibarian</mark>", response.text, re.I)
    BenefitFactory(text="Free zanzibarian lunches", kind=Benefit.Kind.ACCESS)
    urls, _ = result_urls(client, "zanzibarian")
    assert f"{reverse('programs:benefits')}#{Benefit.Kind.ACCESS}" in urls


@pytest.mark.parametrize("query", ["", "   ", "&&&", "!!!", "'", '"', "\x00", "<>", "%%", "— …", "\u202e"])
def test_an_empty_or_junk_query_gets_a_helpful_empty_page(client, query):
    urls, response = result_urls(client, query)
    assert urls == []
    assert "Type a word" in response.text or "Nothing on the site matches" in response.text
    for section in response.context["navigation"]:
        assert f'href="{section["url"]}"' in response.text


@pytest.mark.parametrize("query", ["a:* | !b", "' OR '1'='1", "x" * 5000, "the", "<script>", "grand & | rounds", "-"])
def test_a_query_in_search_syntax_or_sql_is_only_words(client, query):
    _, response = result_urls(client, query)
    assert "<script>" not in response.text.split("<main", 1)[1]


def test_results_are_not_cached_and_the_empty_form_is(client, django_assert_num_queries):
    client.get(SEARCH)
    with django_assert_num_queries(0):
        client.get(SEARCH)
    keys = len(cache._cache)
    for n in range(20):
        client.get(SEARCH, {"q": f"chelsea {n}"})
    assert len(cache._cache) == keys


def test_the_query_is_normalised():
    assert engine.normalise("  Grand\x00 \t rounds\u202e ") == "Grand rounds"
    assert len(engine.normalise("x" * 10_000)) == engine.MAX_QUERY


def test_every_page_has_the_search_form(client):
    for path in main_pages():
        response = client.get(path)
        assert f'action="{SEARCH}"' in response.text and 'name="q"' in response.text, path
