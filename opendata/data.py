"""
The program's data for reuse: tracks with NRMP numbers, clinics with their tracks, interview days,
key dates and application rules of the current cycle, as plain rows. The JSON file holds them all;
each CSV file holds one table. Every file names its cycle, whether it is open or closed, and when
the content it holds last changed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import dateformat, timezone

from applications.models import ApplicationCycle, TrackApplication
from programs.models import Track
from residency import changes
from sites.models import Practice


def _page_url(obj):
    return settings.SITE_URL + obj.get_absolute_url()


# Each table gives (object, row) pairs: the row as published, and the content object it comes from,
# whose change time dates the file.


def tracks(cycle):
    return [
        (
            track,
            {
                "slug": track.slug,
                "name": track.name,
                "nrmp_number": track.nrmp_number or None,
                "matched_through": track.match_via.slug if track.match_via else None,
                "length_years": track.length_years,
                "length": track.length_label,
                "page_url": _page_url(track),
            },
        )
        for track in Track.objects.select_related("match_via")
    ]


def clinics(cycle):
    return [
        (
            practice,
            {
                "slug": practice.slug,
                "name": practice.name,
                "abbreviation": practice.abbreviation,
                "community_health_center": practice.is_health_center,
                "residents": f"{practice.residents_label} {practice.residents_display}",
                "residents_min": practice.residents_min,
                "residents_max": practice.residents_max,
                "tracks": [track.slug for track in practice.tracks.all()],
                "town": practice.town,
                "distance": practice.distance,
                "page_url": _page_url(practice),
            },
        )
        for practice in Practice.objects.with_tracks()
    ]


def _applications(cycle):
    return cycle.track_applications.all()


def interview_days(cycle):
    return [
        (
            interview,
            {
                "track": application.track.slug,
                "program": application.application_name,
                "date": interview.date,
                "second_date": interview.second_date,
            },
        )
        for application in _applications(cycle)
        for interview in application.interview_dates.all()
    ]


def key_dates(cycle):
    """The cycle's dates, each named in whole words; a requirement's date is named by its text with the date."""
    return [
        # In the program's time zone (Eastern), with its offset.
        (cycle, {"name": "Application deadline", "date": timezone.localtime(cycle.deadline)}),
        (cycle, {"name": "Latest date for interview invitations", "date": cycle.invitations_by}),
        (cycle, {"name": "Step 2 results due in ERAS", "date": cycle.step2_deadline}),
        *(
            (requirement, {"name": f"{requirement.text} {_long_date(requirement.date)}", "date": requirement.date})
            for requirement in cycle.graduate_requirements.all()
            if requirement.date
        ),
    ]


def _long_date(day):
    return dateformat.format(day, "F j, Y")


def application_rules(cycle):
    return [
        (
            application,
            {
                "track": application.track.slug,
                "program": application.application_name,
                "considered_for_this_track_only": application.is_exclusive,
                "rule": application.rule,
                "interviews": application.interviews,
            },
        )
        for application in _applications(cycle)
    ]


# The tables, by the name of their CSV file, in the order the JSON file holds them.
TABLES = {
    "tracks": tracks,
    "clinics": clinics,
    "interview-days": interview_days,
    "key-dates": key_dates,
    "application-rules": application_rules,
}


def current_cycle():
    """The current cycle with what the tables read of it, in a fixed number of queries."""
    cycle = ApplicationCycle.objects.current()
    if cycle is None:
        raise Http404("No application cycle has been published yet.")
    prefetch_related_objects(
        [cycle],
        Prefetch(
            "track_applications", TrackApplication.objects.select_related("track").prefetch_related("interview_dates")
        ),
        "graduate_requirements",
    )
    return cycle


@dataclass
class File:
    """What one data file publishes: its tables' rows, and what it says about itself."""

    tables: dict
    about: dict


def build(cycle, names):
    """
    The tables `names` of `cycle`, and what the file says about itself: its cycle, whether that cycle
    is open or closed, and when the content it holds last changed (its objects' and the cycle's latest).
    """
    pairs = {name: TABLES[name](cycle) for name in names}
    changed_at = changes.latest(cycle, [obj for table in pairs.values() for obj, _ in table])
    return File(
        tables={name: [row for _, row in table] for name, table in pairs.items()},
        about={
            "cycle": cycle.name,
            "cycle_state": "closed" if cycle.has_closed else "open",
            "content_changed_at": changed_at,
        },
    )
