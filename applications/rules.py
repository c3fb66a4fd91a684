"""
The application rules of a cycle, read from the stored data: which tracks may be applied to together,
which stand alone, what to rank in the Match, which interview days and letters apply.

Nothing here names a track: a coordinator who adds a track or ticks "considered for this track only"
in admin changes every answer.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from .models import ApplicationCycle, TrackApplication


def current_cycle():
    """The cycle the applicants' tools answer for (the one place they choose it)."""
    return ApplicationCycle.objects.live()


def current_rules():
    """The rules of the current cycle, or None before any cycle is published."""
    cycle = current_cycle()
    return CycleRules(cycle) if cycle else None


@dataclass
class Ranking:
    """An NRMP number to rank, and the track whose number it is when the track matches through another."""

    track: object
    number: str
    via: object = None


@dataclass
class SharedDays:
    """How many of a track's interviews fall, on their first or second day (or their only one), on another's days."""

    other: TrackApplication
    day: int  # 1 or 2; 0 for one-day interviews
    count: int
    of: int


def share_days(applications):
    """
    Mark, from the stored dates, the interview days that two tracks share (prefetched interview_dates):
    each interview gets `first_shared` and `second_shared` (the other tracks interviewing that day),
    and each application `shared_days`, a list of SharedDays.
    """
    by_day = defaultdict(dict)
    for application in applications:
        for interview in application.interview_dates.all():
            for day in filter(None, (interview.date, interview.second_date)):
                by_day[day][application.pk] = application
    for application in applications:
        interviews = list(application.interview_dates.all())
        counts = defaultdict(int)
        for interview in interviews:
            interview.first_shared = [other for other in by_day[interview.date].values() if other is not application]
            interview.second_shared = [
                other for other in by_day.get(interview.second_date, {}).values() if other is not application
            ]
            position = 1 if interview.second_date else 0
            for other in interview.first_shared:
                counts[(other.pk, position)] += 1
            for other in interview.second_shared:
                counts[(other.pk, 2)] += 1
        others = {other.pk: other for other in applications}
        application.shared_days = [
            SharedDays(others[pk], day, count, len(interviews))
            for other in applications
            for (pk, day), count in sorted(counts.items(), key=lambda item: item[0][1])
            if pk == other.pk
        ]


@dataclass
class TrackComparison:
    """What the track comparison table says about one track."""

    track: object
    ranking: Ranking = None
    application: TrackApplication = None
    combinable_with: list = field(default_factory=list)
    letters: list = None


@dataclass
class Plan:
    """The answer for a set of tracks an applicant is considering."""

    cycle: ApplicationCycle
    selected: list
    not_offered: list = field(default_factory=list)
    considered: list = field(default_factory=list)
    set_aside: list = field(default_factory=list)
    conflicting: list = field(default_factory=list)
    rankings: list = field(default_factory=list)
    unranked: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    letters_not_stated: list = field(default_factory=list)

    @property
    def allowed(self):
        """Whether the tracks chosen may all be applied to together as chosen."""
        return not self.conflicting and not self.set_aside

    @property
    def exclusive(self):
        """The one track the applicant is considered for alone, when they chose one that stands alone."""
        return self.considered[0] if len(self.considered) == 1 and self.considered[0].is_exclusive else None


class CycleRules:
    """One cycle's rules, fetched in a fixed number of queries and then applied to any tracks."""

    def __init__(self, cycle):
        self.cycle = cycle
        prefetch_related_objects(
            [cycle],
            "letters",
            "letters_tracks",
            Prefetch(
                "track_applications",
                TrackApplication.objects.select_related("track__match_via").prefetch_related("interview_dates"),
            ),
        )
        self.applications = list(cycle.track_applications.all())
        share_days(self.applications)
        self._by_track = {application.track_id: application for application in self.applications}
        self._letter_track_ids = {track.pk for track in cycle.letters_tracks.all()}

    def application_for(self, track):
        """How `track` is applied to in this cycle, or None if it is not open to application."""
        return self._by_track.get(track.pk)

    def combinable_with(self, track):
        """The other tracks an application to `track` may also select (none for a track that stands alone)."""
        application = self.application_for(track)
        if application is None or application.is_exclusive:
            return []
        return [other.track for other in self.applications if not other.is_exclusive and other.track_id != track.pk]

    def letters_for(self, track):
        """The letters an applicant to `track` needs, or None where the cycle does not say."""
        return list(self.cycle.letters.all()) if track.pk in self._letter_track_ids else None

    @staticmethod
    def ranking_for(track):
        """The NRMP number an applicant ranks for `track`: its own, or that of the track it matches through."""
        if track.nrmp_number:
            return Ranking(track, track.nrmp_number)
        if track.match_via_id and track.match_via.nrmp_number:
            return Ranking(track, track.match_via.nrmp_number, via=track.match_via)
        return None

    def compare(self, track):
        """One row of the track comparison: how `track` is ranked, combined, interviewed and supported by letters."""
        return TrackComparison(
            track=track,
            ranking=self.ranking_for(track),
            application=self.application_for(track),
            combinable_with=self.combinable_with(track),
            letters=self.letters_for(track),
        )

    def plan(self, tracks):
        """What applying to `tracks` together means, in this cycle's rules."""
        plan = Plan(cycle=self.cycle, selected=list(tracks))
        chosen = []
        for track in plan.selected:
            application = self.application_for(track)
            if application is None:
                plan.not_offered.append(track)
            else:
                chosen.append(application)
        exclusive = [application for application in chosen if application.is_exclusive]
        if len(exclusive) > 1:
            # Each of these is considered alone: together they have no answer but "choose one".
            plan.conflicting = exclusive
            return plan
        if exclusive:
            plan.considered = exclusive
            plan.set_aside = [application for application in chosen if not application.is_exclusive]
        else:
            plan.considered = chosen
        for application in plan.considered:
            ranking = self.ranking_for(application.track)
            if ranking is None:
                plan.unranked.append(application.track)
            elif ranking.number not in {known.number for known in plan.rankings}:
                plan.rankings.append(ranking)
        for application in plan.considered:
            if self.letters_for(application.track) is None:
                plan.letters_not_stated.append(application.track)
            elif not plan.letters:
                plan.letters = self.letters_for(application.track)
        return plan
