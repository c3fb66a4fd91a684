from django.urls import path

from . import views

app_name = "sites"

urlpatterns = [
    path("", views.PracticeListView.as_view(), name="practice_list"),
    path("compare/", views.PracticeCompareView.as_view(), name="practice_compare"),
    path("<slug:slug>/", views.PracticeDetailView.as_view(), name="practice_detail"),
]
