"""A cycle's life: draft, scheduled, live, archived; copied to next year; closed when its deadline passes."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import dateformat, timezone

from applications.factories import (
    ApplicationCycleFactory,
    GraduateRequirementFactory,
    InterviewActivityFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle, InterviewDate

pytestmark = pytest.mark.django_db

APPLY = reverse("applications:apply")
INTERVIEWS = reverse("applications:interviews")


def deadline_text(cycle):
    return dateformat.format(timezone.localtime(cycle.deadline), "F j, Y")


def interview_text(interview):
    return dateformat.format(interview.date, "l F jS, Y")


def open_cycle(**kwargs):
    """A live cycle whose deadline is still ahead, with one track's interview days."""
    now = timezone.now()
    cycle = ApplicationCycleFactory(
        publish_at=now - datetime.timedelta(minutes=1),
        deadline=now + datetime.timedelta(days=30),
        invitations_by=timezone.localdate() + datetime.timedelta(days=60),
        step2_deadline=timezone.localdate() + datetime.timedelta(days=150),
        **kwargs,
    )
    application = TrackApplicationFactory(cycle=cycle)
    InterviewDateFactory(track_application=application, date=timezone.localdate() + datetime.timedelta(days=45))
    return cycle


def test_the_seeded_cycle_copies_to_a_draft_with_every_date_moved_on_52_weeks():
    source = ApplicationCycle.objects.live()
    call_command("copy_cycle", source.slug, "--name", "Next cycle")
    copy = ApplicationCycle.objects.get(slug="next-cycle")
    assert copy.status == ApplicationCycle.Status.DRAFT
    assert ApplicationCycle.objects.live() == source
    shift = datetime.timedelta(weeks=52)
    assert timezone.localdate(copy.deadline) == timezone.localdate(source.deadline) + shift
    # The same hour on the Eastern clock, whatever daylight saving does.
    assert timezone.localtime(copy.deadline).time() == timezone.localtime(source.deadline).time()
    assert copy.invitations_by == source.invitations_by + shift
    old = sorted(
        (i.track_application.track_id, i.date, i.second_date)
        for i in InterviewDate.objects.filter(track_application__cycle=source)
    )
    new = sorted(
        (i.track_application.track_id, i.date, i.second_date)
        for i in InterviewDate.objects.filter(track_application__cycle=copy)
    )
    assert new == [(track, date + shift, second and second + shift) for track, date, second in old]
    assert all(a[1].weekday() == b[1].weekday() for a, b in zip(old, new, strict=True))
    for relation in ["letters", "interview_activities", "graduate_requirements", "track_applications"]:
        assert getattr(copy, relation).count() == getattr(source, relation).count() > 0
    assert set(copy.letters_tracks.all()) == set(source.letters_tracks.all())
    nested = copy.graduate_requirements.exclude(parent=None)
    assert nested.exists() and all(requirement.parent.cycle == copy for requirement in nested)


def test_years_in_copied_texts_move_on_and_are_listed_for_review():
    source = ApplicationCycleFactory(match_intro="Positions for the 2030-2031 academic year.", interview_format="")
    LetterRequirementFactory(cycle=source, text="A letter written after June 2030")
    TrackApplicationFactory(cycle=source, rule="No change here.")
    copy = source.copy("Copy", weeks=52)
    assert copy.match_intro == "Positions for the 2031-2032 academic year."
    assert copy.letters.get().text == "A letter written after June 2031"
    items = copy.review_items()
    assert len(items) == 2
    match = next(item for item in items if "Match" in item["label"])
    assert match["before"] == "Positions for the 2030-2031 academic year."
    assert match["now"] == copy.match_intro
    copy.match_intro = "Edited by the coordinator."
    copy.save()
    assert (
        next(item for item in copy.review_items() if "Match" in item["label"])["now"] == "Edited by the coordinator."
    )


def test_weeks_changes_the_shift():
    source = ApplicationCycleFactory()
    call_command("copy_cycle", source.slug, "--name", "Two years on", "--weeks", "104")
    copy = ApplicationCycle.objects.get(slug="two-years-on")
    assert timezone.localdate(copy.deadline) == timezone.localdate(source.deadline) + datetime.timedelta(weeks=104)


def test_copy_refuses_an_unknown_cycle_and_a_taken_name():
    source = ApplicationCycle.objects.live()
    with pytest.raises(CommandError):
        call_command("copy_cycle", "no-such-cycle", "--name", "x")
    with pytest.raises(CommandError):
        call_command("copy_cycle", source.slug, "--name", source.name)


def test_apply_keeps_the_live_cycle_until_the_copy_is_published(client):
    source = ApplicationCycle.objects.live()
    call_command("copy_cycle", source.slug, "--name", "Next cycle")
    copy = ApplicationCycle.objects.get(slug="next-cycle")
    assert deadline_text(source) in client.get(APPLY).text
    assert deadline_text(copy) not in client.get(APPLY).text
    call_command("publish_cycle", copy.slug)
    assert deadline_text(copy) in client.get(APPLY).text
    interviews = client.get(INTERVIEWS).text
    for interview in InterviewDate.objects.filter(track_application__cycle=copy):
        assert interview_text(interview) in interviews
    source.refresh_from_db()
    copy.refresh_from_db()
    assert source.status == ApplicationCycle.Status.ARCHIVED
    assert copy.status == ApplicationCycle.Status.LIVE


