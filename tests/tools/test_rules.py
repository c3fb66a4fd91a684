"""The application rules answer from the stored data: tracks and rules built here, not the seeded names."""

import datetime

import pytest

from applications.factories import (
    ApplicationCycleFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle, InterviewDate
from applications.rules import CycleRules
from programs.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    cycle = ApplicationCycleFactory()
    LetterRequirementFactory.create_batch(2, cycle=cycle)
    return cycle


def rules_of(cycle):
    """The rules as a request reads them: the cycle fetched afresh."""
    return CycleRules(ApplicationCycle.objects.get(pk=cycle.pk))


def offer(cycle, exclusive=False, **track_fields):
    application = TrackApplicationFactory(
        cycle=cycle, track=TrackFactory(**track_fields), is_exclusive=exclusive, rule="Considered alone."
    )
    InterviewDateFactory(track_application=application)
    return application


def test_tracks_not_marked_exclusive_combine_with_each_other_only(cycle):
    first, second, third = offer(cycle), offer(cycle), offer(cycle)
    alone = offer(cycle, exclusive=True)
    rules = rules_of(cycle)
    assert rules.combinable_with(first.track) == [second.track, third.track]
    assert rules.combinable_with(alone.track) == []
    plan = rules.plan([first.track, third.track])
    assert plan.allowed
    assert plan.considered == [first, third]
    assert [ranking.number for ranking in plan.rankings] == [first.track.nrmp_number, third.track.nrmp_number]


def test_ticking_exclusive_in_admin_changes_the_answer(cycle):
    first, second = offer(cycle), offer(cycle)
    assert rules_of(cycle).plan([first.track, second.track]).allowed
    second.is_exclusive = True
    second.save()
    plan = rules_of(cycle).plan([first.track, second.track])
    assert not plan.allowed
    assert plan.exclusive == second
    assert plan.considered == [second]
    assert plan.set_aside == [first]


def test_a_new_track_joins_the_combinations_without_code(cycle):
    first = offer(cycle)
    assert rules_of(cycle).combinable_with(first.track) == []
    newcomer = offer(cycle)
    assert rules_of(cycle).combinable_with(first.track) == [newcomer.track]


def test_two_tracks_that_each_stand_alone_conflict(cycle):
    one, other = offer(cycle, exclusive=True), offer(cycle, exclusive=True)
    plan = rules_of(cycle).plan([one.track, other.track])
    assert not plan.allowed
    assert plan.conflicting == [one, other]
    assert plan.considered == [] and plan.rankings == []


def test_a_track_without_a_number_ranks_the_number_it_matches_through(cycle):
    parent = offer(cycle)
    child = offer(cycle, exclusive=True, nrmp_number="", match_via=parent.track)
    plan = rules_of(cycle).plan([child.track])
    assert [(ranking.number, ranking.via) for ranking in plan.rankings] == [(parent.track.nrmp_number, parent.track)]
    loose = offer(cycle, nrmp_number="")
    assert rules_of(cycle).plan([loose.track]).unranked == [loose.track]


def test_letters_come_from_the_tracks_the_cycle_lists(cycle):
    listed, unlisted = offer(cycle), offer(cycle)
    cycle.letters_tracks.set([listed.track])
    rules = rules_of(cycle)
    assert rules.letters_for(listed.track) == list(cycle.letters.all())
    assert rules.letters_for(unlisted.track) is None
    plan = rules.plan([listed.track, unlisted.track])
    assert plan.letters == list(cycle.letters.all())
    assert plan.letters_not_stated == [unlisted.track]


def test_a_track_not_offered_in_the_cycle_is_named_as_such(cycle):
    offered, elsewhere = offer(cycle), TrackFactory()
    plan = rules_of(cycle).plan([offered.track, elsewhere])
    assert plan.not_offered == [elsewhere]
    assert plan.considered == [offered]


def test_interview_days_two_tracks_share_are_found_from_their_dates(cycle):
    single, double, apart = offer(cycle), offer(cycle), offer(cycle)
    InterviewDate.objects.filter(track_application__cycle=cycle).delete()
    day = datetime.date(2030, 11, 7)
    InterviewDateFactory(track_application=single, date=day)
    InterviewDateFactory(track_application=double, date=day, second_date=day + datetime.timedelta(days=1))
    InterviewDateFactory(track_application=double, date=day + datetime.timedelta(days=7))
    InterviewDateFactory(track_application=apart, date=day + datetime.timedelta(days=2))
    rules = rules_of(cycle)
    by_track = {application.track: application for application in rules.applications}
    assert [(s.other.track, s.day, s.count, s.of) for s in by_track[double.track].shared_days] == [
        (single.track, 1, 1, 2)
    ]
    assert [(s.other.track, s.day, s.count, s.of) for s in by_track[single.track].shared_days] == [
        (double.track, 0, 1, 1)
    ]
    assert by_track[apart.track].shared_days == []
    first = by_track[double.track].interview_dates.all()[0]
    assert first.first_shared == [by_track[single.track]] and first.second_shared == []
