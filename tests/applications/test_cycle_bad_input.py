"""Hostile or careless input to the cycle's admin forms is refused with a message, never a 500."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.forms import parse_interview_lines
from applications.models import ApplicationCycle

pytestmark = pytest.mark.django_db


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_pasted_interview_days_are_parsed_or_refused(text):
    try:
        days = parse_interview_lines(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert len(days) == len([line for line in text.splitlines() if line.strip()])
        assert all(isinstance(first, datetime.date) for first, _ in days)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "weeks": "52"},
        {"name": "x" * 5000, "weeks": "52"},
        {"name": "ok", "weeks": "-1"},
        {"name": "ok", "weeks": "9" * 40},
        {"name": "!!!", "weeks": "52"},
        {"name": "\x00", "weeks": "x"},
    ],
)
def test_the_copy_form_refuses_junk(coordinator_client, data):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.post(reverse("admin:applications_applicationcycle_copy", args=[live.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "data",
    [
        {"publish_at_0": "2031-02-30", "publish_at_1": "09:00"},
        {"publish_at_0": "x" * 3000, "publish_at_1": "25:99"},
        {"publish_at_0": "2031-01-01"},
    ],
)
def test_the_publish_form_refuses_junk(coordinator_client, data):
    live = ApplicationCycle.objects.live()
    response = coordinator_client.post(reverse("admin:applications_applicationcycle_publish", args=[live.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors


@pytest.mark.parametrize("name", ["copy", "publish", "unpublish", "preview"])
def test_unknown_cycles_answer_not_found(coordinator_client, name):
    response = coordinator_client.get(reverse(f"admin:applications_applicationcycle_{name}", args=[999999]))
    assert response.status_code == HTTPStatus.NOT_FOUND
