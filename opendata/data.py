"""
The program's data for reuse: tracks with NRMP numbers, clinics with their tracks, interview days,
key dates and application rules of the current cycle, as plain rows. The JSON file holds them all;
each CSV file holds one table. Every file names its cycle and when its content last changed.
"""

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from applications.models import ApplicationCycle, TrackApplication
from programs.models import Track
from residency import pagecache
from sites.models import Practice


def _address(obj):
    return settings.SITE_URL + obj.get_absolute_url()


def tracks(cycle):
    return [
        {
            "slug": track.slug,
            "name": track.name,
            "nrmp_number": track.nrmp_number or None,
            "matched_through": track.match_via.slug if track.match_via else None,
            "length_years": track.length_years,
            "length": track.length_label,
            "address": _address(track),
        }
        for track in Track.objects.select_related("match_via")
    ]


def clinics(cycle):
    return [
        {
            "slug": practice.slug,
            "name": practice.name,
            "abbreviation": practice.abbreviation,
            "community_health_center": practice.is_health_center,
            "residents": f"{practice.residents_label} {practice.residents_display}",
            "residents_min": practice.residents_min,
            "residents_max": practice.residents_max,
            "tracks": [track.slug for track in practice.tracks.all()],
            "address": _address(practice),
        }
        for practice in Practice.objects.with_tracks()
    ]


def _applications(cycle):
    return cycle.track_applications.all()


def interview_days(cycle):
    return [
        {
            "track": application.track.slug,
            "program": application.application_name,
            "date": interview.date,
            "second_date": interview.second_date,
        }
        for application in _applications(cycle)
        for interview in application.interview_dates.all()
    ]


def key_dates(cycle):
    return [
        # In the program's time zone (Eastern), with its offset.
        {"name": "Application deadline", "date": timezone.localtime(cycle.deadline)},
        {"name": "All interview invitations granted by", "date": cycle.invitations_by},
        {"name": "Step 2 results in ERAS by", "date": cycle.step2_deadline},
        *(
            {"name": requirement.text, "date": requirement.date}
            for requirement in cycle.graduate_requirements.all()
            if requirement.date
        ),
    ]


def application_rules(cycle):
    return [
        {
            "track": application.track.slug,
            "program": application.application_name,
            "considered_for_this_track_only": application.is_exclusive,
            "rule": application.rule,
            "interviews": application.interviews,
        }
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


def about(cycle):
    """What every file says about itself: its cycle and when its content last changed."""
    return {"cycle": cycle.name, "content_changed_at": pagecache.current_version()}
