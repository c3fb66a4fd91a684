"""
An applicant who starts at the home page and follows links finds every fact the site holds.

The checks read the stored content and look for it on the crawled pages, so they hold whatever
a coordinator writes: every paragraph, every date (as a machine-readable `<time>`), every number.
"""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from residency import content
from residency.pages import public_pages

from .crawl import crawl, missing_content

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=["sample", pytest.param("real", marks=pytest.mark.content)])
def site(request, django_db_setup, django_db_blocker):
    """The sample site crawled, and the real content of fixtures/ (in its place until the module's tests end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if request.param == "real":
            content.load(settings.CONTENT_FIXTURES_DIR)
        yield crawl(Client(HTTP_X_FORWARDED_PROTO="https"))
        transaction.set_rollback(True)


def test_every_page_reached_answers_ok(site):
    failures = {
        path: response.status_code for path, response in site.pages.items() if response.status_code != HTTPStatus.OK
    }
    assert not failures


def test_every_public_page_is_reached_from_the_home_page(site, django_db_blocker):
    with django_db_blocker.unblock():
        pages = public_pages()
    assert set(pages) <= set(site.pages)


@pytest.mark.parametrize("kind", ["paragraphs", "dates", "numbers", "facts"])
def test_every_stored_fact_is_shown_somewhere(site, django_db_blocker, kind):
    with django_db_blocker.unblock():
        missing = missing_content(site)[kind]
    assert not missing, f"{len(missing)} stored {kind} are on no page, e.g. {missing[:5]}"