def test_a_scheduled_cycle_goes_live_at_its_time_and_the_cache_does_not_outlast_it(client):
    old = ApplicationCycle.objects.live()
    new = ApplicationCycleFactory(publish_at=None)
    at = timezone.now() + datetime.timedelta(hours=2)
    call_command("publish_cycle", new.slug, "--at", timezone.localtime(at).replace(tzinfo=None).isoformat())
    new.refresh_from_db()
    assert new.status == ApplicationCycle.Status.SCHEDULED
    assert deadline_text(old) in client.get(APPLY).text  # now in the page cache
    with time_machine.travel(at - datetime.timedelta(seconds=1)):
        assert deadline_text(old) in client.get(APPLY).text
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert new.status == ApplicationCycle.Status.LIVE
        old.refresh_from_db()
        assert old.status == ApplicationCycle.Status.ARCHIVED
        text = client.get(APPLY).text
        assert deadline_text(new) in text
        assert deadline_text(old) not in text


def test_a_scheduled_publication_needs_a_future_time():
    cycle = ApplicationCycleFactory(publish_at=None)
    with pytest.raises(CommandError):
        call_command("publish_cycle", cycle.slug, "--at", "2000-01-01T09:00")
    with pytest.raises(CommandError):
        call_command("publish_cycle", cycle.slug, "--at", "not a time")
    cycle.refresh_from_db()
    assert cycle.status == ApplicationCycle.Status.DRAFT


def test_returning_the_live_cycle_to_draft_shows_the_one_before_again(client):
    old = ApplicationCycle.objects.live()
    new = ApplicationCycleFactory(publish_at=None)
    new.publish()
    assert ApplicationCycle.objects.live() == new
    new.unpublish()
    assert ApplicationCycle.objects.live() == old
    assert deadline_text(old) in client.get(APPLY).text


def test_exactly_one_cycle_is_live():
    ApplicationCycleFactory.create_batch(3)
    now = timezone.now()
    live = ApplicationCycle.objects.live()
    statuses = [cycle.status_at(now, live) for cycle in ApplicationCycle.objects.all()]
    assert statuses.count(ApplicationCycle.Status.LIVE) == 1


@pytest.mark.parametrize("url", [APPLY, INTERVIEWS])
def test_a_cycle_whose_deadline_passed_says_it_has_closed(client, url):
    with time_machine.travel(ApplicationCycle.objects.live().deadline + datetime.timedelta(days=1)):
        text = client.get(url).text
    assert f"The {ApplicationCycle.objects.live().name} application cycle has closed." in text


@pytest.mark.parametrize("url", [APPLY, INTERVIEWS])
def test_an_open_cycle_does_not_say_it_has_closed_and_its_dates_are_not_past(client, url):
    cycle = open_cycle()
    text = client.get(url).text
    assert cycle.name in text
    assert "has closed" not in text
    assert "(past)" not in text


def test_the_page_cache_does_not_outlast_the_deadline(client):
    cycle = open_cycle()
    assert "has closed" not in client.get(APPLY).text
    with time_machine.travel(cycle.deadline + datetime.timedelta(seconds=1)):
        assert cycle.has_closed
        assert "has closed" in client.get(APPLY).text


def test_track_pages_say_the_cycle_has_closed(client):
    cycle = open_cycle()
    application = cycle.track_applications.get()
    url = application.track.get_absolute_url()
    assert "has closed" not in client.get(url).text
    with time_machine.travel(cycle.deadline + datetime.timedelta(days=1)):
        assert f"The {cycle.name} application cycle has closed." in client.get(url).text


def test_past_interview_days_are_shown_as_past(client):
    cycle = open_cycle()
    interview = InterviewDate.objects.get(track_application__cycle=cycle)
    with time_machine.travel(datetime.datetime.combine(interview.date, datetime.time(12), tzinfo=datetime.UTC)):
        assert "(past)" not in client.get(INTERVIEWS).text
    with time_machine.travel(
        datetime.datetime.combine(interview.date + datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC)
    ):
        assert "(past)" in client.get(INTERVIEWS).text


def test_times_are_labelled_eastern_time(client):
    cycle = open_cycle()
    text = client.get(APPLY).text
    assert f"{deadline_text(cycle)} at" in text
    assert "Eastern Time" in text
    assert " EDT" not in text and " EST" not in text


def test_every_page_says_when_its_content_last_changed(client):
    assert "content last changed" in client.get(APPLY).text
    assert "content last changed" in client.get(reverse("overview:track_list")).text


def test_has_closed_follows_the_deadline():
    cycle = open_cycle()
    assert not cycle.has_closed
    with time_machine.travel(cycle.deadline):
        assert cycle.has_closed


def test_a_draft_is_never_shown_to_the_public(client):
    draft = ApplicationCycleFactory(publish_at=None, name="Draft cycle", slug="draft-cycle")
    GraduateRequirementFactory(cycle=draft, text="A draft requirement")
    InterviewActivityFactory(cycle=draft, text="A draft activity")
    for url in [APPLY, INTERVIEWS, reverse("applications:graduates")]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert "Draft cycle" not in response.text
        assert "A draft" not in response.text


def test_past_requirement_dates_for_international_graduates_are_shown_as_past(client):
    cycle = open_cycle()
    requirement = GraduateRequirementFactory(cycle=cycle, date=timezone.localdate() + datetime.timedelta(days=10))
    url = reverse("applications:graduates")
    assert "(past)" not in client.get(url).text
    with time_machine.travel(
        datetime.datetime.combine(
            requirement.date + datetime.timedelta(days=1), datetime.time(17), tzinfo=datetime.UTC
        )
    ):
        assert "(past)" in client.get(url).text
