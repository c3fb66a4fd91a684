"""The home page leads applicants to apply: the cycle's key dates (or that it has closed), and the tracks."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.factories import ApplicationCycleFactory
from programs.models import Track

pytestmark = pytest.mark.django_db

HOME = reverse("overview:home")


def home(client):
    response = client.get(HOME)
    assert response.status_code == HTTPStatus.OK
    return response.text


def test_an_open_cycle_shows_its_key_dates_and_the_ways_to_apply(client):
    cycle = ApplicationCycleFactory(deadline=timezone.now() + datetime.timedelta(days=60))
    text = home(client)
    assert f"Apply for {escape(cycle.name)}" in text
    for day in (cycle.invitations_by, cycle.step2_deadline):
        assert f'datetime="{day:%Y-%m-%d}"' in text
    for name in ("applications:apply", "applications:planner", "applications:calendar", "overview:track_list"):
        assert f'href="{reverse(name)}"' in text


def test_a_cycle_past_its_deadline_says_it_has_closed(client):
    cycle = ApplicationCycleFactory(deadline=timezone.now() - datetime.timedelta(days=1))
    text = home(client)
    assert f"Applications for {escape(cycle.name)} have closed" in text
    assert timezone.localtime(cycle.deadline).strftime("%B") in text
    assert f'href="{reverse("applications:apply")}"' in text


def test_every_track_is_at_a_glance_with_its_number(client):
    text = home(client)
    for track in Track.objects.all():
        assert f'href="{track.get_absolute_url()}"' in text
        if track.nrmp_number:
            assert f"NRMP #{track.nrmp_number}" in text
