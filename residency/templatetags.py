"""Template filters for the program's own way of writing lists and times; built into every template."""

import datetime

from django import template
from django.utils import timezone
from django.utils.text import get_text_list

from . import fields, formats

register = template.Library()


@register.filter
def text_list(values, last_word="and"):
    """“Categorical and Primary Care”, “A, B or C”: names joined as running text."""
    return get_text_list([str(value) for value in values], last_word)


@register.filter
def clock(value):
    """A time, or a datetime in the site's time zone, as the program writes it: “9:00 am”."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.clock(value)


@register.filter
def is_past(value):
    """Whether a date (before today, in the site's time zone) or a datetime (before now) has passed."""
    if isinstance(value, datetime.datetime):
        return value <= timezone.now()
    if isinstance(value, datetime.date):
        return value < timezone.localdate()
    return False


@register.filter
def web_address(value):
    """An address to link to only if it is http or https; anything else (`javascript:`) renders as nothing."""
    return fields.web_address(value)
