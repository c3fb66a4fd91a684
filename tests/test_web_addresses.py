"""Web addresses in the content accept only http and https: in admin, in load_content, from the shell, on the page."""

import json
import shutil
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from applications.factories import ApplicationCycleFactory
from applications.models import ApplicationCycle
from residency import content

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "ftp://x.org/",
]


def admin_form(user, cycle, **changes):
    """The application cycle's admin change form, as the coordinator would post it with `changes` typed in."""
    model_admin = admin.site._registry[ApplicationCycle]
    request = RequestFactory().get("/")
    request.user = user
    data = {key: value for key, value in model_to_dict(cycle).items() if value is not None}
    data["letters_tracks"] = [track.pk for track in data.get("letters_tracks", [])]
    data["deadline"] = cycle.deadline.strftime("%Y-%m-%d %H:%M")
    return model_admin.get_form(request, cycle)(data | changes, instance=cycle)


@pytest.mark.parametrize("address", HOSTILE)
def test_admin_refuses_an_address_that_is_not_http_or_https_next_to_the_field(coordinator, address):
    form = admin_form(coordinator, ApplicationCycleFactory(), med_peds_url=address)
    assert not form.is_valid()
    assert "http:// or https://" in " ".join(form.errors["med_peds_url"])


@pytest.mark.parametrize("address", ["https://example.org/med-peds", "http://example.org/"])
def test_admin_accepts_http_and_https(coordinator, address):
    form = admin_form(coordinator, ApplicationCycleFactory(), med_peds_url=address)
    assert "med_peds_url" not in form.errors, form.errors


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("www.example.org/revere", "Start the address with http:// or https://, e.g. https://www.example.org/revere."),
        (
            "https://exa mple.org",
            "“https://exa mple.org” has a space in it, and a web address has none: check for a typo.",
        ),
        (
            "mailto:office@example.org",
            "Only web addresses are linked: start it with http:// or https://, not “mailto:”.",
        ),
        (
            "https://",
            "“https://” is not a complete web address: after http:// or https:// comes a site name, "
            "e.g. https://www.example.org/page.",
        ),
    ],
)
def test_one_rule_everywhere_with_the_message_saying_exactly_what_is_wrong(coordinator, address, message):
    form = admin_form(coordinator, ApplicationCycleFactory(), med_peds_url=address)
    assert not form.is_valid()
    assert form.errors["med_peds_url"] == [message]
    # The same rule and words from the shell (and so from load_content, which validates every object).
    cycle = ApplicationCycleFactory()
    cycle.med_peds_url = address
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert error.value.message_dict["med_peds_url"] == [message]


def test_an_address_is_stored_as_typed_never_completed(coordinator):
    cycle = ApplicationCycleFactory()
    form = admin_form(coordinator, cycle, med_peds_url="  https://example.org/med-peds ")
    form.is_valid()
    assert "med_peds_url" not in form.errors
    assert form.cleaned_data["med_peds_url"] == "https://example.org/med-peds"


@pytest.mark.parametrize("address", HOSTILE[:1] + HOSTILE[3:])
def test_a_save_from_the_shell_is_refused(address):
    cycle = ApplicationCycleFactory()
    cycle.med_peds_url = address
    with pytest.raises(ValidationError), transaction.atomic():
        cycle.save()
    cycle.refresh_from_db()
    assert cycle.med_peds_url == ""


def test_load_content_refuses_a_javascript_address_and_changes_nothing(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(settings.CONTENT_FIXTURES_DIR, directory)
    objects = json.loads((directory / "applications.json").read_text())
    cycle = next(obj for obj in objects if obj["model"] == "applications.applicationcycle")
    cycle["fields"]["med_peds_url"] = "javascript:alert(1)"
    cycle["fields"]["med_peds_text"] = "Changed by the broken file."
    (directory / "applications.json").write_text(json.dumps(objects))
    before = tmp_path / "before"
    content.export(before)

    with pytest.raises(CommandError) as error:
        call_command("load_content", fixtures=directory)

    assert "applications.json" in str(error.value) and "med_peds_url" in str(error.value)
    after = tmp_path / "after"
    content.export(after)
    assert (after / "applications.json").read_text() == (before / "applications.json").read_text()


def test_an_address_that_reached_the_database_unchecked_is_not_rendered_as_a_link(client):
    cycle = ApplicationCycle.objects.current()
    # A raw update skips every check, as an import or a database console would.
    ApplicationCycle.objects.filter(pk=cycle.pk).update(med_peds_url="javascript:alert(1)", med_peds_text="Med-Peds")
    response = client.get(reverse("applications:apply"))
    assert response.status_code == HTTPStatus.OK
    assert "javascript:" not in response.text
    assert "Med-Peds" in response.text


def test_an_https_address_is_rendered_as_a_link(client):
    cycle = ApplicationCycle.objects.current()
    ApplicationCycle.objects.filter(pk=cycle.pk).update(med_peds_url="https://example.org/med-peds")
    assert 'href="https://example.org/med-peds"' in client.get(reverse("applications:apply")).text
