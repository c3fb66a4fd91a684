from http import HTTPStatus

import pytest
from django.urls import reverse

from programs.factories import TrackFactory
from sites.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_sites_page_lists_all_thirteen_practices_and_the_four_health_centers(client):
    response = client.get(reverse("sites:practice_list"))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["practices"]) == 13
    assert [p.name for p in response.context["health_centers"]] == [
        "Charlestown HealthCare Center",
        "Chelsea HealthCare Center",
        "Revere HealthCare Center",
        "North End Waterfront Health",
    ]
    assert "The 13 continuity practice sites" in response.text
    assert "multilingual staff that speak Spanish, Italian, Hindi and Tamil" in response.text


def test_site_page_shows_tracks_residents_and_the_full_description(client):
    response = client.get(reverse("sites:practice_detail", args=["internal-medical-associates"]))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "<dt>Residents</dt>" in text and "<dd>60</dd>" in text
    assert "90% of IMA patients come from Boston" in text
    assert ">Categorical</a> and <a" in text


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
    from sites.models import Practice

    assert Practice.objects.filter(residents_min__gte=20).count() == 2
    assert Practice.objects.filter(residents_max__isnull=True).get().abbreviation == "BMG"
