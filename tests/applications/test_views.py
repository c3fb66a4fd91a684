"""The application pages, on cycles built with factories: what they say follows the stored data."""

import datetime
import zoneinfo
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.dateformat import format as date_format

from applications.factories import (
    ApplicationCycleFactory,
    GraduateRequirementFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle
from programs.factories import TrackFactory

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def cycle():
    """A cycle later than the seeded one, so the application pages show it."""
    return ApplicationCycleFactory(deadline=datetime.datetime(2040, 10, 19, 9, 0, tzinfo=EASTERN))


def test_apply_page_gives_the_deadline_with_its_time_and_zone(client, cycle):
    response = client.get(reverse("applications:apply"))
    assert response.status_code == HTTPStatus.OK
    assert "October 19, 2040 at 9:00 am Eastern Time" in response.text
    assert '<time datetime="2040-10-19T09:00:00-04:00">' in response.text
    assert f"no later than {date_format(cycle.invitations_by, 'F j, Y')}" in response.text
    assert f"no later than {date_format(cycle.step2_deadline, 'F j, Y')}" in response.text


def test_deadline_is_stored_as_an_aware_instant(cycle):
    cycle.refresh_from_db()
    assert cycle.deadline.utcoffset() is not None
    assert cycle.deadline.isoformat() == "2040-10-19T13:00:00+00:00"


def test_apply_page_counts_letters_from_the_listed_letters(client, cycle):
    LetterRequirementFactory(cycle=cycle, text="Letter from your dean")
    LetterRequirementFactory(cycle=cycle, text="letters from people who know your work", count_min=2, count_max=3)
    cycle.letters_tracks.set([TrackFactory(name="Alpha")])
    text = client.get(reverse("applications:apply")).text
    assert "Applicants to the Alpha programs require a total of 3 letters" in text
    assert "2-3 letters from people who know your work" in text
    assert f"a maximum of {cycle.letters_max_in_eras} letters can be transmitted through ERAS" in text


def test_multi_program_rules_are_worded_from_the_stored_rules(client, cycle):
    for name in ["Alpha", "Beta"]:
        TrackApplicationFactory(cycle=cycle, track=TrackFactory(name=name), is_exclusive=False)
    gamma = TrackApplicationFactory(
        cycle=cycle, track=TrackFactory(name="Gamma"), application_name="Gamma Program", is_exclusive=True
    )
    TrackApplicationFactory(
        cycle=cycle, track=TrackFactory(name="Delta"), application_name="Delta Track", is_exclusive=True
    )
    text = client.get(reverse("applications:apply")).text
    assert "Applicants can apply for the Alpha and Beta programs simultaneously." in text
    assert "If you select the Gamma Program or Delta Track, you will only be considered" in text
    assert "even if you selected Alpha and/or Beta as well" in text

    # A coordinator makes one exclusive track combinable: the sentences follow.
    gamma.is_exclusive = False
    gamma.save()
    text = client.get(reverse("applications:apply")).text
    assert "Applicants can apply for the Alpha, Beta and Gamma programs simultaneously." in text
    assert "If you select the Delta Track, you will only be considered" in text


def test_without_exclusive_tracks_no_restriction_is_shown(client, cycle):
    TrackApplicationFactory.create_batch(2, cycle=cycle, is_exclusive=False)
    assert "Restrictions:" not in client.get(reverse("applications:apply")).text


def test_apply_page_lists_every_nrmp_number_and_the_med_peds_pointer(client, cycle):
    cycle.med_peds_text = "For Med-Peds, see the combined program."
    cycle.save()
    track = TrackFactory()
    text = client.get(reverse("applications:apply")).text
    assert f"NRMP #{track.nrmp_number}" in text
    assert "For Med-Peds, see the combined program." in text


def test_interviews_page_shows_each_track_and_two_day_interviews_as_pairs(client, cycle):
    one_day = TrackApplicationFactory(cycle=cycle, interview_heading="Alpha Interview Days")
    InterviewDateFactory(track_application=one_day, date=datetime.date(2040, 11, 16))
    two_days = TrackApplicationFactory(cycle=cycle, interview_heading="Beta Interview Days")
    InterviewDateFactory(
        track_application=two_days, date=datetime.date(2040, 11, 19), second_date=datetime.date(2040, 11, 20)
    )
    no_dates = TrackApplicationFactory(cycle=cycle)
    response = client.get(reverse("applications:interviews"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Alpha Interview Days</caption>" in text
    assert "Beta Interview Days (both days required)" in text
    assert '<th scope="col">Second day</th>' in text
    assert "Friday November 16th, 2040" in text
    assert "Monday November 19th, 2040" in text and "Tuesday November 20th, 2040" in text
    # A track without dates gets no sentence the content does not hold; how it interviews, if stored, shows.
    assert f"No interview dates are listed for the {no_dates.application_name}" not in text


def test_two_day_interview_is_named_as_a_pair():
    interview = InterviewDateFactory.build(date=datetime.date(2040, 11, 19), second_date=datetime.date(2040, 11, 20))
    assert str(interview) == "Monday November 19th and Tuesday November 20th, 2040"
    across_years = InterviewDateFactory.build(date=datetime.date(2040, 12, 31), second_date=datetime.date(2041, 1, 1))
    assert str(across_years) == "Monday December 31st, 2040 and Tuesday January 1st, 2041"


def test_graduates_page_nests_requirements_and_dates_them(client, cycle):
    parent = GraduateRequirementFactory(cycle=cycle, text="Passing exam scores:")
    GraduateRequirementFactory(cycle=cycle, parent=parent, text="A high score on the first exam")
    GraduateRequirementFactory(cycle=cycle, text="Certification received by", date=datetime.date(2041, 1, 1))
    response = client.get(reverse("applications:graduates"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert f"almost {cycle.applications_per_year:,} applications" in text
    assert text.index("Passing exam scores:") < text.index("<ul>", text.index("Passing exam scores:"))
    assert text.index("<ul>", text.index("Passing exam scores:")) < text.index("A high score on the first exam")
    assert 'Certification received by <time datetime="2041-01-01">January 1, 2041</time>' in text


@pytest.mark.parametrize("name", ["applications:apply", "applications:interviews", "applications:graduates"])
def test_without_a_cycle_the_application_pages_answer_not_found(client, name):
    ApplicationCycle.objects.all().delete()
    assert client.get(reverse(name)).status_code == HTTPStatus.NOT_FOUND


def test_the_current_cycle_is_the_live_one_not_a_draft():
    live = ApplicationCycle.objects.live()
    draft = ApplicationCycleFactory(publish_at=None, deadline=datetime.datetime(2041, 10, 1, tzinfo=EASTERN))
    assert ApplicationCycle.objects.current() == live
    draft.publish()
    assert ApplicationCycle.objects.current() == draft
