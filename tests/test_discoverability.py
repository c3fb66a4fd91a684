"""
Search engines and link previews find the site: robots.txt, the sitemap of every public page, a
unique title and description, a canonical address from SITE_URL, Open Graph tags and schema.org
JSON-LD on every page; and the organizations the pages name are real links.
"""

import json
from html.parser import HTMLParser
from http import HTTPStatus
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationCycle, InterviewDate, TrackApplication
from programs.factories import LinkFactory, TrackFactory
from programs.models import Link, PathwayItem, Program, Track
from residency import pagecache
from residency.pages import public_pages

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Another host than SITE_URL's: what a visitor's Host header says must never reach a canonical address.
OTHER_HOST = {"HTTP_HOST": "localhost"}

# The schema.org types and properties the site uses: anything else in its JSON-LD fails here.
SCHEMA_ORG = {
    "WebPage": {"@id", "url", "name", "description", "inLanguage", "publisher"},
    "Hospital": {"@id", "name", "url"},
    "EducationalOccupationalProgram": {
        "@id",
        "name",
        "url",
        "identifier",
        "timeToComplete",
        "applicationDeadline",
        "programPrerequisites",
        "provider",
    },
    "PropertyValue": {"propertyID", "value"},
    "Event": {"name", "startDate", "endDate", "url", "organizer"},
}


