"""
The public pages that read their query string, each with queries of known values built from the
database (never this year's slugs): the outage and deployment tests ask for every one of them.
"""

import datetime
from urllib.parse import urlencode

from django import forms

from residency import pages
from residency.views import PublicPageMixin


def reads_its_query(view_class):
    """Whether a public page's cache variant depends on its query string (it overrides `page_variant`)."""
    return view_class.page_variant.__func__ is not PublicPageMixin.page_variant.__func__


def _answer(field):
    """A valid answer to a self-check field, from the field itself."""
    from applications.eligibility import ScoreField

    if isinstance(field, ScoreField):
        return "240"
    if isinstance(field, forms.ChoiceField):
        return next(value for value, _ in field.choices if value)
    if isinstance(field, forms.IntegerField):
        return min(field.max_value or 240, max(field.min_value or 1, 240))
    if isinstance(field, forms.DateField):
        return datetime.date.today().isoformat()
    raise AssertionError(f"{field!r}: say here how to answer it")


def queries():
    """{route name: [query string, …]} for every public page that reads its query string."""
    from applications.eligibility import SelfCheckForm
    from programs.models import Track
    from sites.models import Practice

    tracks = list(Track.objects.order_by("pk").values_list("slug", flat=True))
    practices = list(Practice.objects.order_by("pk").values_list("slug", flat=True))
    word = next(word for word in Track.objects.order_by("pk").first().name.split() if len(word) > 3)
    answers = {name: _answer(field) for name, field in SelfCheckForm.base_fields.items()}
    return {
        "sites:practice_list": [urlencode({"track": tracks[0]})],
        "sites:practice_compare": [urlencode([("site", slug) for slug in practices[:2]])],
        # Plans of up to three tracks are cached, larger ones are not: one of each.
        "applications:planner": [
            urlencode([("track", slug) for slug in selection]) for selection in (tracks[:2], tracks)
        ],
        "applications:calendar": [urlencode({"track": tracks[0]})],
        "applications:graduate_check": [urlencode(answers)],
        "search:results": [urlencode({"q": word})],
    }


def pages_with_parameters():
    """The address of each of those pages with each of its queries."""
    table = queries()
    return [
        f"{route.paths()[0]}?{query}"
        for route in pages.all_routes()
        if reads_its_query(route.view_class)
        for query in table[route.name]
    ]
