from django.db.models import Prefetch
from django.views.generic import DetailView, ListView, TemplateView

from applications.models import ApplicationCycle, TrackApplication
from residency.views import CurrentObjectMixin, PublicPageMixin

from .models import Benefit, Pathway, Program, Track


class ProgramPageMixin(CurrentObjectMixin):
    """A page that shows the program's own text beside its list."""

    current_model = Program
    current_context_name = "program"


class TrackListView(PublicPageMixin, ListView):
    context_object_name = "tracks"

    def get_queryset(self):
        return Track.objects.select_related("match_via")


class TrackDetailView(PublicPageMixin, DetailView):
    context_object_name = "track"

    def get_queryset(self):
        cycle = ApplicationCycle.objects.current()
        applications = TrackApplication.objects.filter(cycle=cycle).select_related("cycle")
        return Track.objects.select_related("match_via").prefetch_related(
            "practices",
            Prefetch("applications", applications.prefetch_related("interview_dates")),
        )


class PathwayListView(PublicPageMixin, ProgramPageMixin, ListView):
    """Every pathway of one kind, each with all its content, on one page."""

    context_object_name = "pathways"
    template_name = "programs/pathway_list.html"
    kind = None

    def get_queryset(self):
        return Pathway.objects.filter(kind=self.kind).with_content()

    def get_context_data(self, **kwargs):
        kwargs["kind"] = Pathway.Kind(self.kind)
        return super().get_context_data(**kwargs)


class PathwayDetailView(PublicPageMixin, DetailView):
    context_object_name = "pathway"

    def get_queryset(self):
        return Pathway.objects.with_content()


class BenefitsView(PublicPageMixin, ProgramPageMixin, TemplateView):
    template_name = "programs/benefits.html"

    def get_context_data(self, **kwargs):
        benefits = list(Benefit.objects.all())
        kwargs["benefit_groups"] = [
            (kind, [benefit for benefit in benefits if benefit.kind == kind]) for kind in Benefit.Kind
        ]
        return super().get_context_data(**kwargs)
