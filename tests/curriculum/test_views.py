import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from curriculum.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def test_rotations_page_divides_inpatient_and_outpatient(client):
    response = client.get(reverse("curriculum:rotation_list"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert text.index("Inpatient") < text.index("Intensive care units") < text.index("Outpatient")
    assert "Ambulatory subspecialty elective (ASE)" in text


def test_electives_page_lists_every_category(client):
    response = client.get(reverse("curriculum:elective_list"))
    assert response.status_code == HTTPStatus.OK
    for heading in [
        "Divisional electives",
        "Special focused electives",
        "Community-based electives",
        "Classroom-based electives",
        "Innovation and leadership electives",
        "Self-designed electives",
    ]:
        assert heading in response.text
    assert "Elective with Boston Healthcare for the Homeless" in response.text


def test_conferences_page_gives_schedules_and_the_five_case_conference_formats(client):
    response = client.get(reverse("curriculum:conference_list"))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["conferences"]) == 8
    assert "Its five formats" in response.text
    assert "12:15-1:00 pm" in response.text
    assert "Pathways Consult Service Noon Conferences" in response.text


def test_conference_page(client):
    response = client.get(reverse("curriculum:conference_detail", args=["case-conference"]))
    assert response.status_code == HTTPStatus.OK
    assert "Clinical Case Reviews" in response.text


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
