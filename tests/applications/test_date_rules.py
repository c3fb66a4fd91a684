"""Date rules a coordinator meets in admin: each wrong date refused with a message on its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.models import ApplicationCycle, InterviewDate
from programs.factories import TrackFactory
from programs.models import Track

pytestmark = pytest.mark.django_db


def field_errors(obj):
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_nothing_true_of_the_seeded_content_is_refused():
    for cycle in ApplicationCycle.objects.all():
        cycle.full_clean()
    for interview in InterviewDate.objects.select_related("track_application__cycle"):
        interview.full_clean()
    for track in Track.objects.all():
        track.full_clean()


def test_an_interview_day_outside_the_cycles_season_is_refused():
    application = TrackApplicationFactory()
    start, end = application.cycle.season
    assert start < timezone.localdate(application.cycle.deadline) < end
    for wrong in [
        start - datetime.timedelta(days=1),
        end + datetime.timedelta(days=1),
        start.replace(year=start.year - 1),
    ]:
        errors = field_errors(InterviewDate(track_application=application, date=wrong))
        assert "check the year" in errors["date"][0]
    InterviewDate(track_application=application, date=start).full_clean()
    InterviewDate(track_application=application, date=end).full_clean()


@pytest.mark.parametrize("gap", [0, InterviewDate.SECOND_DAY_WITHIN + 1, 8 * 365, -1])
def test_a_second_day_must_come_within_a_few_days_after_the_first(gap):
    interview = InterviewDateFactory.build(track_application=TrackApplicationFactory())
    interview.second_date = interview.date + datetime.timedelta(days=gap)
    assert "second_date" in field_errors(interview)


def test_a_second_day_the_next_day_or_after_a_weekend_is_accepted():
    application = TrackApplicationFactory()
    interview = InterviewDate(track_application=application, date=application.cycle.season[0])
    for gap in range(1, InterviewDate.SECOND_DAY_WITHIN + 1):
        interview.second_date = interview.date + datetime.timedelta(days=gap)
        interview.full_clean(validate_unique=False)


@pytest.mark.parametrize("field", ["invitations_by", "step2_deadline"])
def test_invitations_and_step_2_come_after_the_deadline(field):
    cycle = ApplicationCycleFactory.build()
    setattr(cycle, field, timezone.localdate(cycle.deadline))
    assert "after the application deadline" in field_errors(cycle)[field][0]
    setattr(cycle, field, timezone.localdate(cycle.deadline) - datetime.timedelta(days=3))
    assert field in field_errors(cycle)


def test_a_duplicate_nrmp_number_is_named_on_the_field(admin_client):
    taken = Track.objects.exclude(nrmp_number="").first()
    track = TrackFactory(nrmp_number="")
    data = {
        "name": track.name,
        "slug": track.slug,
        "order": track.order,
        "nrmp_number": taken.nrmp_number,
        "length_label": "",
        "summary": "",
    }
    response = admin_client.post(reverse("admin:programs_track_change", args=[track.pk]), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["nrmp_number"] == [f"Another track already has NRMP number {taken.nrmp_number}."]
    assert "__all__" not in form.errors


def test_bad_interview_dates_pasted_in_the_cycle_are_refused_on_the_field():
    from applications.forms import InterviewLinesForm

    application = TrackApplicationFactory()
    start, _ = application.cycle.season
    data = {
        "cycle": application.cycle.pk,
        "track": application.track.pk,
        "application_name": application.application_name,
        "order": 0,
        "interview_lines": f"{start.replace(year=start.year - 1).isoformat()}\nnot a date",
    }
    form = InterviewLinesForm(data, instance=application)
    assert not form.is_valid()
    assert "Line 2" in " ".join(form.errors["interview_lines"])
    data["interview_lines"] = f"{start.replace(year=start.year - 1).isoformat()}"
    form = InterviewLinesForm(data, instance=application)
    assert not form.is_valid()
    assert "check the year" in " ".join(form.errors["interview_lines"])
