from http import HTTPStatus

import pytest
from django.urls import reverse

from applications.models import ApplicationCycle, InterviewDate, TrackApplication

pytestmark = pytest.mark.django_db


def test_apply_page_gives_the_deadline_with_its_time_and_zone(client):
    response = client.get(reverse("applications:apply"))
    assert response.status_code == HTTPStatus.OK
    assert "October 21, 2020 at 9:00 am EDT" in response.text
    assert '<time datetime="2020-10-21T09:00:00-04:00">' in response.text
    assert "no later than November 30, 2020" in response.text
    assert "no later than March 1, 2021" in response.text


def test_deadline_is_stored_as_an_aware_instant():
    deadline = ApplicationCycle.objects.current().deadline
    assert deadline.utcoffset() is not None
    assert deadline.isoformat() == "2020-10-21T13:00:00+00:00"


def test_apply_page_counts_letters_from_the_listed_letters(client):
    response = client.get(reverse("applications:apply"))
    assert "require a total of 3 letters" in response.text
    assert "1-2 additional letters" in response.text
    assert "a maximum of 4 letters can be transmitted through ERAS" in response.text


def test_multi_program_rules_are_worded_from_the_stored_rules(client):
    text = client.get(reverse("applications:apply")).text
    assert "Applicants can apply for the Categorical and Primary Care programs simultaneously." in text
    assert "If you select the Physician Scientist Program, Neuro-Preliminary Track or Preliminary Track" in text

    # A coordinator makes the Neuro-Preliminary track combinable: the sentences follow.
    neuro = TrackApplication.objects.get(track__slug="neuro-preliminary")
    neuro.is_exclusive = False
    neuro.save()
    text = client.get(reverse("applications:apply")).text
    assert (
        "Applicants can apply for the Categorical, Primary Care and Neuro-Preliminary programs simultaneously." in text
    )
    assert "If you select the Physician Scientist Program or Preliminary Track, you will only be considered" in text
    assert "even if you selected Categorical, Primary Care and/or Neuro-Preliminary as well" in text


def test_without_exclusive_tracks_no_restriction_is_shown(client):
    for application in TrackApplication.objects.all():
        application.is_exclusive = False
        application.save()
    assert "Restrictions:" not in client.get(reverse("applications:apply")).text


def test_apply_page_lists_the_nrmp_numbers_and_the_med_peds_pointer(client):
    text = client.get(reverse("applications:apply")).text
    assert "NRMP #1261140P1" in text
    assert "Harvard Mass General Med-Peds" in text
    assert "does not offer observerships" in text


def test_interviews_page_shows_each_track_and_two_day_interviews_as_pairs(client):
    response = client.get(reverse("applications:interviews"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Categorical Interview Days" in text
    assert "Primary Care Interview Days (both days required)" in text
    assert '<th scope="col">Second day</th>' in text
    assert "Friday December 18th, 2020" in text
    assert "No interview dates are listed for the Neuro-Preliminary Track" in text
    assert "round table discussion with the Physician-in-Chief, Dr. Katrina Armstrong" in text


def test_two_day_interview_is_named_as_a_pair():
    interview = InterviewDate.objects.get(track_application__track__slug="primary-care", date="2020-11-16")
    assert str(interview) == "Monday November 16th and Tuesday November 17th, 2020"


def test_graduates_page_nests_the_usmle_requirements(client):
    response = client.get(reverse("applications:graduates"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "almost 4,000 applications" in text
    usmle = text.index("United States Medical Licensing Exam (USMLE)")
    assert text.index("<ul>", usmle) < text.index("Scores of 250 or higher on Step 1 and Step 2")
    assert "ECFMG certification must be received on or before <time" in text


@pytest.mark.parametrize("name", ["applications:apply", "applications:interviews", "applications:graduates"])
def test_without_a_cycle_the_application_pages_answer_not_found(client, name):
    ApplicationCycle.objects.all().delete()
    assert client.get(reverse(name)).status_code == HTTPStatus.NOT_FOUND


def test_the_current_cycle_is_the_one_ticked(client):
    from applications.factories import ApplicationCycleFactory

    ApplicationCycleFactory(name="2031-2032", slug="2031-2032", is_current=False)
    assert ApplicationCycle.objects.current().slug == "2020-2021"
    ApplicationCycle.objects.update(is_current=False)
    assert ApplicationCycle.objects.current().slug == "2031-2032"
