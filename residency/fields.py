"""
Web addresses in the content: only http and https, wherever an address comes from or goes to.

`WebAddressField` refuses any other scheme (`javascript:`, `data:`, `ftp:`) in admin forms, in
`load_content` (which validates every object) and on a plain `save()` from the shell. The
`web_address` template filter renders an address only if it is http or https, so a value that
reached the database some other way still never becomes a link.
"""

from urllib.parse import urlsplit

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

SCHEMES = ["http", "https"]
MESSAGE = "Enter a web address that starts with http:// or https://."

validate_web_address = validators.URLValidator(schemes=SCHEMES, message=MESSAGE)


def is_web_address(value):
    """Whether `value` is an http or https address."""
    try:
        return urlsplit(str(value).strip()).scheme.lower() in SCHEMES
    except ValueError:
        return False


def web_address(value):
    """`value` if it is an http or https address, else an empty string (for templates: no link)."""
    return value if value and is_web_address(value) else ""


class WebAddressFormField(forms.URLField):
    default_error_messages = {"invalid": MESSAGE}
    default_validators = [validate_web_address]

    def __init__(self, **kwargs):
        # An address typed without a scheme is taken as https (Django 6's default).
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class WebAddressField(models.URLField):
    """A URLField that accepts only http and https addresses."""

    default_validators = [validate_web_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})

    def pre_save(self, model_instance, add):
        # A save that skipped validation (the shell, a script) still cannot store another scheme.
        value = super().pre_save(model_instance, add)
        if value and not is_web_address(value):
            raise ValidationError({self.name: MESSAGE})
        return value
