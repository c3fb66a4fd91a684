"""
A search runs one query, however much content there is: the index's sections, those holding every word
and, for when none holds them all, those holding some (a correction looks up the index's words: in
memory on SQLite, one query on PostgreSQL). The header's program is fetched once per content version.
"""

import pytest
from django.db import connection
from django.urls import reverse

from programs.context_processors import current_program
from programs.factories import BenefitFactory
from residency import pagecache
from search import index
from sites.factories import PracticeFactory
from tests.test_queries import multiply_content

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")
CORRECTION = 1 if connection.vendor == "postgresql" else 0


def ready():
    """What a process looks up once per content version, not per search: outside the count."""
    pagecache.current_version()
    index.ensure_current()
    index.vocabulary_in_memory()
    current_program()


def test_a_search_runs_a_fixed_number_of_queries_however_much_content(client, django_assert_num_queries):
    PracticeFactory(name="Quillback Clinic", description="Quillback rounds, Tuesdays.")
    # A word the pages use, never with “quillback”: no section holds both.
    BenefitFactory(text="Free zanzibarian lunches")
    # Each round asks in another word order: another query, not the first round's cached answer.
    for more, (first, second) in enumerate([(0, 1), (1, 0)]):
        if more:
            multiply_content()
        ready()
        rounds, typo, partial = ["quillback", "rounds"], ["quillbak", "tuesdays"], ["quillback", "zanzibarian"]
        with django_assert_num_queries(1):
            assert client.get(SEARCH, {"q": f"{rounds[first]} {rounds[second]}"}).status_code == 200
        with django_assert_num_queries(1 + CORRECTION):
            assert client.get(SEARCH, {"q": f"{typo[first]} {typo[second]}"}).status_code == 200
        with django_assert_num_queries(1):
            assert client.get(SEARCH, {"q": f"{partial[first]} {partial[second]}"}).status_code == 200
        # Asked again, written otherwise: the cached answer.
        with django_assert_num_queries(0):
            assert client.get(SEARCH, {"q": f"{rounds[first].upper()}   {rounds[second]}"}).status_code == 200
