"""Stored text is kept with \n line endings, however it arrives: admin form, shell or fixture."""

from django.db import models


def normalize_line_endings(sender, instance, **kwargs):
    """pre_save receiver: turn \r\n and lone \r into \n in every text field of a content object."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))
