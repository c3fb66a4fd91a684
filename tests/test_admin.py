"""Coordinators keep the site up to date in admin; they reach content and nothing else."""

from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from residency.content import CONTENT_APPS
from sites.models import Practice
from tests.forms import practice_form

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [model for label in CONTENT_APPS for model in apps.get_app_config(label).get_models()]


def test_coordinator_group_holds_every_content_permission_and_nothing_else():
    group = Group.objects.get(name__contains="Coordinator")
    expected = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    assert set(group.permissions.all()) == set(expected)
    assert expected.count() == 4 * len(CONTENT_MODELS)
    assert not group.permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.label)
def test_every_content_model_is_in_admin(model):
    assert admin.site.is_registered(model) or model._meta.model_name in {
        "pathwayleader",
        "pathwayitem",
        "conferenceformat",
        "letterrequirement",
        "interviewdate",
        "interviewactivity",
    }


@pytest.mark.parametrize("model", [m for m in CONTENT_MODELS if admin.site.is_registered(m)], ids=str)
def test_coordinator_can_open_every_list_add_and_change_screen(coordinator_client, model):
    opts = model._meta
    changelist = coordinator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert (
        coordinator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == HTTPStatus.OK
    )
    obj = model.objects.first()
    change = coordinator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == HTTPStatus.OK


def test_search_and_filters_work_on_the_sites_list(coordinator_client):
    url = reverse("admin:sites_practice_changelist")
    response = coordinator_client.get(url, {"q": "Chelsea"})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [Practice.objects.get(slug="chelsea-healthcare-center")]
    response = coordinator_client.get(url, {"is_health_center__exact": "1"})
    assert response.context["cl"].result_count == 4


def test_coordinator_edit_of_a_site_shows_on_the_public_page(client, coordinator_client):
    practice = Practice.objects.get(slug="beacon-hill-primary-care")
    data = practice_form(
        practice,
        residents_min=4,
        residents_max=12,
        description="Beacon Hill Primary Care now also offers evening hours.",
    )
    response = coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors

    page = client.get(practice.get_absolute_url())
    assert "Beacon Hill Primary Care now also offers evening hours." in page.text
    assert "<dd>4-12</dd>" in page.text


def test_coordinator_gets_a_clear_error_for_an_impossible_range(coordinator_client):
    practice = Practice.objects.get(slug="beacon-hill-primary-care")
    data = practice_form(practice, residents_min=10, residents_max=2)
    response = coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert "The most residents cannot be fewer than the fewest." in response.text
    practice.refresh_from_db()
    assert (practice.residents_min, practice.residents_max) == (2, 10)


@pytest.mark.parametrize("name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"])
def test_coordinator_cannot_reach_users_or_groups(coordinator_client, name):
    assert coordinator_client.get(reverse(name)).status_code == HTTPStatus.FORBIDDEN


def test_admin_index_shows_coordinators_only_content(coordinator_client):
    response = coordinator_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert "Continuity practice sites" in response.text
    assert "Authentication and Authorization" not in response.text


def test_coordinator_edits_a_tracks_interview_dates_inline(client, coordinator_client):
    from applications.models import TrackApplication

    application = TrackApplication.objects.get(track__slug="preliminary")
    dates = list(application.interview_dates.all())
    data = {
        "cycle": application.cycle.pk,
        "track": application.track.pk,
        "application_name": application.application_name,
        "is_exclusive": "on",
        "rule": application.rule,
        "interview_heading": application.interview_heading,
        "order": application.order,
        "interview_dates-TOTAL_FORMS": len(dates) + 1,
        "interview_dates-INITIAL_FORMS": len(dates),
        "interview_dates-MIN_NUM_FORMS": 0,
        "interview_dates-MAX_NUM_FORMS": 1000,
    }
    for i, interview in enumerate(dates):
        data |= {
            f"interview_dates-{i}-id": interview.pk,
            f"interview_dates-{i}-track_application": application.pk,
            f"interview_dates-{i}-date": interview.date.isoformat(),
            f"interview_dates-{i}-second_date": "",
        }
    data |= {f"interview_dates-{len(dates)}-date": "2021-01-29", f"interview_dates-{len(dates)}-second_date": ""}
    response = coordinator_client.post(
        reverse("admin:applications_trackapplication_change", args=[application.pk]), data
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Friday January 29th, 2021" in client.get(reverse("applications:interviews")).text
