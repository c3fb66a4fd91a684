from django.views.generic import DetailView, ListView, TemplateView

from residency.variants import chosen_slugs
from residency.views import PublicPageMixin

from .models import Benefit, Pathway, Track


class OneTrackMixin:
    """A page that one known track in `?track=<slug>` narrows (clinics, a calendar): a cache entry of its own."""

    @classmethod
    def chosen_track(cls, request):
        chosen = chosen_slugs(request, "track", Track, most=1)
        return chosen[0] if chosen else ""

    @classmethod
    def page_variant(cls, request):
        slug = cls.chosen_track(request)
        return f"track={slug}" if slug else ""


class PathwayListView(PublicPageMixin, ListView):
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


class BenefitsView(PublicPageMixin, TemplateView):
    template_name = "programs/benefits.html"
    nav_label = "Benefits"

    def get_context_data(self, **kwargs):
        benefits = list(Benefit.objects.all())
        kwargs["benefit_groups"] = [
            (kind, [benefit for benefit in benefits if benefit.kind == kind]) for kind in Benefit.Kind
        ]
        return super().get_context_data(**kwargs)
