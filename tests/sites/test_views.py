from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.factories import TrackFactory
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db


def test_sites_page_lists_every_practice_and_the_health_centers_apart(client):
    center = PracticeFactory(name="Harbor Community Health", is_health_center=True, tracks=[TrackFactory()])
    practice = PracticeFactory(name="Hilltop Family Practice", tracks=[TrackFactory()])
    response = client.get(reverse("sites:practice_list"))
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["practices"]) == list(Practice.objects.all())
    assert center in response.context["health_centers"]
    assert practice not in response.context["health_centers"]
    assert list(response.context["health_centers"]) == list(Practice.objects.filter(is_health_center=True))
    assert f'href="{practice.get_absolute_url()}"' in response.text


def test_site_page_shows_tracks_residents_and_the_full_description(client):
    tracks = [TrackFactory(name="Alpha"), TrackFactory(name="Beta")]
    practice = PracticeFactory(
        residents_label="Residents", residents_min=60, residents_max=60, description="One.\n\nTwo.", tracks=tracks
    )
    response = client.get(practice.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "<dt>Residents</dt>" in text and "<dd>60</dd>" in text
    assert "<p>One.</p>" in text and "<p>Two.</p>" in text
    assert ">Alpha</a> and <a" in text


def test_unknown_site_answers_not_found(client):
    response = client.get(reverse("sites:practice_detail", args=["no-such-site"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_description_typed_in_admin_is_escaped_and_split_into_paragraphs(client):
    practice = PracticeFactory(description="<script>alert(1)</script>\n\nSecond paragraph", tracks=[TrackFactory()])
    response = client.get(practice.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<p>Second paragraph</p>" in response.text


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [(2, 10, "2-10"), (20, None, "20+"), (60, 60, "60")],
)
def test_residents_are_shown_as_the_program_writes_them(low, high, shown):
    assert PracticeFactory.build(residents_min=low, residents_max=high).residents_display == shown


def test_sites_can_be_filtered_by_residents_placed():
    large = PracticeFactory(residents_min=400, residents_max=None)
    assert large in Practice.objects.filter(residents_min__gte=400)
    assert Practice.objects.filter(residents_min__gte=400).count() == 1
