"""
The cycle's key dates and each track's interview days as iCalendar files (RFC 5545), built with
the icalendar library. The deadline is a timed event in America/New_York, with its VTIMEZONE;
the other dates are all-day events. UIDs are made from the cycle, the track, the date and the
site's configured host (SITE_URL, never a request's Host: the file is cached for everyone), so a
subscribed calendar updates its events instead of duplicating them.
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone

from residency import formats

EASTERN = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# How often subscribed calendar apps should check for changes.
REFRESH = datetime.timedelta(days=1)


def _event(uid, summary, start, stamp, description="", url=""):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    if isinstance(start, datetime.datetime):
        # A moment, such as a deadline: it ends as it starts (RFC 5545 3.6.1), said outright for every app.
        event.add("dtend", start)
    else:
        event.add("dtend", start + datetime.timedelta(days=1))
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def key_date_events(cycle, uid_domain, stamp, url=""):
    """The deadline (timed, Eastern), the date all invitations are sent by, and the Step 2 due date."""
    deadline = timezone.localtime(cycle.deadline, EASTERN)
    return [
        _event(
            f"deadline-{cycle.slug}@{uid_domain}",
            f"Application deadline ({cycle.name})",
            deadline,
            stamp,
            f"Applications close at {formats.clock(deadline)} Eastern Time.",
            url,
        ),
        _event(
            f"invitations-{cycle.slug}@{uid_domain}",
            f"All interview invitations granted by today ({cycle.name})",
            cycle.invitations_by,
            stamp,
            url=url,
        ),
        _event(
            f"step2-{cycle.slug}@{uid_domain}",
            f"Step 2 results due in ERAS ({cycle.name})",
            cycle.step2_deadline,
            stamp,
            cycle.step2_reason,
            url,
        ),
    ]


def interview_events(application, uid_domain, stamp, url=""):
    """One all-day event per interview day; a two-day interview gives two, each saying both are required."""
    base = f"{application.cycle.slug}-{application.track.slug}"
    events = []
    for interview in application.interview_dates.all():
        days = [interview.date] + ([interview.second_date] if interview.second_date else [])
        for number, day in enumerate(days, start=1):
            summary = f"{application.application_name} interview"
            if len(days) > 1:
                summary += f", day {number} of {len(days)} (both days required)"
            events.append(
                _event(f"interview-{base}-{day:%Y%m%d}@{uid_domain}", summary, day, stamp, interview.label, url)
            )
    return events


def build(name, events, stamp):
    """A publishable calendar named `name` holding `events`, with the time zones its timed events use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Residency program site//Application calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property is text to the library unless given as a value type: this one is a duration (P1D).
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for event in events:
        calendar.add_component(event)
    starts = [event.decoded("dtstart") for event in events]
    days = [start.date() if isinstance(start, datetime.datetime) else start for start in starts]
    if days:
        # The VTIMEZONE covers the calendar's own years, not the library's default 1970-2038.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(days).year, 1, 1), last_date=datetime.date(max(days).year + 1, 1, 1)
        )
    return calendar
