"""The .ics calendars hold every interview day and the key dates, parse with icalendar, and keep their UIDs."""

import datetime
import re
import zoneinfo
from http import HTTPStatus

import icalendar
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applications.factories import InterviewDateFactory
from applications.rules import current_rules
from applications.views import CalendarView
from programs.factories import TrackFactory

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")


def track_calendar(track):
    return f"{reverse('applications:calendar')}?track={track.slug}"


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def all_day_starts(calendar):
    return [
        event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
        if not isinstance(event.decoded("dtstart"), datetime.datetime)
    ]


def interview_days(application):
    for interview in application.interview_dates.all():
        yield interview.date
        if interview.second_date:
            yield interview.second_date


def test_each_track_calendar_holds_its_interview_days_and_the_key_dates(client):
    rules = current_rules()
    cycle = rules.cycle
    for application in rules.applications:
        calendar = fetch(client, track_calendar(application.track))
        starts = all_day_starts(calendar)
        for day in interview_days(application):
            assert day in starts, (application, day)
        assert cycle.invitations_by in starts and cycle.step2_deadline in starts
        # The deadline is timed, in Eastern time, with its VTIMEZONE in the file.
        timed = [event for event in calendar.walk("VEVENT") if isinstance(event.decoded("dtstart"), datetime.datetime)]
        assert [event.decoded("dtstart") for event in timed] == [timezone.localtime(cycle.deadline, EASTERN)]
        assert timed[0]["DTSTART"].params["TZID"] == "America/New_York"
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
        uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
        assert len(uids) == len(set(uids))


def test_the_cycle_calendar_holds_every_interview_day(client):
    rules = current_rules()
    starts = all_day_starts(fetch(client, reverse("applications:calendar")))
    for application in rules.applications:
        for day in interview_days(application):
            assert day in starts


def test_uids_stay_the_same_when_the_content_changes(client):
    rules = current_rules()
    application = next(application for application in rules.applications if application.interview_dates.all())
    url = track_calendar(application.track)
    before = {str(event["UID"]): event.decoded("dtstart") for event in fetch(client, url).walk("VEVENT")}
    added = InterviewDateFactory(track_application=application, date=datetime.date(2099, 1, 5))
    after = {str(event["UID"]): event.decoded("dtstart") for event in fetch(client, url).walk("VEVENT")}
    assert before.items() <= after.items()
    assert added.date in set(after.values()) - set(before.values())


def test_calendars_are_linked_for_downloading_and_subscribing(client):
    rules = current_rules()
    apply_page = client.get(reverse("applications:apply")).text
    assert f'href="{reverse("applications:calendar")}"' in apply_page
    assert re.search(rf'href="webcal://[^/"]+{re.escape(reverse("applications:calendar"))}"', apply_page)
    for application in rules.applications:
        if application.interview_dates.all():
            url = track_calendar(application.track)
            assert f'href="{url}"' in client.get(application.track.get_absolute_url()).text


def test_a_track_nobody_knows_or_the_cycle_does_not_list_is_not_found_and_never_cached(client):
    url = reverse("applications:calendar")
    for junk in ("no-such-track", "<script>", "x" * 300):
        assert client.get(url, {"track": junk}).status_code == HTTPStatus.NOT_FOUND
    unlisted = TrackFactory()
    assert client.get(url, {"track": unlisted.slug}).status_code == HTTPStatus.NOT_FOUND
    # No track given (or an empty one) is the whole calendar, from one cache entry.
    whole = client.get(url)
    assert client.get(url, {"track": ""}).content == whole.content
    assert CalendarView.page_variant(RequestFactory().get(url, {"track": "no-such-track"})) is None


def test_subscribers_are_told_to_refresh_daily_in_a_duration_they_read(client):
    text = client.get(reverse("applications:calendar")).content.decode()
    assert "\r\nX-PUBLISHED-TTL:P1D\r\n" in text
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in text


def test_the_deadline_is_a_moment_with_an_end(client):
    cycle = current_rules().cycle
    calendar = fetch(client, reverse("applications:calendar"))
    (deadline,) = [e for e in calendar.walk("VEVENT") if isinstance(e.decoded("dtstart"), datetime.datetime)]
    assert deadline.decoded("dtend") == deadline.decoded("dtstart") == timezone.localtime(cycle.deadline, EASTERN)
    assert deadline["DTEND"].params["TZID"] == "America/New_York"
    for event in calendar.walk("VEVENT"):
        assert "DTEND" in event
