import copy

from django.utils.functional import SimpleLazyObject

from residency import pagecache

from .models import Program


@pagecache.per_version
def current_program():
    """The program as this version of the content has it: one query per version, not one per page."""
    return Program.objects.current()


def program(request):
    """The program every page names in its header and footer, fetched only by pages that show it."""
    # A copy: what one page caches on it (a related object) is never part of another page.
    return {"program": SimpleLazyObject(lambda: copy.copy(current_program()))}