class HeadReader(HTMLParser):
    """The page's title, meta tags, links and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld, self.anchors = "", {}, {}, [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            self._text = ""
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "a":
            self.anchors.append(attrs)

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == self._in:
            if tag == "title":
                self.title = self._text
            else:
                self.json_ld.append(json.loads(self._text))
            self._in = None


def read(response):
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def nodes(reader):
    return [node for block in reader.json_ld for node in block["@graph"]]


def walk(value):
    """Every schema.org object in a JSON-LD value, nested ones included."""
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_robots_txt_names_the_sitemap_at_the_configured_address(client):
    response = client.get("/robots.txt", **OTHER_HOST)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}" in response.text.splitlines()
    assert settings.ADMIN_URL not in response.text


def test_sitemap_lists_every_public_page_at_the_site_url_with_when_the_content_changed(client):
    response = client.get(reverse("sitemap"), **OTHER_HOST)
    assert response.status_code == HTTPStatus.OK
    root = ElementTree.fromstring(response.content)
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")}
    assert sorted(entries) == sorted(settings.SITE_URL + path for path in public_pages())
    # Dates in the site's time zone, as the sitemap writes them (UTC's date differs in the evening).
    assert set(entries.values()) == {timezone.localtime(pagecache.current_version()).date().isoformat()}


def test_a_new_track_is_in_the_sitemap_at_once(client):
    track = TrackFactory()
    response = client.get(reverse("sitemap"))
    assert f"<loc>{settings.SITE_URL}{track.get_absolute_url()}</loc>" in response.text


def test_sitemap_and_robots_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    TrackFactory.create_batch(20)
    # One query per kind of page about objects (with what each page prefetches), however many there are.
    with django_assert_max_num_queries(17):
        assert client.get(reverse("sitemap")).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(1):
        assert client.get("/robots.txt").status_code == HTTPStatus.OK


@pytest.fixture
def every_page(client):
    return {path: read(client.get(path, **OTHER_HOST)) for path in public_pages()}


def test_every_page_has_its_own_title_and_description(every_page):
    titles = [page.title for page in every_page.values()]
    descriptions = [page.meta.get("description") for page in every_page.values()]
    assert all(titles) and all(descriptions)
    duplicated = {path: page.title for path, page in every_page.items() if titles.count(page.title) > 1}
    assert duplicated == {}, "pages sharing a title (give the page's template a title block)"
    duplicated = {path: page.meta["description"] for path, page in every_page.items()
                  if descriptions.count(page.meta["description"]) > 1}  # fmt: skip
    assert duplicated == {}, "pages sharing a description (give the page's template a description block)"


def test_every_page_has_a_canonical_address_from_site_url_and_open_graph_tags(every_page):
    for path, page in every_page.items():
        canonical = settings.SITE_URL + path
        assert page.links["canonical"] == canonical, path
        assert page.meta["og:url"] == canonical
        assert page.meta["og:title"] == page.title
        assert page.meta["og:description"] == page.meta["description"]
        assert page.meta["og:type"] == "website"
        assert page.meta["og:site_name"]


def test_every_page_describes_itself_with_only_the_schema_org_types_and_properties_listed(every_page):
    program = Program.objects.current()
    assert program.hospital
    for path, page in every_page.items():
        assert len(page.json_ld) == 1, path
        assert page.json_ld[0]["@context"] == "https://schema.org"
        web_page = nodes(page)[0]
        assert web_page["@type"] == "WebPage" and web_page["url"] == settings.SITE_URL + path
        assert web_page["name"] == page.title
        for node in walk(page.json_ld):
            assert node["@type"] in SCHEMA_ORG, (path, node)
            assert set(node) - {"@type"} <= SCHEMA_ORG[node["@type"]], (path, node)
        hospital = [node for node in nodes(page) if node["@type"] == "Hospital"]
        assert len(hospital) == 1 and web_page["publisher"] == {"@id": hospital[0]["@id"]}
        # The hospital's name is given here (on no page's text: tests/crawl.py leaves it out).
        assert hospital[0]["name"] == program.hospital, path


def test_each_track_page_describes_the_track_as_an_educational_program(client):
    cycle = ApplicationCycle.objects.current()
    for track in Track.objects.all():
        page = read(client.get(track.get_absolute_url()))
        (program,) = [node for node in nodes(page) if node["@type"] == "EducationalOccupationalProgram"]
        hospital_id = next(node["@id"] for node in nodes(page) if node["@type"] == "Hospital")
        assert program["name"] == track.name and program["provider"] == {"@id": hospital_id}
        if track.nrmp_number:
            assert program["identifier"] == {
                "@type": "PropertyValue",
                "propertyID": "NRMP",
                "value": track.nrmp_number,
            }
        if track.length_years:
            assert program["timeToComplete"] == f"P{track.length_years}Y"
        application = TrackApplication.objects.filter(cycle=cycle, track=track).first()
        if application:
            assert program["applicationDeadline"] == timezone.localdate(cycle.deadline).isoformat()
            assert program["programPrerequisites"] and all(program["programPrerequisites"])
            events = [node for node in nodes(page) if node["@type"] == "Event"]
            assert sorted(event["startDate"] for event in events) == sorted(
                day.isoformat() for day in application.interview_dates.values_list("date", flat=True)
            )


def test_interviews_page_holds_every_interview_day_as_an_event(client):
    page = read(client.get(reverse("applications:interviews")))
    events = {(node["startDate"], node["endDate"]) for node in nodes(page) if node["@type"] == "Event"}
    cycle = ApplicationCycle.objects.current()
    stored = {
        (day.date.isoformat(), (day.second_date or day.date).isoformat())
        for day in InterviewDate.objects.filter(track_application__cycle=cycle)
    }
    assert stored and events == stored


def test_stored_text_cannot_end_the_json_ld_block(client):
    hostile = 'Evil </script><script>alert("x")</script> & <!-- track'
    track = TrackFactory(name=hostile)
    response = client.get(track.get_absolute_url())
    assert "</script><script>" not in response.text
    (program,) = [node for node in nodes(read(response)) if node["@type"] == "EducationalOccupationalProgram"]
    assert program["name"] == hostile


def test_the_organizations_the_pages_name_are_real_links_that_open_no_window_handle(client):
    for page, url in [(Link.Page.APPLY, "applications:apply"), (Link.Page.GRADUATES, "applications:graduates")]:
        anchors = read(client.get(reverse(url))).anchors
        for link in Link.objects.filter(page=page).exclude(url=""):
            (anchor,) = [a for a in anchors if a.get("href") == link.url]
            assert "noopener" in anchor["rel"].split()
    anchors = read(client.get(reverse("programs:research"))).anchors
    resources = PathwayItem.objects.exclude(url="")
    assert resources
    for item in resources:
        assert any(a.get("href") == item.url and "noopener" in a.get("rel", "") for a in anchors), item


def test_a_link_without_an_address_shows_its_name_unlinked(client):
    link = LinkFactory(url="")
    text = client.get(reverse("applications:apply")).text
    assert f"<li>{link.name}</li>" in text


def test_a_track_and_the_pathway_of_the_same_program_link_to_each_other_under_distinct_titles(client):
    tracks = Track.objects.exclude(pathway=None).select_related("pathway")
    assert tracks
    for track in tracks:
        track_page = read(client.get(track.get_absolute_url()))
        pathway_page = read(client.get(track.pathway.get_absolute_url()))
        assert track.pathway.get_absolute_url() in [a.get("href") for a in track_page.anchors]
        assert track.get_absolute_url() in [a.get("href") for a in pathway_page.anchors]
        assert track_page.title != pathway_page.title


def test_tracks_that_may_be_applied_to_together_each_say_so(client):
    cycle = ApplicationCycle.objects.current()
    combinable, _ = cycle.tracks_by_rule()
    assert len(combinable) > 1
    for application in combinable:
        text = client.get(application.track.get_absolute_url()).text
        others = [other.track.name for other in combinable]
        assert f"Applicants can apply for the {' and '.join(others[-2:])}" in text or all(o in text for o in others)
        assert "simultaneously" in text


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/"])
def test_only_web_addresses_are_accepted_for_links(address):
    with pytest.raises(ValidationError) as error:
        LinkFactory.build(url=address).full_clean()
    assert "url" in error.value.message_dict


def test_a_track_without_an_nrmp_number_claims_nothing_about_it(client):
    track = TrackFactory(nrmp_number="", match_via=None, length_label="")
    for url in (track.get_absolute_url(), reverse("overview:track_list")):
        text = client.get(url).text
        assert "of its own" not in text
    assert "<dt>NRMP number</dt>" not in client.get(track.get_absolute_url()).text


def test_each_track_page_says_how_its_candidates_are_interviewed_as_stored(client):
    applications = TrackApplication.objects.filter(cycle=ApplicationCycle.objects.current()).exclude(interviews="")
    assert applications
    for application in applications.select_related("track"):
        text = client.get(application.track.get_absolute_url()).text
        assert f"Interviews with faculty: {application.interviews}." in text
        assert "No interview dates are listed" not in text
