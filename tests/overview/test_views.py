"""The pages that join the apps: the home page, the tracks compared, each track's page."""

import datetime
import json
import re
from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.factories import EASTERN, ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from programs.factories import ProgramFactory, TrackFactory
from programs.models import Program, Track
from residency.pages import navigation_routes
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db


def test_home_page_gives_the_overview_and_links_to_every_section(client):
    program = Program.objects.current()
    response = client.get(reverse("overview:home"))
    assert response.status_code == HTTPStatus.OK
    for paragraph in program.overview.split("\n\n"):
        assert escape(paragraph.strip().split("\n")[0]) in response.text
    for route in navigation_routes():
        assert f'href="{route.path}"' in response.text


def test_tracks_page_lists_every_track_with_its_nrmp_number_in_a_table(client):
    track = TrackFactory(length_label="4 years, with a research year")
    response = client.get(reverse("overview:track_list"))
    assert response.status_code == HTTPStatus.OK
    assert "<table>" in response.text
    assert f"NRMP #{track.nrmp_number}" in response.text
    assert "4 years, with a research year" in response.text


def test_track_page_shows_its_sites_and_interview_dates(client):
    track = TrackFactory()
    practice = PracticeFactory(tracks=[track])
    cycle = ApplicationCycleFactory()
    application = TrackApplicationFactory(cycle=cycle, track=track, interview_heading="Its Interview Days")
    interview = InterviewDateFactory(track_application=application)
    response = client.get(track.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert f"NRMP #{track.nrmp_number}" in response.text
    assert practice.name in response.text
    assert "Its Interview Days" in response.text
    assert f'<time datetime="{interview.date.isoformat()}">' in response.text


def test_track_page_leaves_out_other_cycles_dates(client):
    track = TrackFactory()
    old = InterviewDateFactory(track_application__track=track, track_application__cycle__publish_at=None)
    ApplicationCycleFactory()  # the cycle shown, in which the track has no rule
    assert f'datetime="{old.date.isoformat()}"' not in client.get(track.get_absolute_url()).text


def test_track_matched_through_another_shows_that_number(client):
    parent = TrackFactory(name="Main")
    track = TrackFactory(nrmp_number="", match_via=parent)
    response = client.get(track.get_absolute_url())
    assert "Applicants match through the" in response.text
    assert f"NRMP #{parent.nrmp_number}" in response.text


def test_unknown_track_answers_not_found(client):
    assert client.get(reverse("overview:track_detail", args=["no-such-thing"])).status_code == HTTPStatus.NOT_FOUND


def test_the_program_and_each_track_are_viewed_on_site_from_admin_at_their_pages(admin_client):
    # Their pages are drawn here, which programs does not import: settings.ABSOLUTE_URL_OVERRIDES says so.
    track = TrackFactory()
    program = ProgramFactory()
    for obj, page in (
        (track, reverse("overview:track_detail", args=[track.slug])),
        (program, reverse("overview:home")),
    ):
        assert obj.get_absolute_url() == page
        change = admin_client.get(reverse(f"admin:programs_{obj._meta.model_name}_change", args=[obj.pk]))
        view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])
        assert f'href="{view_on_site}"' in change.text
        response = admin_client.get(view_on_site)
        assert response.status_code == HTTPStatus.FOUND and response.url.endswith(page)


def test_a_search_for_the_programs_overview_leads_to_it_on_the_home_page(client):
    program = Program.objects.current() or ProgramFactory()
    program.overview = "Residents of Zanzibarian descent train here."
    program.save()
    text = client.get(reverse("search:results"), {"q": "zanzibarian"}).text
    assert f'href="{reverse("overview:home")}#overview"' in text
    assert 'id="overview"' in client.get(reverse("overview:home")).text


def test_a_track_pages_structured_data_gives_the_deadlines_eastern_date(client):
    # 11:30 pm in Boston is the next day in UTC.
    cycle = ApplicationCycleFactory(deadline=datetime.datetime(2031, 10, 21, 23, 30, tzinfo=EASTERN))
    application = TrackApplicationFactory(cycle=cycle)
    page = client.get(application.track.get_absolute_url()).text
    graph = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])["@graph"]
    (track,) = [node for node in graph if node["@type"] == "EducationalOccupationalProgram"]
    assert track["applicationDeadline"] == "2031-10-21"


def test_home_page_leads_with_the_program_in_one_line(client):
    program = Program.objects.current()
    program.overview = "Residents train here to think for themselves. They rotate widely.\n\nA second paragraph."
    program.save()
    text = client.get(reverse("overview:home")).text
    assert '<p class="lead">Residents train here to think for themselves.</p>' in text
    # The h1 is the page's own heading, and the header has none.
    assert text.count("<h1>") == 1 and f"<h1>{escape(program.name)}</h1>" in text


def test_home_page_figures_are_the_stored_ones_and_the_counted_ones(client):
    cycle = ApplicationCycleFactory(residents_total=187, applications_per_year=4321)
    TrackFactory()
    PracticeFactory()
    text = client.get(reverse("overview:home")).text
    figures = re.search(r'<ul class="figures">(.*?)</ul>', text, re.S)[1]
    shown = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", figures, re.S)]
    assert shown == [
        f"about {cycle.residents_total} residents",
        "almost 4,321 applications a year",
        f"{Track.objects.count()} tracks",
        f"{Practice.objects.count()} continuity practice sites",
    ]


def test_home_page_shows_every_track_as_a_card(client):
    TrackFactory(length_label="4 years, with a research year")
    text = client.get(reverse("overview:home")).text
    cards = re.findall(r'<li class="track-card">(.*?)</li>', text, re.S)
    assert len(cards) == Track.objects.count()
    for track, card in zip(Track.objects.all(), cards, strict=True):
        assert f'href="{track.get_absolute_url()}"' in card
        if track.nrmp_number:
            assert f"NRMP #{track.nrmp_number}" in card


def test_a_track_page_gives_its_key_facts_beside_its_text(client):
    track = TrackFactory(length_label="3 years")
    PracticeFactory(tracks=[track])
    application = TrackApplicationFactory(cycle=ApplicationCycleFactory(), track=track, interviews="Team interviews")
    first = InterviewDateFactory(track_application=application, date=datetime.date(2031, 11, 3))
    last = InterviewDateFactory(track_application=application, date=datetime.date(2031, 12, 8))
    text = client.get(track.get_absolute_url()).text
    aside = re.search(r'<aside class="key-facts" aria-label="Key facts">(.*?)</aside>', text, re.S)[1]
    facts = dict(
        (" ".join(re.sub(r"<[^>]+>", " ", term).split()), " ".join(re.sub(r"<[^>]+>", " ", value).split()))
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", aside, re.S)
    )
    assert facts["NRMP number"] == f"NRMP #{track.nrmp_number}"
    assert facts["Length"] == "3 years"
    assert facts["Interviews"] == "Team interviews"
    assert facts[f"Interview days, {application.cycle.name}"].startswith(
        "2 days, from November 3, 2031 to December 8, 2031"
    )
    assert f'datetime="{first.date.isoformat()}"' in aside and f'datetime="{last.date.isoformat()}"' in aside
    assert facts["Application deadline"].startswith(timezone.localtime(application.cycle.deadline).strftime("%B"))
    assert facts["Continuity practice sites"] == "1"
