from django.views.generic import DetailView, ListView

from programs.views import ProgramPageMixin
from residency.views import PublicPageMixin

from .models import Conference, ElectiveCategory, Rotation


class RotationListView(PublicPageMixin, ListView):
    """The curriculum's front page: inpatient and outpatient rotations."""

    model = Rotation
    context_object_name = "rotations"

    def get_context_data(self, **kwargs):
        kwargs["settings"] = [
            (setting, [rotation for rotation in self.object_list if rotation.setting == setting])
            for setting in Rotation.Setting
        ]
        return super().get_context_data(**kwargs)


class ElectiveListView(PublicPageMixin, ProgramPageMixin, ListView):
    context_object_name = "categories"
    template_name = "curriculum/elective_list.html"

    def get_queryset(self):
        return ElectiveCategory.objects.prefetch_related("electives")


class ConferenceQuerysetMixin:
    def get_queryset(self):
        return Conference.objects.prefetch_related("formats")


class ConferenceListView(PublicPageMixin, ProgramPageMixin, ConferenceQuerysetMixin, ListView):
    context_object_name = "conferences"


class ConferenceDetailView(PublicPageMixin, ConferenceQuerysetMixin, DetailView):
    context_object_name = "conference"
