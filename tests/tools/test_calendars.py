"""The .ics calendars hold every interview day and the key dates, parse with icalendar, and keep their UIDs."""

import datetime
import re
import zoneinfo
from http import HTTPStatus

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from applications.factories import InterviewDateFactory
from applications.rules import current_rules

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


def test_an_unknown_track_gets_the_whole_calendar_from_the_same_cache_entry(client, django_assert_max_num_queries):
    whole = client.get(reverse("applications:calendar"))
    # One look-up of the known tracks (then kept in the cache), and the page from the page cache.
    with django_assert_max_num_queries(1):
        junk = client.get(reverse("applications:calendar"), {"track": "no-such-track"})
    assert junk.content == whole.content
