"""A coordinator rolls the cycle over in admin: copy, edit the days, preview, publish or schedule."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone
from reversion.models import Version

from applications import preview
from applications.factories import ApplicationCycleFactory
from applications.models import ApplicationCycle, InterviewDate
from conftest import HTTPS
from tests.applications.test_cycles import open_cycle

pytestmark = pytest.mark.django_db

APPLY = reverse("applications:apply")


def deadline_text(cycle):
    return dateformat.format(timezone.localtime(cycle.deadline), "F j, Y")


@pytest.fixture
def draft(coordinator_client):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.post(
        reverse("admin:applications_applicationcycle_copy", args=[live.pk]), {"name": "Next cycle", "weeks": 52}
    )
    assert response.status_code == HTTPStatus.FOUND
    return ApplicationCycle.objects.get(slug="next-cycle")


def test_the_cycle_page_offers_preview_copy_and_publish(coordinator_client):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.get(reverse("admin:applications_applicationcycle_change", args=[live.pk]))
    assert response.status_code == HTTPStatus.OK
    for name in ["preview", "copy", "publish"]:
        assert reverse(f"admin:applications_applicationcycle_{name}", args=[live.pk]) in response.text
    assert "Live" in response.text


def test_copy_in_admin_suggests_the_next_name_and_makes_a_draft(coordinator_client, draft):
    live = ApplicationCycle.objects.live()
    form = coordinator_client.get(reverse("admin:applications_applicationcycle_copy", args=[live.pk]))
    assert form.status_code == HTTPStatus.OK
    assert draft.status == ApplicationCycle.Status.DRAFT
    assert draft.track_applications.count() == live.track_applications.count()


def test_copy_refuses_a_taken_name_on_the_field(coordinator_client):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.post(
        reverse("admin:applications_applicationcycle_copy", args=[live.pk]), {"name": live.name, "weeks": 52}
    )
    assert response.status_code == HTTPStatus.OK
    assert "already exists" in response.context["form"].errors["name"][0]


def test_a_preview_shows_the_draft_to_staff_only_marked_and_never_cached(coordinator_client, draft):
    live = ApplicationCycle.objects.live()
    public = Client(**HTTPS)
    assert deadline_text(live) in public.get(APPLY).text  # cached for the public
    response = coordinator_client.get(reverse("admin:applications_applicationcycle_preview", args=[draft.pk]))
    assert response.status_code == HTTPStatus.FOUND
    # The preview lives under the admin's path, where the session cookie is sent.
    assert response["Location"] == preview.address(APPLY)
    previewed = coordinator_client.get(response["Location"])
    assert deadline_text(draft) in previewed.text
    assert f"Preview of the {draft.name} cycle" in previewed.text
    assert '<meta name="robots" content="noindex, nofollow">' in previewed.text
    assert "noindex" in previewed["X-Robots-Tag"]
    assert "no-store" in previewed["Cache-Control"] and "private" in previewed["Cache-Control"]
    # Links inside the preview stay in it; the bar links back to the admin.
    assert f'href="{preview.address(reverse("applications:interviews"))}"' in previewed.text
    assert reverse("admin:applications_applicationcycle_change", args=[draft.pk]) in previewed.text
    # The track pages and the interview page show the draft too.
    interview = (
        InterviewDate.objects.filter(track_application__cycle=draft).select_related("track_application").first()
    )
    track_page = coordinator_client.get(preview.address(interview.track_application.track.get_absolute_url())).text
    assert dateformat.format(interview.date, "l F jS, Y") in track_page
    # The public never sees it, before or after, nor does the coordinator on the public address.
    for visitor in (public, coordinator_client):
        text = visitor.get(APPLY).text
        assert deadline_text(live) in text and "Preview" not in text
    coordinator_client.get(reverse("admin:applications_applicationcycle_stop_preview"))
    assert coordinator_client.get(preview.address(APPLY))["Location"] == APPLY


def test_a_preview_address_sends_anyone_else_to_the_public_page(coordinator_client, draft):
    coordinator_client.get(reverse("admin:applications_applicationcycle_preview", args=[draft.pk]))
    planner = reverse("applications:planner") + "?track=x"
    response = Client(**HTTPS).get(preview.address(planner))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == planner


def test_a_preview_session_of_a_user_no_longer_staff_shows_the_live_cycle(coordinator, coordinator_client, draft):
    coordinator_client.get(reverse("admin:applications_applicationcycle_preview", args=[draft.pk]))
    coordinator.is_staff = False
    coordinator.save()
    assert deadline_text(draft) not in coordinator_client.get(preview.address(APPLY), follow=True).text


def test_publish_now_in_admin_asks_first_then_makes_the_draft_live(client, coordinator_client, draft):
    live = ApplicationCycle.objects.live()
    url = reverse("admin:applications_applicationcycle_publish", args=[draft.pk])
    confirm = coordinator_client.post(url, {})
    assert confirm.status_code == HTTPStatus.OK
    assert f"show the {draft.name} cycle from now on, in place of {live.name}" in confirm.text
    assert ApplicationCycle.objects.live() == live
    response = coordinator_client.post(url, {"confirmed": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert ApplicationCycle.objects.live() == draft
    assert deadline_text(draft) in Client(**HTTPS).get(APPLY).text


def test_schedule_in_admin_and_return_to_draft_after_saying_what_the_site_shows(coordinator_client):
    live = open_cycle()
    draft = live.copy("Next cycle")
    at = timezone.localtime() + datetime.timedelta(days=3)
    url = reverse("admin:applications_applicationcycle_publish", args=[draft.pk])
    data = {"publish_at_0": at.strftime("%Y-%m-%d"), "publish_at_1": "09:00:00"}
    # A cycle whose deadline is ahead is scheduled without a confirmation page.
    assert coordinator_client.post(url, data).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == ApplicationCycle.Status.SCHEDULED
    assert timezone.localtime(draft.publish_at).hour == 9
    unpublish = reverse("admin:applications_applicationcycle_unpublish", args=[draft.pk])
    page = coordinator_client.get(unpublish)
    assert page.status_code == HTTPStatus.OK and "the public site does not change" in page.text
    draft.refresh_from_db()
    assert draft.status == ApplicationCycle.Status.SCHEDULED
    assert coordinator_client.post(unpublish).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == ApplicationCycle.Status.DRAFT


def test_returning_the_live_cycle_to_draft_names_the_cycle_shown_instead(coordinator_client):
    older = open_cycle()
    newer = open_cycle()
    newer.publish()
    page = coordinator_client.get(reverse("admin:applications_applicationcycle_unpublish", args=[newer.pk]))
    assert f"shows {older.name} again" in page.text
    assert ApplicationCycle.objects.live() == newer


def test_publishing_a_cycle_whose_deadline_passed_is_confirmed_even_when_scheduled(coordinator_client):
    closed = ApplicationCycleFactory(publish_at=None, deadline=timezone.now() - datetime.timedelta(days=400))
    at = timezone.localtime() + datetime.timedelta(days=3)
    url = reverse("admin:applications_applicationcycle_publish", args=[closed.pk])
    data = {"publish_at_0": at.strftime("%Y-%m-%d"), "publish_at_1": "09:00:00"}
    page = coordinator_client.post(url, data)
    assert page.status_code == HTTPStatus.OK
    assert "has passed" in page.text and "has closed" in page.text
    closed.refresh_from_db()
    assert closed.publish_at is None
    assert coordinator_client.post(url, data | {"confirmed": "on"}).status_code == HTTPStatus.FOUND
    closed.refresh_from_db()
    assert closed.status == ApplicationCycle.Status.SCHEDULED


def test_schedule_in_the_past_is_refused_on_the_field(coordinator_client, draft):
    url = reverse("admin:applications_applicationcycle_publish", args=[draft.pk])
    response = coordinator_client.post(url, {"publish_at_0": "2001-01-01", "publish_at_1": "09:00:00"})
    assert response.status_code == HTTPStatus.OK
    assert "future" in response.context["form"].errors["publish_at"][0]


def test_interview_days_are_edited_from_the_cycle_one_per_line(coordinator_client, draft):
    response = coordinator_client.get(reverse("admin:applications_applicationcycle_change", args=[draft.pk]))
    assert response.status_code == HTTPStatus.OK
    application = draft.track_applications.first()
    first = application.interview_dates.first()
    assert first.date.isoformat() in response.text
    assert "Texts to review" in response.text or "texts to review" in response.text


def test_view_on_site_opens_a_drafts_preview_and_the_live_cycles_page(coordinator_client):
    live = open_cycle()
    draft = live.copy("Next cycle")
    page = coordinator_client.get(reverse("admin:applications_applicationcycle_change", args=[draft.pk])).text
    assert (
        f'href="{reverse("admin:applications_applicationcycle_preview", args=[draft.pk])}" class="viewsitelink"'
        in page
    )
    page = coordinator_client.get(reverse("admin:applications_applicationcycle_change", args=[live.pk])).text
    assert f'href="{APPLY}" class="viewsitelink"' in page


def test_texts_to_review_show_old_and_new_and_are_marked_reviewed_from_the_cycle_page(coordinator_client):
    source = ApplicationCycleFactory(match_intro="For the 2030-2031 year.", away_rotations="Open in 2030.")
    draft = source.copy("Next cycle")
    page = coordinator_client.get(reverse("admin:applications_applicationcycle_change", args=[draft.pk])).text
    assert "Texts to review (2)" in page
    assert "For the 2030-2031 year." in page and "For the 2031-2032 year." in page
    reviewed = reverse("admin:applications_applicationcycle_reviewed", args=[draft.pk])
    labels = [item["label"] for item in draft.review_items()]
    assert coordinator_client.post(reviewed, {"text": ["0"]}).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert [item["label"] for item in draft.review_items()] == labels[1:]
    assert coordinator_client.post(reviewed, {"all": "Mark all"}).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.texts_to_review == []
    assert Version.objects.get_for_object(draft).first().revision.comment == "Marked 1 text as reviewed"


def test_the_next_step_follows_the_state_of_the_cycles(coordinator_client):
    index = reverse("admin:index")
    now = timezone.now()
    live = ApplicationCycleFactory(
        publish_at=now - datetime.timedelta(days=2),
        deadline=now - datetime.timedelta(days=1),
        match_intro="For the 2030-2031 year.",
    )
    assert "Copy to a new draft cycle" in next_step(coordinator_client.get(index).text)
    draft = live.copy("Next cycle")
    assert "review the 1 text" in next_step(coordinator_client.get(index).text)
    draft.texts_to_review = []
    draft.save()
    assert f"preview {draft.name}" in next_step(coordinator_client.get(index).text)
    draft.publish(timezone.now() + datetime.timedelta(days=2))
    assert next_step(coordinator_client.get(index).text) == ""


def next_step(text):
    start = text.find('class="next-step"')
    return "" if start < 0 else text[start : text.index("</p>", start)]


def test_the_publish_page_loads_the_styles_of_its_date_and_time_buttons(coordinator_client):
    draft = ApplicationCycleFactory(publish_at=None)
    page = coordinator_client.get(reverse("admin:applications_applicationcycle_publish", args=[draft.pk])).text
    assert "admin/css/forms.css" in page and "admin/js/admin/DateTimeShortcuts.js" in page
