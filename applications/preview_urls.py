"""
The URL configuration of a staff member's preview (applications.preview): the site's public pages
under `<ADMIN_URL>preview/`, and the admin (the preview's bar links back to the cycle). Nothing else
is reachable from a preview, so every link a previewed page makes (`{% url %}`, `get_absolute_url`)
stays in the preview.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from residency import urls as site

from . import preview

urlpatterns = [
    path(preview.route(), include([entry for entry in site.urlpatterns if str(entry.pattern) != settings.ADMIN_URL])),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler500 = site.handler500
