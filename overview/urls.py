from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tracks/", views.TrackListView.as_view(), name="track_list"),
    path("tracks/<slug:slug>/", views.TrackDetailView.as_view(), name="track_detail"),
]
