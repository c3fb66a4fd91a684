"""/apply/planner/ answers for the tracks ticked, from the cycle's stored rules; the answer is its address."""

import datetime
import itertools
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.rules import current_rules
from programs.factories import TrackFactory
from programs.models import Track

pytestmark = pytest.mark.django_db

PLANNER = reverse("applications:planner")


def plan_page(client, *tracks):
    response = client.get(PLANNER, {"track": [track.slug for track in tracks]})
    assert response.status_code == HTTPStatus.OK
    return response.text


def test_every_pair_of_tracks_gets_the_answer_its_rules_give(client):
    rules = current_rules()
    for first, second in itertools.combinations(rules.applications, 2):
        text = plan_page(client, first.track, second.track)
        plan = rules.plan([first.track, second.track])
        if plan.conflicting:
            assert "cannot be applied to together" in text
            for application in plan.conflicting:
                assert escape(application.rule) in text
        elif plan.exclusive:
            assert f"If you select the {escape(plan.exclusive.application_name)}, you will only be considered" in text
            assert escape(plan.exclusive.rule) in text
        else:
            assert "simultaneously" in text
            assert escape(rules.cycle.simultaneous_review) in text
        for ranking in plan.rankings:
            assert f"NRMP #{ranking.number}" in text
        for application in plan.considered:
            for interview in application.interview_dates.all():
                assert f'datetime="{interview.date:%Y-%m-%d}"' in text


def test_each_track_alone_lists_its_number_its_days_its_letters_and_the_key_dates(client):
    rules = current_rules()
    cycle = rules.cycle
    for application in rules.applications:
        text = plan_page(client, application.track)
        ranking = rules.ranking_for(application.track)
        if ranking:
            assert f"NRMP #{ranking.number}" in text
        if rules.letters_for(application.track):
            for letter in cycle.letters.all():
                assert escape(letter.text) in text
        else:
            assert "not stated" in text
        assert f'datetime="{cycle.invitations_by:%Y-%m-%d}"' in text
        assert f'datetime="{cycle.step2_deadline:%Y-%m-%d}"' in text


def test_a_rule_changed_in_admin_changes_the_answer(client):
    rules = current_rules()
    combinable = [application for application in rules.applications if not application.is_exclusive][:2]
    assert "simultaneously" in plan_page(client, *[application.track for application in combinable])
    combinable[1].is_exclusive = True
    combinable[1].rule = "Only this one, from now on."
    combinable[1].save()
    text = plan_page(client, *[application.track for application in combinable])
    assert "simultaneously" not in text
    assert "Only this one, from now on." in text


def test_a_new_track_is_offered_at_once(client):
    application = TrackApplicationFactory(cycle=current_rules().cycle, track=TrackFactory(name="Rural Health"))
    assert f'value="{application.track.slug}"' in client.get(PLANNER).text
    assert "Rural Health" in plan_page(client, application.track)


def test_the_plan_is_its_address_shared_in_any_order_and_nothing_is_stored(client, django_assert_num_queries):
    first, second = current_rules().applications[:2]
    query = f"track={first.track.slug}&track={second.track.slug}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{PLANNER}?{query}")
    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not response.cookies
    assert f'href="{PLANNER}?{escape(query)}"' in response.text
    with django_assert_num_queries(0):
        reordered = client.get(f"{PLANNER}?track={second.track.slug},{first.track.slug}&track=junk&utm=1")
    assert reordered.content == response.content


def test_more_tracks_than_are_cached_are_still_answered(client):
    tracks = [application.track for application in current_rules().applications]
    assert len(tracks) > 3
    text = plan_page(client, *tracks)
    assert "Your plan" in text


def test_every_track_is_offered_and_one_the_cycle_does_not_list_is_answered_as_such(client):
    rules = current_rules()
    outside = TrackFactory(name="Rural Health")
    form = client.get(PLANNER).text.split('class="tool-form planner-form"', 1)[1].split("</form>", 1)[0]
    for track in Track.objects.all():
        assert f'value="{track.slug}"' in form
    assert f"(not in the {escape(rules.cycle.name)} application rules)" in form
    text = plan_page(client, outside, rules.applications[0].track)
    assert f"do not list the {escape(outside.name)} track" in text
    assert f'href="{outside.get_absolute_url()}"' in text


@pytest.fixture
def shared_cycle():
    """A cycle of this test's own: one track interviews on single days, another over two days, the second shared."""
    cycle = ApplicationCycleFactory(deadline=timezone.now() + datetime.timedelta(days=20))
    single = TrackApplicationFactory(cycle=cycle, track=TrackFactory(name="Alpha"))
    double = TrackApplicationFactory(cycle=cycle, track=TrackFactory(name="Beta"))
    start = timezone.localdate() + datetime.timedelta(days=40)
    for week in range(3):
        monday = start + datetime.timedelta(weeks=week)
        InterviewDateFactory(track_application=single, date=monday + datetime.timedelta(days=1))
        InterviewDateFactory(track_application=double, date=monday, second_date=monday + datetime.timedelta(days=1))
    InterviewDateFactory(track_application=single, date=start + datetime.timedelta(days=3))
    return single, double


def words(html):
    """The page's text as a reader sees it: runs of white space as one space."""
    return " ".join(html.split())


def test_shared_interview_days_are_spelled_out_from_the_stored_dates(client, shared_cycle):
    single, double = shared_cycle
    text = words(plan_page(client, single.track, double.track))
    assert "On all 3 two-day interviews listed, the second day is also one of the Alpha interview days." in text
    assert "3 of the 4 interview days listed are also Beta interview days." in text
    assert text.count('<span class="shared-day">also Alpha</span>') == 3
    assert text.count('<span class="shared-day">also Beta</span>') == 3
    # The interview page says so too; moving a day in admin changes it.
    assert "the second day is also one of the Alpha interview days" in words(
        client.get(reverse("applications:interviews")).text
    )
    moved = single.interview_dates.first()
    moved.date += datetime.timedelta(days=1)
    moved.save()
    assert "On 2 of the 3 two-day interviews listed" in words(plan_page(client, double.track))


def test_the_planner_says_when_the_cycle_has_closed_and_still_answers(client, shared_cycle):
    single, double = shared_cycle
    with time_machine.travel(single.cycle.deadline + datetime.timedelta(days=1)):
        text = plan_page(client, single.track, double.track)
    assert f"The {escape(single.cycle.name)} application cycle has closed." in text
    assert "simultaneously" in text
    assert "Dates for the next cycle" not in text
