"""Long pages open with a list of their sections, derived from the headings that render."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from curriculum.factories import ConferenceFactory
from curriculum.models import Conference
from residency.templatetags import CONTENTS_MIN_SECTIONS

pytestmark = pytest.mark.django_db


def _contents(text):
    found = re.search(r'<nav class="page-contents" aria-label="On this page">(.*?)</nav>', text, re.S)
    return found and re.findall(r'<a href="#([^"]+)">([^<]+)</a>', found[1])


def test_a_long_page_lists_its_sections_under_its_heading(client):
    Conference.objects.all().delete()
    conferences = [ConferenceFactory() for _ in range(CONTENTS_MIN_SECTIONS)]
    response = client.get(reverse("curriculum:conference_list"))
    assert response.status_code == HTTPStatus.OK
    ids = re.findall(r'<h2 id="([^"]+)"', response.text)
    assert _contents(response.text) == [
        (anchor, name) for anchor, name in zip(ids, [conference.name for conference in conferences], strict=True)
    ]
    # Under the page's own heading, before the first section.
    assert response.text.index("</h1>") < response.text.index("page-contents") < response.text.index('<h2 id="')


def test_a_short_page_has_no_contents_list(client):
    Conference.objects.all().delete()
    for _ in range(CONTENTS_MIN_SECTIONS - 1):
        ConferenceFactory()
    text = client.get(reverse("curriculum:conference_list")).text
    assert len(re.findall(r'<h2 id="', text)) == CONTENTS_MIN_SECTIONS - 1
    assert _contents(text) is None


def test_the_home_page_goes_without_one(client):
    text = client.get(reverse("overview:home")).text
    assert len(re.findall(r'<h2 id="', text)) >= CONTENTS_MIN_SECTIONS
    assert _contents(text) is None
