"""
Reading a public page's query string for its cache variant (see PublicPageMixin.page_variant):
only known parameters and values count, so junk cannot make new cache entries.
"""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

from . import pagecache


def known_slugs(model):
    """
    The slugs of every `model` object, looked up once per content version and kept in the shared cache
    (through the page cache's outage-tolerant calls: with the cache down, they are looked up afresh).
    """
    key = f"known:{pagecache.current_version().timestamp()}:{model._meta.label_lower}"
    slugs = pagecache.cache_get(key)
    if slugs is None:
        slugs = frozenset(model._default_manager.values_list("slug", flat=True))
        pagecache.cache_set(key, slugs, settings.PAGE_CACHE_TIMEOUT)
    return slugs


def query(request):
    """
    `request.GET`, or nothing for a query string Django will not read: more parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, or text that is not latin-1 (which no WSGI server hands on, PEP 3333).
    Such a request gets the plain page, as one with unknown parameters does.
    """
    try:
        return request.GET
    except (TooManyFieldsSent, UnicodeError):
        return QueryDict()


def chosen_slugs(request, parameter, model, most=None):
    """
    The known slugs `request` gives for `parameter` (repeated or comma-separated), each once, in the
    order given, at most `most` (or as many as there are objects).
    """
    values = query(request).getlist(parameter)
    if not values:
        return []
    known = known_slugs(model)
    most = len(known) if most is None else most
    chosen = []
    for value in values[: most * 4 + 1]:
        for slug in value.split(",")[: most * 4 + 1]:
            slug = slug.strip()
            if slug in known and slug not in chosen:
                chosen.append(slug)
    return chosen[:most]
