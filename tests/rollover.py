"""What a coordinator does to roll the content on to a later cycle, as one step the tests can repeat."""

import datetime
import re

from django.db import models
from django.utils.text import slugify

from curriculum.factories import ElectiveFactory
from curriculum.models import Elective, ElectiveCategory
from residency.content import content_models
from sites.models import Practice

YEAR = re.compile(r"\b(19|20)(\d\d)\b")


def _later(value, years):
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # February 29th
        return value.replace(year=value.year + years, day=28)


def roll_content_forward(years=2):
    """
    Edit every content object as a coordinator would for a cycle `years` later: every date moved on,
    every year named in a text moved on; then delete one practice and add one elective.
    """
    for model in content_models():
        fields = [field for field in model._meta.concrete_fields if not field.is_relation and not field.primary_key]
        for obj in model._default_manager.all():
            for field in fields:
                value = getattr(obj, field.attname)
                if isinstance(field, models.DateField) and isinstance(value, datetime.date):
                    setattr(obj, field.attname, _later(value, years))
                elif isinstance(field, models.CharField | models.TextField) and not isinstance(
                    field, models.SlugField
                ):
                    setattr(obj, field.attname, YEAR.sub(lambda year: str(int(year[0]) + years), value))
            obj.save()
    Practice.objects.last().delete()
    # Named as a coordinator would, with the slug filled in from the name as admin does (a factory's
    # sequence would clash with the objects tests make later from the same factory).
    name = f"Elective number {Elective.objects.count() + 1}"
    ElectiveFactory(name=name, slug=slugify(name), category=ElectiveCategory.objects.first())
