"""/sites/ filters by track from the address, lists each clinic once, and /sites/compare/ sets a few side by side."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from programs.factories import TrackFactory
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db


def test_the_track_in_the_address_shows_only_its_clinics(client):
    for track in Practice.objects.served_tracks():
        response = client.get(reverse("sites:practice_list"), {"track": track.slug})
        assert response.status_code == HTTPStatus.OK
        expected = list(Practice.objects.for_track(track))
        assert list(response.context["practices"]) == expected
        for practice in Practice.objects.exclude(pk__in=[p.pk for p in expected]):
            assert f'id="{practice.slug}"' not in response.text
        assert f'<option value="{track.slug}" selected>' in response.text


def test_each_health_center_is_listed_once_with_its_mark(client):
    response = client.get(reverse("sites:practice_list"))
    for practice in Practice.objects.all():
        assert response.text.count(f'href="{practice.get_absolute_url()}"') == 1, practice
    clinic_list = response.text.split('class="clinic-list"', 1)[1]
    marked = clinic_list.count('<span class="mark">Community health center</span>')
    assert marked == Practice.objects.filter(is_health_center=True).count()


def test_an_unknown_track_shows_every_clinic_from_the_same_cache_entry(client, django_assert_max_num_queries):
    everything = client.get(reverse("sites:practice_list"))
    # One look-up of the known tracks (then kept in the cache), and the page from the page cache.
    with django_assert_max_num_queries(1):
        junk = client.get(reverse("sites:practice_list"), {"track": "no-such-track", "utm_source": "x"})
    assert junk.content == everything.content


def test_a_new_track_filters_at_once(client):
    track = TrackFactory(name="Rural Health")
    practice = PracticeFactory(tracks=[track])
    response = client.get(reverse("sites:practice_list"), {"track": track.slug})
    assert list(response.context["practices"]) == [practice]
    assert "Rural Health" in response.text


def test_two_or_three_clinics_side_by_side(client):
    first, second, third, fourth = Practice.objects.all()[:4]
    response = client.get(reverse("sites:practice_compare"), {"site": [second.slug, first.slug]})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["practices"]) == [first, second]
    for practice in (first, second):
        assert escape(practice.name) in response.text
        for track in practice.tracks.all():
            assert escape(track.name) in response.text
    # A fourth is left out, and the order given does not make a new page.
    four = client.get(reverse("sites:practice_compare"), {"site": [first.slug, second.slug, third.slug, fourth.slug]})
    assert list(four.context["practices"]) == [first, second, third]
    reordered = client.get(reverse("sites:practice_compare"), {"site": f"{third.slug},{second.slug},{first.slug}"})
    assert reordered.content == four.content


def test_comparing_one_clinic_or_none_asks_for_two(client):
    practice = Practice.objects.first()
    for params in ({}, {"site": practice.slug}, {"site": "junk"}):
        response = client.get(reverse("sites:practice_compare"), params)
        assert response.status_code == HTTPStatus.OK
        assert "Tick two or three clinics" in response.text


def test_compare_is_offered_above_and_below_the_list_and_keeps_the_track_filter(client):
    track = Practice.objects.served_tracks().first()
    text = client.get(reverse("sites:practice_list"), {"track": track.slug}).text
    form = text.split(f'action="{reverse("sites:practice_compare")}"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="track" value="{track.slug}">' in form
    buttons = [match.start() for match in re.finditer(r"<button type=\"submit\">Compare the ticked clinics", form)]
    assert len(buttons) == 2
    assert buttons[0] < form.index('class="clinic-list"') < buttons[1]


def test_comparing_within_a_track_offers_that_tracks_clinics_and_leads_back_to_them(client):
    track = Practice.objects.served_tracks().first()
    theirs = list(Practice.objects.for_track(track))
    others = list(Practice.objects.exclude(pk__in=[practice.pk for practice in theirs]))
    assert len(theirs) >= 2 and others
    response = client.get(
        reverse("sites:practice_compare"), {"site": [p.slug for p in theirs[:2]], "track": track.slug}
    )
    assert response.status_code == HTTPStatus.OK
    choices = response.text.split('class="tool-form compare-form"', 1)[1].split("</form>", 1)[0]
    assert f'name="track" value="{track.slug}"' in choices
    for practice in theirs:
        assert f'value="{practice.slug}"' in choices
    for practice in others:
        assert f'value="{practice.slug}"' not in choices
    assert f'href="{reverse("sites:practice_list")}?track={track.slug}"' in response.text
    # A track nobody knows is no filter, and no page of its own.
    plain = client.get(reverse("sites:practice_compare"), {"site": [p.slug for p in theirs[:2]]})
    junk = client.get(reverse("sites:practice_compare"), {"site": [p.slug for p in theirs[:2]], "track": "nope"})
    assert junk.content == plain.content


def test_the_comparison_shows_town_and_distance_from_the_content(client):
    near = PracticeFactory(town="Riverside", distance="Two miles from the main campus")
    unknown = PracticeFactory(town="", distance="")
    response = client.get(reverse("sites:practice_compare"), {"site": [near.slug, unknown.slug]})
    rows = {
        name: row
        for name, row in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', response.text, re.S)
    }
    assert '"Town or neighborhood">Riverside<' in rows[near.name]
    assert '"From the main campus">Two miles from the main campus<' in rows[near.name]
    assert rows[unknown.name].count(">Not stated<") == 2
    # The list and the clinic's own page give them too.
    assert "Riverside" in client.get(reverse("sites:practice_list")).text
    detail = client.get(near.get_absolute_url()).text
    assert "Riverside" in detail and "Two miles from the main campus" in detail
