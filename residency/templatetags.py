"""Template tags built into every template: the program's way of writing lists and times, and page metadata."""

import datetime
import html
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list

from . import changes, fields, formats

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


@register.simple_tag(takes_context=True)
def content_changed_at(context):
    """When what this page shows last changed: the latest change time of the content in its context."""
    return changes.latest(*context.flatten().values())


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """
    `{% capture page_title %}…{% endcapture %}`: render once, use twice (the title tag and og:title).

    The text is rendered (and escaped) as usual, with its runs of white space made single spaces.
    """
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("capture takes one argument: the name to store the text under") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


# What must not appear raw inside a <script> element: JSON keeps its meaning with these escaped.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context):
    """
    The page's schema.org description as one JSON-LD graph: the web page (its address, title and
    description), the organization that publishes it (`program.schema_org()`), and what the view
    adds (`structured_data`).

    A data block, not a script: the Content-Security-Policy does not apply to it, and the escapes
    keep stored text from ending the element.
    """
    url = context.get("canonical_url")
    if not url:
        return ""
    # The publisher: the object the pages are about (the program) describes its organization, if it can.
    subject = context.get("program")
    publisher = subject.schema_org(settings.SITE_URL) if subject and hasattr(subject, "schema_org") else {}
    page = {
        "@type": "WebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": html.unescape(str(context.get("page_title", ""))),
        "description": html.unescape(str(context.get("page_description", ""))),
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if publisher.get("@id"):
        page["publisher"] = {"@id": publisher["@id"]}
    graph = [page, *([publisher] if publisher else []), *context.get("structured_data", [])]
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data.translate(_SCRIPT_ESCAPES)))
