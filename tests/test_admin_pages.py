"""The admin's own error pages, with a way back; and a clinic's web address, from admin to its page."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from conftest import HTTPS
from programs.factories import TrackFactory
from sites.factories import PracticeFactory
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


def test_the_admins_403_is_its_own_page_with_the_reason_and_a_way_back(django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_benefit"))
    browser = Client(**HTTPS)
    browser.force_login(user)
    came_from = "https://testserver" + reverse("admin:programs_benefit_changelist")
    response = browser.get(reverse("admin:sites_practice_add"), HTTP_REFERER=came_from)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Residency site administration" in response.text and "Nothing was changed" in response.text
    assert f'href="{reverse("admin:programs_benefit_changelist")}"' in response.text
    assert f'href="{reverse("admin:index")}"' in response.text


def test_the_admins_404_is_its_own_page_with_a_way_back(coordinator_client):
    response = coordinator_client.get(
        reverse("admin:sites_practice_history", args=[999999]) + "compare/?version_id1=1&version_id2=2"
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Recover deleted" in response.text and f'href="{reverse("admin:index")}"' in response.text
    # A link from another site is not offered as the way back.
    response = coordinator_client.get("/admin/no-such-page/", HTTP_REFERER="https://elsewhere.example.org/")
    assert response.status_code == HTTPStatus.NOT_FOUND and "elsewhere" not in response.text


def test_the_public_site_keeps_its_own_error_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Residency site administration" not in response.text


def test_a_clinics_web_address_is_set_in_admin_and_linked_from_its_page(client, coordinator_client):
    practice = PracticeFactory(tracks=[TrackFactory()])
    address = reverse("admin:sites_practice_change", args=[practice.pk])
    page = coordinator_client.get(address)
    refused = coordinator_client.post(address, form_data(page, url="www.example.org/clinic"))
    assert refused.context["adminform"].form.errors["url"] == [
        "Start the address with http:// or https://, e.g. https://www.example.org/clinic."
    ]
    saved = coordinator_client.post(address, form_data(page, url="https://www.example.org/clinic"))
    assert saved.status_code == HTTPStatus.FOUND
    assert 'href="https://www.example.org/clinic"' in client.get(practice.get_absolute_url()).text
