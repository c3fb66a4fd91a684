from django.utils.functional import SimpleLazyObject

from .models import Program


def program(request):
    """The program every page names in its header and footer, fetched only by pages that show it."""
    return {"program": SimpleLazyObject(Program.objects.current)}
