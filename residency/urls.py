from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("programs.urls")),
    path("sites/", include("sites.urls")),
    path("curriculum/", include("curriculum.urls")),
    path("apply/", include("applications.urls")),
    path("search/", include("search.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("favicon.ico", views.favicon),
]

handler500 = "residency.views.server_error"
