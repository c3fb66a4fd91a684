import datetime

import factory
from factory.django import DjangoModelFactory

from .models import Conference, ConferenceFormat, Elective, ElectiveCategory, Rotation


class RotationFactory(DjangoModelFactory):
    class Meta:
        model = Rotation

    name = factory.Sequence(lambda n: f"Rotation {n}")
    slug = factory.Sequence(lambda n: f"rotation-{n}")
    setting = Rotation.Setting.INPATIENT


class ElectiveCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ElectiveCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ElectiveFactory(DjangoModelFactory):
    class Meta:
        model = Elective

    category = factory.SubFactory(ElectiveCategoryFactory)
    name = factory.Sequence(lambda n: f"Elective {n}")
    slug = factory.Sequence(lambda n: f"elective-{n}")


class ConferenceFactory(DjangoModelFactory):
    class Meta:
        model = Conference

    name = factory.Sequence(lambda n: f"Conference {n}")
    slug = factory.Sequence(lambda n: f"conference-{n}")
    days = "Monday through Friday"
    start_time = datetime.time(12, 15)
    end_time = datetime.time(13, 0)
    description = "Faculty lead interactive conferences."


class ConferenceFormatFactory(DjangoModelFactory):
    class Meta:
        model = ConferenceFormat

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Format {n}")
    slug = factory.Sequence(lambda n: f"format-{n}")
    text = "Residents present cases to expert discussants."
