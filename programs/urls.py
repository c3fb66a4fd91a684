from django.urls import path

from . import views
from .models import Pathway

app_name = "programs"

urlpatterns = [
    path(
        "research/",
        views.PathwayListView.as_view(kind=Pathway.Kind.RESEARCH, nav_label=Pathway.Kind.RESEARCH.label),
        name="research",
    ),
    path(
        "leadership/",
        views.PathwayListView.as_view(kind=Pathway.Kind.LEADERSHIP, nav_label=Pathway.Kind.LEADERSHIP.label),
        name="leadership",
    ),
    path("pathways/<slug:slug>/", views.PathwayDetailView.as_view(), name="pathway_detail"),
    path("benefits/", views.BenefitsView.as_view(), name="benefits"),
]
