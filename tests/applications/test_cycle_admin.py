"""A coordinator rolls the cycle over in admin: copy, edit the days, preview, publish or schedule."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from applications import preview
from applications.models import ApplicationCycle, InterviewDate
from conftest import HTTPS

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


def test_publish_now_in_admin_makes_the_draft_live(client, coordinator_client, draft):
    response = coordinator_client.post(reverse("admin:applications_applicationcycle_publish", args=[draft.pk]), {})
    assert response.status_code == HTTPStatus.FOUND
    assert ApplicationCycle.objects.live() == draft
    assert deadline_text(draft) in Client(**HTTPS).get(APPLY).text


def test_schedule_in_admin_and_return_to_draft(coordinator_client, draft):
    at = timezone.localtime() + datetime.timedelta(days=3)
    url = reverse("admin:applications_applicationcycle_publish", args=[draft.pk])
    data = {"publish_at_0": at.strftime("%Y-%m-%d"), "publish_at_1": "09:00:00"}
    assert coordinator_client.post(url, data).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == ApplicationCycle.Status.SCHEDULED
    assert timezone.localtime(draft.publish_at).hour == 9
    unpublish = reverse("admin:applications_applicationcycle_unpublish", args=[draft.pk])
    assert coordinator_client.post(unpublish).status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == ApplicationCycle.Status.DRAFT


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
