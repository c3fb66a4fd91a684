from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import seo, views

urlpatterns = [
    # The navigation lists pages in this order: the overview's (home, tracks) first.
    path("", include("overview.urls")),
    path("", include("programs.urls")),
    path("sites/", include("sites.urls")),
    path("curriculum/", include("curriculum.urls")),
    path("apply/", include("applications.urls")),
    path("search/", include("search.urls")),
    path("data/", include("opendata.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("favicon.ico", views.favicon),
    path("robots.txt", seo.RobotsView.as_view(), name="robots"),
    path("sitemap.xml", seo.SitemapView.as_view(), name="sitemap"),
    # Uploaded photos, with DEBUG on only (`make run`); nginx serves them otherwise (deploy/nginx/).
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]

handler403 = "residency.views.permission_denied"
handler404 = "residency.views.page_not_found"
handler500 = "residency.views.server_error"
