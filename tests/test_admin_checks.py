"""The checks a coordinator needs, each with its message on the field it is about."""

import datetime
import re
import zoneinfo
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.forms import parse_interview_lines
from programs.factories import TrackFactory
from programs.models import Track
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")
DEADLINE = datetime.datetime(2040, 10, 22, 9, 0, tzinfo=EASTERN)


def track_form(client, track, number):
    address = reverse("admin:programs_track_change", args=[track.pk])
    return client.post(address, form_data(client.get(address), nrmp_number=number))


def test_an_nrmp_number_is_trimmed_and_upper_cased(coordinator_client):
    track = TrackFactory()
    number = f"{track.nrmp_number[:7]}X1"
    assert track_form(coordinator_client, track, f"  {number.lower()} ").status_code == HTTPStatus.FOUND
    track.refresh_from_db()
    assert track.nrmp_number == number


def test_an_nrmp_number_another_track_has_is_refused_whatever_its_case(coordinator_client):
    taken, track = TrackFactory(), TrackFactory()
    response = track_form(coordinator_client, track, f" {taken.nrmp_number.lower()}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["nrmp_number"] == [
        f"Another track already has NRMP number {taken.nrmp_number}."
    ]


@pytest.mark.parametrize("number", ["not a number!", "12345670C0", "1234567C", "123456C0", "1234567-C0"])
def test_something_that_is_not_an_nrmp_number_is_refused_on_the_field(coordinator_client, number):
    track = TrackFactory()
    before = track.nrmp_number
    response = track_form(coordinator_client, track, number)
    assert response.status_code == HTTPStatus.OK
    (message,) = response.context["adminform"].form.errors["nrmp_number"]
    assert "seven digits, a letter and a digit" in message
    assert Track.objects.get(pk=track.pk).nrmp_number == before


def test_a_track_without_its_own_number_may_leave_it_blank(coordinator_client):
    track = TrackFactory()
    assert track_form(coordinator_client, track, "   ").status_code == HTTPStatus.FOUND
    assert Track.objects.get(pk=track.pk).nrmp_number == ""


def test_a_typed_weekday_must_match_its_date():
    day = datetime.date(2040, 11, 9)
    wrong = (day + datetime.timedelta(days=3)).strftime("%A")
    with pytest.raises(ValidationError) as error:
        parse_interview_lines(f"{wrong} {day.isoformat()}")
    assert error.value.messages == [
        f"Line 1: {dateformat.format(day, 'F j, Y')} is a {day:%A}, not a {wrong}: check the date or the weekday."
    ]
    assert parse_interview_lines(f"{day:%A} {day.isoformat()}") == [(day, None)]
    assert parse_interview_lines(f"{day:%A} {day:%B} {day.day}th, 2040") == [(day, None)]


def cycle_page(client, cycle, **changes):
    address = reverse("admin:applications_applicationcycle_change", args=[cycle.pk])
    return client.post(address, form_data(client.get(address), **changes))


def cycle_with_days():
    cycle = ApplicationCycleFactory(
        publish_at=None,
        deadline=DEADLINE,
        invitations_by=DEADLINE.date() + datetime.timedelta(days=40),
        step2_deadline=DEADLINE.date() + datetime.timedelta(days=130),
    )
    for number in range(3):
        application = TrackApplicationFactory(cycle=cycle, order=number + 1)
        for week in range(9):
            InterviewDateFactory(
                track_application=application,
                date=datetime.date(2040, 11, 5 + number) + datetime.timedelta(weeks=week),
            )
    return cycle


def test_a_deadline_out_of_range_gets_one_error_on_the_deadline_not_one_per_day(coordinator_client):
    cycle = cycle_with_days()
    wrong_year = DEADLINE.replace(year=2012)
    response = cycle_page(coordinator_client, cycle, deadline_0=wrong_year.date().isoformat())
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["deadline"] and len(errors["deadline"]) == 1
    assert "27 of this cycle's interview days" in errors["deadline"][0]
    assert "check the deadline's year" in errors["deadline"][0]
    for inline in response.context["inline_admin_formsets"]:
        assert not any(form.errors for form in inline.formset.forms)
    cycle.refresh_from_db()
    assert cycle.deadline == DEADLINE


def test_a_deadline_moved_with_its_days_is_accepted(coordinator_client):
    cycle = cycle_with_days()
    year = datetime.timedelta(weeks=52)
    address = reverse("admin:applications_applicationcycle_change", args=[cycle.pk])
    page = coordinator_client.get(address)
    data = form_data(page, deadline_0=(DEADLINE + year).date().isoformat())
    data |= {
        "invitations_by": [str(cycle.invitations_by + year)],
        "step2_deadline": [str(cycle.step2_deadline + year)],
    }
    rows = {
        values[0]: name.split("-")[1]
        for name, values in data.items()
        if re.fullmatch(r"track_applications-\d+-id", name)
    }
    for application in cycle.track_applications.all():
        lines = [str(interview.date + year) for interview in application.interview_dates.all()]
        data[f"track_applications-{rows[str(application.pk)]}-interview_lines"] = ["\r\n".join(lines)]
    response = coordinator_client.post(address, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    cycle.refresh_from_db()
    assert cycle.deadline == DEADLINE + year
    assert all(
        interview.date.year >= 2041
        for application in cycle.track_applications.all()
        for interview in application.interview_dates.all()
    )


def test_one_wrong_day_is_flagged_on_its_own_row(coordinator_client):
    cycle = cycle_with_days()
    response = cycle_page(coordinator_client, cycle, **{"track_applications-0-interview_lines": "2012-11-05"})
    assert response.status_code == HTTPStatus.OK
    assert not response.context["adminform"].form.errors
    (inline,) = [
        inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "track_applications"
    ]
    assert "check the year" in " ".join(inline.formset.forms[0].errors["interview_lines"])
