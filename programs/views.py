from django.conf import settings
from django.db.models import Count
from django.views.generic import DetailView, ListView, TemplateView

from curriculum.models import Rotation
from residency.variants import chosen_slugs
from residency.views import CurrentObjectMixin, PublicPageMixin

from .models import Benefit, Pathway, Program, Track


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


class HomeView(PublicPageMixin, CurrentObjectMixin, TemplateView):
    template_name = "home.html"
    current_model = Program
    current_context_name = "program"
    nav_label = "Overview"

    def get_context_data(self, **kwargs):
        kwargs["tracks"] = Track.objects.select_related("match_via")
        kwargs["rotations"] = Rotation.objects.all()
        # The applications app refers to tracks, so its cycle is reached through the relation, not an import.
        cycle = Track.applications.rel.related_model.objects.current_cycle()
        kwargs["cycle"] = cycle
        kwargs["cycle_closed"] = cycle is not None and cycle.has_closed
        return super().get_context_data(**kwargs)


class TrackListView(PublicPageMixin, ListView):
    """The tracks compared side by side: Match number, length, combinations, interviews, clinics and letters."""

    context_object_name = "tracks"
    nav_label = "Tracks"

    def get_queryset(self):
        # A query with an aggregate leaves out the model's ordering: the coordinators' order is asked for again.
        tracks = Track.objects.select_related("match_via").annotate(practice_count=Count("practices"))
        return tracks.order_by(*Track._meta.ordering)

    def get_context_data(self, **kwargs):
        # The applications app refers to tracks, so its rules are reached through the relation, not an import.
        rules = Track.applications.rel.related_model.objects.current_rules()
        kwargs["rules"] = rules
        kwargs["cycle"] = rules.cycle if rules else None
        kwargs["rows"] = [rules.compare(track) for track in self.object_list] if rules else []
        return super().get_context_data(**kwargs)


class TrackDetailView(PublicPageMixin, DetailView):
    context_object_name = "track"

    def get_queryset(self):
        return Track.objects.with_sites_and_applications()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for application in self.object.applications.all():
            combinable, _ = application.cycle.tracks_by_rule()
            context["combinable_names"] = [other.track.name for other in combinable]
        applications = self.object.applications.all()
        context["structured_data"] = self.object.schema_org(
            settings.SITE_URL, applications[0] if applications else None
        )
        return context


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
