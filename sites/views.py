from django.views.generic import DetailView, ListView

from residency.views import PublicPageMixin

from .models import Practice


class PracticeListView(PublicPageMixin, ListView):
    context_object_name = "practices"
    nav_label = "Continuity sites"

    def get_queryset(self):
        return Practice.objects.with_tracks()

    def get_context_data(self, **kwargs):
        kwargs["health_centers"] = [practice for practice in self.object_list if practice.is_health_center]
        return super().get_context_data(**kwargs)


class PracticeDetailView(PublicPageMixin, DetailView):
    context_object_name = "practice"

    def get_queryset(self):
        return Practice.objects.with_tracks()
