import datetime
import zoneinfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from programs.factories import TrackFactory

from .models import (
    ApplicationCycle,
    GraduateRequirement,
    InterviewActivity,
    InterviewDate,
    LetterRequirement,
    TrackApplication,
)

EASTERN = zoneinfo.ZoneInfo("America/New_York")


class ApplicationCycleFactory(DjangoModelFactory):
    class Meta:
        model = ApplicationCycle

    name = factory.Sequence(lambda n: f"{2030 + n}-{2031 + n}")
    slug = factory.Sequence(lambda n: f"{2030 + n}-{2031 + n}")
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    eras_intro = "Applications are processed through ERAS."
    deadline = factory.Sequence(lambda n: datetime.datetime(2030 + n, 10, 21, 9, 0, tzinfo=EASTERN))
    invitations_by = factory.LazyAttribute(lambda cycle: cycle.deadline.date() + datetime.timedelta(days=40))
    step2_deadline = factory.LazyAttribute(lambda cycle: cycle.deadline.date() + datetime.timedelta(days=130))
    letters_max_in_eras = 4
    applications_per_year = 4000
    img_typical_min = 6
    img_typical_max = 10
    residents_total = 210


class LetterRequirementFactory(DjangoModelFactory):
    class Meta:
        model = LetterRequirement

    cycle = factory.SubFactory(ApplicationCycleFactory)
    slug = factory.Sequence(lambda n: f"letter-{n}")
    text = "Letter from your medical school Dean"


class TrackApplicationFactory(DjangoModelFactory):
    class Meta:
        model = TrackApplication

    cycle = factory.SubFactory(ApplicationCycleFactory)
    track = factory.SubFactory(TrackFactory)
    application_name = factory.LazyAttribute(lambda application: f"{application.track.name} program")


class InterviewDateFactory(DjangoModelFactory):
    class Meta:
        model = InterviewDate

    track_application = factory.SubFactory(TrackApplicationFactory)
    date = factory.Sequence(lambda n: datetime.date(2030, 11, 2) + datetime.timedelta(days=n))


class InterviewActivityFactory(DjangoModelFactory):
    class Meta:
        model = InterviewActivity

    cycle = factory.SubFactory(ApplicationCycleFactory)
    slug = factory.Sequence(lambda n: f"activity-{n}")
    text = "Join noon conferences with current residents"


class GraduateRequirementFactory(DjangoModelFactory):
    class Meta:
        model = GraduateRequirement

    cycle = factory.SubFactory(ApplicationCycleFactory)
    slug = factory.Sequence(lambda n: f"requirement-{n}")
    text = "ECFMG certification"
