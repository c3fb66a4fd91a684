from django.conf import settings

from . import preview
from .models import ApplicationCycle


class CyclePreviewMiddleware:
    """
    For a staff member who chose to preview a cycle, every public page shows that cycle, marked
    as a preview, never cached and never indexed. Everyone else, and the admin, see the live cycle.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        # Visitors without a session are not asked for one: their pages stay shared (no Vary: Cookie).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        cycle_pk = request.session.get(preview.SESSION_KEY)
        if cycle_pk is None:
            return self.get_response(request)
        cycle = None
        if request.user.is_active and request.user.is_staff:
            cycle = ApplicationCycle.objects.filter(pk=cycle_pk).first()
        if cycle is None:
            return self.get_response(request)
        request.page_preview = True
        request.previewed_cycle = cycle
        token = preview.previewing(cycle)
        try:
            return self.get_response(request)
        finally:
            preview.stop(token)
