from django.urls import path

from . import views

app_name = "curriculum"

urlpatterns = [
    path("", views.RotationListView.as_view(), name="rotation_list"),
    path("electives/", views.ElectiveListView.as_view(), name="elective_list"),
    path("conferences/", views.ConferenceListView.as_view(), name="conference_list"),
    path("conferences/<slug:slug>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
]
