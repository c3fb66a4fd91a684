"""
Web addresses in the content: one rule, wherever an address comes from or goes to.

An address is a full web address, `http://` or `https://` followed by a site name: nothing else is
completed or guessed. `validate_web_address` says exactly what is wrong (no scheme, another scheme,
a space, no site name), and `WebAddressField` applies it in admin forms, in `load_content` (which
validates every object) and on a plain `save()` from the shell. The `web_address` template filter
renders an address only if it is http or https, so a value that reached the database some other
way still never becomes a link.
"""

import re
from urllib.parse import urlsplit

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

SCHEMES = ["http", "https"]
EXAMPLE = "https://www.example.org/page"
# A scheme, as in "https:" or "javascript:" (a site name such as "example.org:8080" is not one).
SCHEME = re.compile(r"^([a-z][a-z0-9+-]*):", re.IGNORECASE)

_complete = validators.URLValidator(schemes=SCHEMES)


def validate_web_address(value):
    """Refuse anything but a full http or https address, saying what is wrong with it."""
    text = str(value)
    if any(character.isspace() for character in text):
        raise ValidationError(
            f"“{text.strip()}” has a space in it, and a web address has none: check for a typo.", code="invalid"
        )
    scheme = SCHEME.match(text)
    if scheme is None:
        raise ValidationError(
            f"Start the address with http:// or https://, e.g. https://{text.lstrip('/')}.", code="no_scheme"
        )
    if scheme.group(1).lower() not in SCHEMES:
        raise ValidationError(
            f"Only web addresses are linked: start it with http:// or https://, not “{scheme.group(1)}:”.",
            code="scheme",
        )
    try:
        _complete(text)
    except ValidationError:
        raise ValidationError(
            f"“{text}” is not a complete web address: after http:// or https:// comes a site name, e.g. {EXAMPLE}.",
            code="invalid",
        ) from None


def is_web_address(value):
    """Whether `value` is an http or https address."""
    try:
        return urlsplit(str(value).strip()).scheme.lower() in SCHEMES
    except ValueError:
        return False


def web_address(value):
    """`value` if it is an http or https address, else an empty string (for templates: no link)."""
    return value if value and is_web_address(value) else ""


class WebAddressFormField(forms.CharField):
    """The admin's field for a web address: typed text, trimmed, checked by the one rule (never completed)."""

    widget = forms.URLInput
    default_validators = [validate_web_address]


class WebAddressField(models.URLField):
    """A URLField that accepts only full http and https addresses."""

    default_validators = [validate_web_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})

    def pre_save(self, model_instance, add):
        # A save that skipped validation (the shell, a script) still cannot store anything else.
        value = super().pre_save(model_instance, add)
        if value:
            try:
                validate_web_address(value)
            except ValidationError as error:
                raise ValidationError({self.name: error.messages}) from error
        return value
