"""
Template tags built into every template: the program's way of writing lists and times, page metadata,
and the places apps fill in the project's templates.
"""

import datetime
import html
import json
import re
from html.parser import HTMLParser

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list

from . import changes, fields, formats, pagecache, slots

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
def json_ld(context, publisher=None):
    """
    `{% json_ld program %}`: the page's schema.org description as one JSON-LD graph: the web page (its
    address, title and description), the organization that publishes it (`publisher.schema_org()`, when
    there is a publisher), and what the view adds (`structured_data`).

    A data block, not a script: the Content-Security-Policy does not apply to it, and the escapes
    keep stored text from ending the element.
    """
    url = context.get("canonical_url")
    if not url:
        return ""
    organization = publisher.schema_org(settings.SITE_URL) if publisher else {}
    page = {
        "@type": "WebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": html.unescape(str(context.get("page_title", ""))),
        "description": html.unescape(str(context.get("page_description", ""))),
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if organization.get("@id"):
        page["publisher"] = {"@id": organization["@id"]}
    graph = [page, *([organization] if organization else []), *context.get("structured_data", [])]
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data.translate(_SCRIPT_ESCAPES)))


@register.simple_tag(takes_context=True)
def slot(context, place):
    """`{% slot "footer" %}`: what the apps registered for this place (`residency.slots`), with the page's context."""
    engine = context.template.engine
    with context.push():
        rendered = (engine.get_template(name).render(context).strip() for name in slots.templates(place))
        return mark_safe("\n".join(part for part in rendered if part))


# A page with at least this many sections (headings with an id) opens with a list of them.
CONTENTS_MIN_SECTIONS = 4
# An <h2> start tag with an id: at least as many as the parser finds sections (it leaves out those in a <nav>).
_SECTION_HEADING = re.compile(r"<h2\b[^>]*\sid=", re.IGNORECASE)


class _SectionHeadings(HTMLParser):
    """The <h2 id="…"> headings of a page's content, [(id, text)], in order; text in a <nav> is not read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings = []
        self._heading = None
        self._navs = 0

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self._navs += 1
        elif tag == "h2" and not self._navs and dict(attrs).get("id"):
            self._heading = [dict(attrs)["id"], []]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._navs -= 1
        elif tag == "h2" and self._heading:
            anchor, text = self._heading
            self.headings.append((anchor, " ".join("".join(text).split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1].append(data)


class ContentsNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        if not getattr(context.get("view"), "contents_list", True) or "</h1>" not in content:
            return content
        # Most pages have too few sections for a list: counted cheaply before the page is parsed.
        if len(_SECTION_HEADING.findall(content)) < CONTENTS_MIN_SECTIONS:
            return content
        parser = _SectionHeadings()
        parser.feed(content)
        parser.close()
        if len(parser.headings) < CONTENTS_MIN_SECTIONS:
            return content
        contents = render_to_string("includes/_contents.html", {"headings": parser.headings})
        heading_end = content.index("</h1>") + len("</h1>")
        return mark_safe(content[:heading_end] + "\n" + contents + content[heading_end:])


@register.tag
def contents(parser, token):
    """
    `{% contents %}…{% endcontents %}`: a long page's list of its sections, put under its <h1>.

    Derived from what renders: each <h2> with an id is a section (the search links to the same ones), and a
    page with `CONTENTS_MIN_SECTIONS` of them or more gets the list. A view says `contents_list = False` to
    go without (the home page, whose sections lead elsewhere).
    """
    nodelist = parser.parse(("endcontents",))
    parser.delete_first_token()
    return ContentsNode(nodelist)


# The most fragments kept for one content version; past it, the rest are rendered each time.
MAX_FRAGMENTS = 256


@pagecache.per_version
def _fragments():
    """{(name, what it varies on): HTML} of the `{% per_version %}` fragments rendered for this content version."""
    return {}


class PerVersionNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        key = (self.name, *(value.resolve(context) for value in self.vary))
        try:
            fragments = _fragments()
        except DatabaseError:  # The version is not known (the database is down): no keeping, as on a miss.
            return self.nodelist.render(context)
        rendered = fragments.get(key)
        if rendered is None:
            rendered = self.nodelist.render(context)
            if len(fragments) < MAX_FRAGMENTS:
                fragments[key] = rendered
        return rendered


@register.tag
def per_version(parser, token):
    """
    `{% per_version "footer" program.pk changed_at %}…{% endper_version %}`: rendered once per content version
    by each process (and again when the values after the name differ), then kept in its memory: for what
    every page shows alike (its footer), which a page rendered afresh (a search) would otherwise draw again.
    The values must name everything the fragment shows that is not the same for the whole content version.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("per_version takes a name and the values the fragment varies on")
    nodelist = parser.parse(("endper_version",))
    parser.delete_first_token()
    return PerVersionNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
