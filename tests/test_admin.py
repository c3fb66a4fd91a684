"""Coordinators keep the site up to date in admin; they reach content and nothing else."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from programs.factories import TrackFactory
from residency.content import content_apps, content_models
from residency.coordinators import GROUP_NAME
from sites.factories import PracticeFactory
from sites.models import Practice
from tests.forms import practice_form

pytestmark = pytest.mark.django_db

CONTENT_MODELS = content_models()
# Models edited inline on the admin page of another model.
INLINE_MODELS = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}


def content_permissions():
    return Permission.objects.filter(content_type__in=ContentType.objects.get_for_models(*CONTENT_MODELS).values())


def test_coordinator_group_holds_every_content_permission_and_nothing_else():
    group = Group.objects.get(name=GROUP_NAME)
    assert set(group.permissions.all()) == set(content_permissions())
    assert content_permissions().count() == 4 * len(CONTENT_MODELS)
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_a_new_content_model_is_editable_by_coordinators_after_migrate():
    # As on a deployment that has never seen the model: no permissions for it, none in the group.
    model = CONTENT_MODELS[-1]
    Permission.objects.filter(content_type=ContentType.objects.get_for_model(model)).delete()
    group = Group.objects.get(name=GROUP_NAME)
    assert not group.permissions.filter(content_type__model=model._meta.model_name).exists()

    call_command("migrate", verbosity=0)

    codenames = set(
        group.permissions.filter(content_type=ContentType.objects.get_for_model(model)).values_list(
            "codename", flat=True
        )
    )
    assert codenames == {f"{action}_{model._meta.model_name}" for action in ("add", "change", "delete", "view")}


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.label)
def test_every_content_model_is_in_admin(model):
    assert admin.site.is_registered(model) or model in INLINE_MODELS, (
        f"{model._meta.label} is content: register it in admin, or as an inline of a model that is"
    )


def test_text_typed_in_a_browser_is_stored_with_plain_line_endings(coordinator_client):
    practice = Practice.objects.first()
    data = practice_form(practice, description="First paragraph.\r\n\r\nSecond paragraph,\r\nsame one.")
    response = coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors
    practice.refresh_from_db()
    assert practice.description == "First paragraph.\n\nSecond paragraph,\nsame one."


def test_text_saved_from_the_shell_is_stored_with_plain_line_endings():
    practice = Practice.objects.first()
    practice.description = "One.\r\rTwo.\r\n"
    practice.save()
    practice.refresh_from_db()
    assert practice.description == "One.\n\nTwo.\n"


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
    wanted = PracticeFactory(name="Quillback Harbor Clinic", is_health_center=True, tracks=[TrackFactory()])
    response = coordinator_client.get(url, {"q": "Quillback"})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [wanted]
    response = coordinator_client.get(url, {"is_health_center__exact": "1"})
    assert set(response.context["cl"].result_list) == set(Practice.objects.filter(is_health_center=True))
    assert wanted in response.context["cl"].result_list and Practice.objects.filter(is_health_center=False).exists()


def test_coordinator_edit_of_a_site_shows_on_the_public_page(client, coordinator_client):
    practice = Practice.objects.first()
    data = practice_form(
        practice,
        residents_min=4,
        residents_max=12,
        description=f"{practice.name} now also offers evening hours.",
    )
    response = coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors

    page = client.get(practice.get_absolute_url())
    assert f"{practice.name} now also offers evening hours." in page.text
    assert "<dd>4-12</dd>" in page.text


def test_coordinator_gets_a_clear_error_for_an_impossible_range(coordinator_client):
    practice = Practice.objects.first()
    before = (practice.residents_min, practice.residents_max)
    data = practice_form(practice, residents_min=10, residents_max=2)
    response = coordinator_client.post(reverse("admin:sites_practice_change", args=[practice.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert "The most residents cannot be fewer than the fewest." in response.text
    practice.refresh_from_db()
    assert (practice.residents_min, practice.residents_max) == before


@pytest.mark.parametrize("name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"])
def test_coordinator_cannot_reach_users_or_groups(coordinator_client, name):
    assert coordinator_client.get(reverse(name)).status_code == HTTPStatus.FORBIDDEN


def test_admin_index_shows_coordinators_only_content(coordinator_client):
    response = coordinator_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    for config in content_apps():
        assert config.verbose_name in response.text
    assert "Authentication and Authorization" not in response.text


def test_coordinator_edits_a_tracks_interview_dates_inline(client, coordinator_client):
    from applications.models import TrackApplication

    application = TrackApplication.objects.of_current_cycle().filter(interview_dates__isnull=False).first()
    dates = list(application.interview_dates.all())
    new_day = (dates[-1].second_date or dates[-1].date) + datetime.timedelta(days=1)
    data = {
        "cycle": application.cycle.pk,
        "track": application.track.pk,
        "application_name": application.application_name,
        **({"is_exclusive": "on"} if application.is_exclusive else {}),
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
            f"interview_dates-{i}-second_date": interview.second_date.isoformat() if interview.second_date else "",
        }
    data |= {
        f"interview_dates-{len(dates)}-date": new_day.isoformat(),
        f"interview_dates-{len(dates)}-second_date": "",
    }
    response = coordinator_client.post(
        reverse("admin:applications_trackapplication_change", args=[application.pk]), data
    )
    assert response.status_code == HTTPStatus.FOUND
    new_interview = application.interview_dates.get(date=new_day)
    assert new_interview.label in client.get(reverse("applications:interviews")).text


def test_a_site_added_in_admin_gets_its_slug_from_its_name_and_goes_last(client, coordinator_client):
    track = Practice.objects.first().tracks.first()
    data = {
        "name": "Harbor View Clinic",
        "slug": "",
        "tracks": [track.pk],
        "residents_label": "Residents Placed",
        "residents_min": 2,
        "residents_max": 4,
        "description": "A new site.",
    }
    response = coordinator_client.post(reverse("admin:sites_practice_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors
    added = Practice.objects.get(name="Harbor View Clinic")
    assert added.slug == "harbor-view-clinic"
    assert list(Practice.objects.all())[-1] == added
    assert client.get(added.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", [m for m in CONTENT_MODELS if admin.site.is_registered(m)], ids=str)
def test_slugs_are_kept_under_a_collapsed_advanced_section_and_order_is_dragged(coordinator_client, model):
    opts = model._meta
    obj = model.objects.first()
    form = coordinator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).text
    # A slug is filled in from the name: either not on the form at all, or under a collapsed "Advanced".
    if 'name="slug"' in form:
        before_slug = form[: form.index('name="slug"')]
        assert "Advanced" in before_slug and "collapse" in before_slug[before_slug.rindex("<fieldset") :]
    assert 'name="order"' not in form, f"{opts.label}: coordinators put items in order by dragging, not typing"
