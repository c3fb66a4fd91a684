"""The program's data as JSON and CSV: complete against the database, documented, open, read-only, cached."""

import csv
import datetime
import io
import json
from http import HTTPStatus

import jsonschema
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from applications.factories import ApplicationCycleFactory
from applications.models import ApplicationCycle, InterviewDate, TrackApplication
from opendata import data, views
from opendata.views import SCHEMA
from programs.factories import TrackFactory
from programs.models import Track
from residency import content
from residency.content import content_models
from sites.factories import PracticeFactory
from sites.models import Practice

pytestmark = pytest.mark.django_db

CSV_FILES = [f"opendata:csv-{table}" for table in data.TABLES]
ALL_FILES = ["opendata:json", "opendata:schema", *CSV_FILES]


def get_json(client):
    response = client.get(reverse("opendata:json"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def get_csv(client, table):
    response = client.get(reverse(f"opendata:csv-{table}"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_json_file_follows_its_published_json_schema(client):
    schema = json.loads(client.get(reverse("opendata:schema")).content)
    assert schema == json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = get_json(client)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    assert document["$schema"] == settings.SITE_URL + reverse("opendata:schema")


def test_the_schema_refuses_a_file_with_a_table_missing(client):
    schema = json.loads(SCHEMA.read_text())
    document = get_json(client)
    del document["interview_days"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_every_file_names_its_cycle_and_its_state(client):
    cycle = ApplicationCycle.objects.current()
    state = "closed" if cycle.has_closed else "open"
    document = get_json(client)
    assert (document["cycle"], document["cycle_state"]) == (cycle.name, state)
    for table in data.TABLES:
        rows = get_csv(client, table)
        assert rows, table
        assert {(row["cycle"], row["cycle_state"]) for row in rows} == {(cycle.name, state)}


def test_a_cycle_open_or_closed_says_so(client):
    cycle = ApplicationCycleFactory(deadline=timezone.now() + datetime.timedelta(days=3))
    assert get_json(client)["cycle_state"] == "open"
    with time_machine.travel(cycle.deadline + datetime.timedelta(minutes=1)):
        assert get_json(client)["cycle_state"] == "closed"
        assert {row["cycle_state"] for row in get_csv(client, "key-dates")} == {"closed"}


def test_each_file_is_dated_by_the_content_it_holds_never_by_a_load(client, tmp_path):
    later = datetime.datetime(2041, 3, 4, 15, 0, tzinfo=datetime.UTC)
    for model in content_models():
        model._base_manager.update(changed_at=later)
    content.export(tmp_path)
    clinic = Practice.objects.first()
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        clinic.save()
    edited = later + datetime.timedelta(days=1)
    assert datetime.datetime.fromisoformat(get_json(client)["content_changed_at"]) == edited
    assert {datetime.datetime.fromisoformat(row["content_changed_at"]) for row in get_csv(client, "clinics")} == {
        edited
    }
    assert {datetime.datetime.fromisoformat(row["content_changed_at"]) for row in get_csv(client, "tracks")} == {later}
    # A load puts back the times the fixtures hold, whenever it runs.
    with time_machine.travel(later + datetime.timedelta(days=30), tick=False):
        call_command("load_content", fixtures=tmp_path, discard_unexported=True, verbosity=0)
        assert datetime.datetime.fromisoformat(get_json(client)["content_changed_at"]) == later


def test_pages_are_given_as_page_urls_and_dates_by_whole_names(client):
    document = get_json(client)
    for kind, model in (("tracks", Track), ("clinics", Practice)):
        for row in document[kind]:
            assert "address" not in row
            assert row["page_url"] == settings.SITE_URL + model.objects.get(slug=row["slug"]).get_absolute_url()
    assert {row["page_url"] for row in get_csv(client, "tracks")} == {row["page_url"] for row in document["tracks"]}
    cycle = ApplicationCycle.objects.current()
    names = {entry["name"]: entry["date"] for entry in document["key_dates"]}
    for requirement in cycle.graduate_requirements.exclude(date=None):
        assert names[f"{requirement.text} {date_format(requirement.date, 'F j, Y')}"] == requirement.date.isoformat()
    for name in names:
        assert name.split()[-1].lower() not in {"is", "by", "on", "before", "of", "for", "the"}, name


def test_every_nrmp_number_and_every_interview_day_is_in_both_formats(client):
    cycle = ApplicationCycle.objects.current()
    numbers = set(Track.objects.in_match().values_list("nrmp_number", flat=True))
    days = {
        (
            day.track_application.track.slug,
            day.date.isoformat(),
            day.second_date.isoformat() if day.second_date else "",
        )
        for day in InterviewDate.objects.filter(track_application__cycle=cycle).select_related(
            "track_application__track"
        )
    }
    assert numbers and days
    document = get_json(client)
    assert {track["nrmp_number"] for track in document["tracks"]} - {None} == numbers
    assert {(d["track"], d["date"], d["second_date"] or "") for d in document["interview_days"]} == days
    assert {row["nrmp_number"] for row in get_csv(client, "tracks")} - {""} == numbers
    assert {(row["track"], row["date"], row["second_date"]) for row in get_csv(client, "interview-days")} == days


def test_clinics_rules_and_key_dates_match_the_database(client):
    cycle = ApplicationCycle.objects.current()
    document = get_json(client)
    clinics = {clinic["slug"]: set(clinic["tracks"]) for clinic in document["clinics"]}
    assert clinics == {
        practice.slug: {track.slug for track in practice.tracks.all()} for practice in Practice.objects.all()
    }
    rules = {rule["track"]: rule["considered_for_this_track_only"] for rule in document["application_rules"]}
    assert rules == dict(TrackApplication.objects.filter(cycle=cycle).values_list("track__slug", "is_exclusive"))
    dates = {datetime.datetime.fromisoformat(entry["date"]) for entry in document["key_dates"]}
    assert cycle.deadline in dates
    days = {entry["date"] for entry in document["key_dates"]}
    assert {cycle.invitations_by.isoformat(), cycle.step2_deadline.isoformat()} <= days
    csv_clinics = {row["slug"]: set(row["tracks"].split()) for row in get_csv(client, "clinics")}
    assert csv_clinics == clinics


def test_a_coordinators_edit_shows_in_the_files_at_once(client):
    get_json(client)
    track = TrackFactory(nrmp_number="9999999X9")
    assert "9999999X9" in {row["nrmp_number"] for row in get_csv(client, "tracks")}
    assert track.slug in {entry["slug"] for entry in get_json(client)["tracks"]}


@pytest.mark.parametrize("name", ALL_FILES)
def test_files_are_open_to_any_origin_read_only_and_cached_like_the_pages(client, name):
    url = reverse(name)
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and response["Last-Modified"] and response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == HTTPStatus.NOT_MODIFIED
    assert client.post(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.put(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_files_are_linked_from_every_pages_footer(client):
    footer = client.get("/").text.split('<footer class="site-footer">')[1]
    for name in ALL_FILES:
        assert f'href="{reverse(name)}"' in footer


@pytest.mark.parametrize("name", ["opendata:json", *CSV_FILES])
def test_files_run_a_fixed_number_of_queries_as_content_grows(client, django_assert_max_num_queries, name):
    with django_assert_max_num_queries(9) as before:
        client.get(reverse(name))
    for _ in range(10):
        PracticeFactory(tracks=TrackFactory.create_batch(2))
    with django_assert_max_num_queries(len(before)):
        assert client.get(reverse(name)).status_code == HTTPStatus.OK


# What a spreadsheet runs when a cell starts with it (OWASP, "CSV Injection"), as a coordinator might type it.
FORMULAS = [
    '=HYPERLINK("https://example.org","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_clinic_name_a_spreadsheet_would_run_is_published_as_text_in_the_csv_and_as_typed_in_the_json(client, name):
    practice = PracticeFactory(name=name, abbreviation=name[:20], tracks=[TrackFactory()])
    response = client.get(reverse("opendata:csv-clinics"))
    (row,) = [row for row in csv.DictReader(io.StringIO(response.content.decode())) if row["slug"] == practice.slug]
    assert row["name"] == "'" + name
    assert row["abbreviation"] == "'" + name[:20]
    # The cell is quoted whole, so nothing after a comma or a line break inside it starts a cell of its own.
    assert '"' + ("'" + name).replace('"', '""') + '"' in response.content.decode()
    (entry,) = [entry for entry in get_json(client)["clinics"] if entry["slug"] == practice.slug]
    assert entry["name"] == name
    assert entry["abbreviation"] == name[:20]


def test_a_cell_starting_with_a_carriage_return_is_neutralised_too():
    # Stored text never holds one (residency.text turns it into \n), but a cell is checked whatever it holds.
    assert views._cells({"name": "\r=1+1", "count": -1}) == {"name": "'\r=1+1", "count": -1}


def test_text_that_only_contains_formula_characters_and_numbers_are_published_unchanged(client):
    practice = PracticeFactory(name="Clinic = health + care @ home - east", residents_min=0, residents_max=3)
    (row,) = [row for row in get_csv(client, "clinics") if row["slug"] == practice.slug]
    assert row["name"] == practice.name
    assert (row["residents_min"], row["residents_max"]) == ("0", "3")
