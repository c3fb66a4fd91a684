"""
The pages that join several apps: the home page, the tracks compared, and each track's page with its
clinics and how to apply to it in the current cycle.

They live here so that `programs`, which the other content apps refer to, depends on none of them.
The program's and each track's `get_absolute_url` lead here through settings.ABSOLUTE_URL_OVERRIDES.
"""

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from applications.models import TrackApplication
from applications.rules import current_cycle, current_rules
from curriculum.models import Rotation
from programs.models import Program, Track
from residency.views import CurrentObjectMixin, PublicPageMixin
from search.views import SearchView
from sites.models import Practice


class HomeView(PublicPageMixin, CurrentObjectMixin, TemplateView):
    """
    What applicants come for, first: the program in one line, the current cycle's state with the one
    thing to do about it, the program in figures, the tracks and the key dates; then the training and
    its rotations.
    """

    template_name = "overview/home.html"
    current_model = Program
    current_context_name = "program"
    nav_label = "Overview"
    # A landing page: its sections are short and lead on to other pages.
    contents_list = False

    def get_context_data(self, **kwargs):
        kwargs["tracks"] = Track.objects.select_related("match_via")
        kwargs["practice_count"] = Practice.objects.count()
        kwargs["rotations"] = Rotation.objects.all()
        cycle = current_cycle()
        kwargs["cycle"] = cycle
        kwargs["cycle_closed"] = cycle is not None and cycle.has_closed
        # On a phone the header's search is inside the menu: the front page has a box of its own.
        kwargs["search_form_template"] = SearchView.form_template
        return super().get_context_data(**kwargs)


class TrackListView(PublicPageMixin, ListView):
    """The tracks compared side by side: Match number, length, combinations, interviews, clinics and letters."""

    context_object_name = "tracks"
    template_name = "overview/track_list.html"
    nav_label = "Tracks"
    footer_label = "Tracks and NRMP numbers"

    def get_queryset(self):
        # A query with an aggregate leaves out the model's ordering: the coordinators' order is asked for again.
        tracks = Track.objects.select_related("match_via").annotate(practice_count=Count("practices"))
        return tracks.order_by(*Track._meta.ordering)

    def get_context_data(self, **kwargs):
        rules = current_rules()
        kwargs["rules"] = rules
        kwargs["cycle"] = rules.cycle if rules else None
        kwargs["rows"] = [rules.compare(track) for track in self.object_list] if rules else []
        return super().get_context_data(**kwargs)


class TrackDetailView(PublicPageMixin, DetailView):
    """A track: its facts, its continuity clinics, and how to apply to it in the current cycle with its dates."""

    context_object_name = "track"
    template_name = "overview/track_detail.html"

    def get_queryset(self):
        applications = TrackApplication.objects.of_current_cycle().prefetch_related(
            "interview_dates", "cycle__track_applications__track"
        )
        return Track.objects.select_related("match_via", "pathway").prefetch_related(
            Prefetch("practices", Practice.objects.all()), Prefetch("applications", applications)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A track has at most one rule in a cycle.
        application = next(iter(self.object.applications.all()), None)
        if application is not None:
            combinable, _ = application.cycle.tracks_by_rule()
            context["combinable_names"] = [other.track.name for other in combinable]
        context["structured_data"] = self.structured_data(application)
        return context

    def structured_data(self, application):
        """The track as schema.org describes it; its deadline and interview days when it is open to application."""
        node = self.object.schema_org(settings.SITE_URL)
        if application is None:
            return [node]
        cycle = application.cycle
        node["applicationDeadline"] = timezone.localdate(cycle.deadline).isoformat()
        node["programPrerequisites"] = [text for text in (application.rule, cycle.eras_intro) if text]
        return [node, *application.schema_org_events(settings.SITE_URL, node["provider"])]
