"""
The suite outlives this year's content: roll the real content of fixtures/ on as coordinators do,
export it, load the export into an empty database, and every page still shows every stored fact.
"""

from http import HTTPStatus

import pytest
from django.test import Client

from residency import content
from residency.pages import public_pages

from .crawl import crawl, missing_content
from .rollover import roll_content_forward

pytestmark = [pytest.mark.django_db, pytest.mark.content]


def delete_all_content():
    for model in reversed(content.content_models()):
        model._default_manager.all().delete()


def test_content_rolled_on_two_years_exports_loads_and_shows_in_full(tmp_path):
    roll_content_forward(years=2)
    exported = content.export(tmp_path / "exported")

    delete_all_content()
    assert not content.has_content()
    summary = content.load(tmp_path / "exported")
    assert not summary.changed and not summary.deleted and summary.added

    site = crawl(Client(HTTP_X_FORWARDED_PROTO="https"))
    assert {path: response.status_code for path, response in site.pages.items()} == dict.fromkeys(
        site.pages, HTTPStatus.OK
    )
    assert set(public_pages()) <= set(site.pages)
    assert missing_content(site) == {"paragraphs": [], "dates": [], "numbers": [], "facts": []}

    again = content.export(tmp_path / "again")
    assert [path.read_bytes() for path in again] == [path.read_bytes() for path in exported]
