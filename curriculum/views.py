from django.views.generic import DetailView, ListView

from residency.views import PublicPageMixin

from .models import Conference, ElectiveCategory, Rotation


class RotationListView(PublicPageMixin, ListView):
    """The curriculum's front page: inpatient and outpatient rotations."""

    model = Rotation
    context_object_name = "rotations"
    nav_label = "Rotations"

    def get_context_data(self, **kwargs):
        kwargs["rotations_by_setting"] = [
            (setting, [rotation for rotation in self.object_list if rotation.setting == setting])
            for setting in Rotation.Setting
        ]
        return super().get_context_data(**kwargs)


class ElectiveListView(PublicPageMixin, ListView):
    context_object_name = "categories"
    template_name = "curriculum/elective_list.html"
    nav_label = "Electives"

    def get_queryset(self):
        return ElectiveCategory.objects.prefetch_related("electives")


class ConferenceListView(PublicPageMixin, ListView):
    context_object_name = "conferences"
    nav_label = "Conferences"

    def get_queryset(self):
        return Conference.objects.with_formats()


class ConferenceDetailView(PublicPageMixin, DetailView):
    context_object_name = "conference"

    def get_queryset(self):
        return Conference.objects.with_formats()
