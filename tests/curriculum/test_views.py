import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from curriculum.factories import ConferenceFactory, ConferenceFormatFactory, ElectiveFactory, RotationFactory
from curriculum.models import Conference, ElectiveCategory, Rotation

pytestmark = pytest.mark.django_db


def test_rotations_page_divides_inpatient_and_outpatient(client):
    inpatient = RotationFactory(name="Night float", setting=Rotation.Setting.INPATIENT)
    outpatient = RotationFactory(name="Home visits", setting=Rotation.Setting.OUTPATIENT, abbreviation="HV")
    response = client.get(reverse("curriculum:rotation_list"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert text.index("Inpatient") < text.index(inpatient.name) < text.index("Outpatient")
    assert text.index("Outpatient") < text.index(outpatient.name)


def test_electives_page_lists_every_category_with_its_electives(client):
    elective = ElectiveFactory(name="Wilderness medicine")
    response = client.get(reverse("curriculum:elective_list"))
    assert response.status_code == HTTPStatus.OK
    for category in ElectiveCategory.objects.all():
        assert category.name in response.text
    assert response.text.index(elective.category.name) < response.text.index("Wilderness medicine")


def test_conferences_page_gives_schedules_and_formats(client):
    conference = ConferenceFactory(start_time=datetime.time(7, 30), end_time=datetime.time(8, 30))
    ConferenceFormatFactory(conference=conference, name="Morning puzzle")
    response = client.get(reverse("curriculum:conference_list"))
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["conferences"]) == list(Conference.objects.all())
    assert "7:30-8:30 am" in response.text
    assert "Morning puzzle" in response.text


def test_conference_page_shows_its_formats(client):
    conference = ConferenceFactory()
    ConferenceFormatFactory(conference=conference, name="Case review")
    response = client.get(conference.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Case review" in response.text


def test_unknown_conference_answers_not_found(client):
    response = client.get(reverse("curriculum:conference_detail", args=["no-such-conference"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (datetime.time(12, 15), datetime.time(13, 0), "12:15-1:00 pm"),
        (datetime.time(7, 30), datetime.time(8, 30), "7:30-8:30 am"),
        (datetime.time(11, 30), datetime.time(13, 0), "11:30 am-1:00 pm"),
        (datetime.time(8, 0), None, "8:00 am"),
        (None, None, ""),
    ],
)
def test_conference_hours_are_written_as_the_program_writes_them(start, end, shown):
    assert ConferenceFactory.build(start_time=start, end_time=end).hours == shown
