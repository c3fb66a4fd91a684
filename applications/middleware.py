from django.conf import settings
from django.http import HttpResponseRedirect

from . import preview
from .models import ApplicationCycle


class CyclePreviewMiddleware:
    """
    Under `/<ADMIN_URL>preview/`, a staff member who chose to preview a cycle sees every public page
    with that cycle, marked as a preview, never cached and never indexed, its links inside the
    preview. Anyone else asking for a preview address is sent to the public page it shows. Public
    pages themselves never read the session (it is not sent to them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = preview.public_address(request.path_info)
        if public is None:
            return self.get_response(request)
        cycle = self.previewed_cycle(request)
        if cycle is None:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{public}?{query}" if query else public)
        request.urlconf = preview.URLCONF
        request.page_preview = True
        request.previewed_cycle = cycle
        token = preview.previewing(cycle)
        try:
            return self.get_response(request)
        finally:
            preview.stop(token)

    def previewed_cycle(self, request):
        """The cycle this request's staff member chose to preview, or None."""
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        cycle_pk = request.session.get(preview.SESSION_KEY)
        if cycle_pk is None or not (request.user.is_active and request.user.is_staff):
            return None
        return ApplicationCycle.objects.filter(pk=cycle_pk).first()
