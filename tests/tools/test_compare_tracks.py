"""/tracks/ compares the tracks, each row answering from the stored rules of the current cycle."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from applications.factories import TrackApplicationFactory
from applications.rules import current_rules
from programs.factories import TrackFactory
from programs.models import Track

pytestmark = pytest.mark.django_db


def rows(html):
    return {
        escape(match["name"]): match["row"]
        for match in re.finditer(
            r'<tr>\s*<th scope="row"><a href="[^"]+">(?P<name>[^<]+)</a></th>(?P<row>.*?)</tr>', html, re.S
        )
    }


def test_every_track_has_a_row_saying_what_it_combines_with(client):
    response = client.get(reverse("overview:track_list"))
    assert response.status_code == HTTPStatus.OK
    table = rows(response.text)
    rules = current_rules()
    tracks = list(Track.objects.all())
    assert set(table) == {escape(track.name) for track in tracks}
    for track in tracks:
        row = table[escape(track.name)]
        application = rules.application_for(track)
        if track.nrmp_number:
            assert f"NRMP #{track.nrmp_number}" in row
        for other in rules.combinable_with(track):
            assert escape(other.name) in row
        if application and application.is_exclusive:
            assert "considered for this track only" in row
        if application and application.interview_dates.all():
            assert f"{len(application.interview_dates.all())} date" in row
        if track.practices.exists():
            assert f"?track={track.slug}" in row
        if rules.letters_for(track) is not None:
            assert f"{rules.cycle.letters_required} letters" in row


def test_a_track_added_in_admin_combines_with_the_others_at_once(client):
    rules = current_rules()
    combinable = [application for application in rules.applications if not application.is_exclusive]
    newcomer = TrackApplicationFactory(cycle=rules.cycle, track=TrackFactory(name="Rural Health"))
    row = rows(client.get(reverse("overview:track_list")).text)["Rural Health"]
    for application in combinable:
        assert escape(application.track.name) in row
    assert (
        escape(newcomer.track.name)
        in rows(client.get(reverse("overview:track_list")).text)[escape(combinable[0].track.name)]
    )


def test_the_rows_follow_the_order_coordinators_set(client):
    tracks = list(Track.objects.all())
    # Reversed by dragging in admin: the slugs' order no longer gives the page's.
    for position, track in enumerate(reversed(tracks)):
        track.order = position
        track.save()
    TrackFactory(name="Aardvark", slug="aaa-first-by-slug")
    names = list(rows(client.get(reverse("overview:track_list")).text))
    assert names == [escape(track.name) for track in Track.objects.all()]
    assert names[0] == escape(tracks[-1].name) and names[-1] == "Aardvark"


def test_a_track_with_nothing_published_says_so_in_a_sentence(client):
    bare = TrackFactory(name="Rural Health", nrmp_number="", length_years=None, length_label="")
    response = client.get(reverse("overview:track_list"))
    row = rows(response.text)["Rural Health"]
    cycle = current_rules().cycle
    assert f"Nothing about applying to the {bare.name} track is published for the {escape(cycle.name)} cycle" in row
    table = response.text.split("<table>", 1)[1].split("</table>", 1)[0]
    assert "—" not in table
