"""
Once the live cycle's deadline has passed, every page that speaks of applying says so, and what an
applicant can do meanwhile, from the site and the content: never a promise the program did not make.
"""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.factories import ApplicationCycleFactory, TrackApplicationFactory
from programs.factories import TrackFactory
from programs.models import Program

pytestmark = pytest.mark.django_db

PAGES = [
    "applications:apply",
    "applications:interviews",
    "applications:graduates",
    "applications:graduate_check",
    "applications:planner",
    "overview:track_list",
]


@pytest.fixture
def cycle():
    """A cycle of this test's own, live, its deadline a week ahead."""
    cycle = ApplicationCycleFactory(deadline=timezone.now() + datetime.timedelta(days=7))
    TrackApplicationFactory(cycle=cycle, track=TrackFactory())
    return cycle


def urls(cycle):
    track = cycle.track_applications.first().track
    return [reverse(name) for name in PAGES] + [track.get_absolute_url()]


def test_while_the_cycle_is_open_no_page_says_it_closed(client, cycle):
    for url in urls(cycle):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert "has closed" not in response.text, url


def test_after_the_deadline_every_page_about_applying_says_so_and_what_to_do_meanwhile(client, cycle):
    with time_machine.travel(cycle.deadline + datetime.timedelta(seconds=1)):
        for url in urls(cycle):
            response = client.get(url)
            assert response.status_code == HTTPStatus.OK, url
            notice = response.text.split('class="notice cycle-closed"', 1)[1].split("</div>", 1)[0]
            assert f"The {escape(cycle.name)} application cycle has closed." in notice, url
            assert timezone.localtime(cycle.deadline).strftime("%B") in notice
            # What to do meanwhile: the rest of the site, from the home page (the applications app names no other).
            assert f'href="{reverse("overview:home")}"' in notice, url
            assert "will be posted" not in response.text, url
            assert "next cycle" not in response.text.lower(), url


def test_the_programs_contact_is_offered_once_it_is_filled_in(client, cycle):
    Program.objects.update(contact_email="")
    with time_machine.travel(cycle.deadline + datetime.timedelta(days=1)):
        assert "write to the program" not in client.get(reverse("applications:apply")).text
        program = Program.objects.current()
        program.contact_email = "residency@example.org"
        program.save()
        notice = client.get(reverse("applications:apply")).text.split('class="notice cycle-closed"', 1)[1]
    assert 'write to the program at <a href="mailto:residency@example.org">' in notice.split("</div>", 1)[0]
