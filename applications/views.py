from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.views.generic import TemplateView

from programs.models import Track
from residency.views import PublicPageMixin

from .models import ApplicationCycle, GraduateRequirement, TrackApplication


class CycleMixin:
    """A page of the current application cycle, with what it shows fetched in a fixed number of queries."""

    prefetch = ()

    def get_cycle(self):
        cycle = ApplicationCycle.objects.current()
        if cycle is None:
            raise Http404("No application cycle has been published yet.")
        if self.prefetch:
            # Prefetch onto the one cycle without fetching it twice.
            prefetch_related_objects([cycle], *self.prefetch)
        return cycle

    def get_context_data(self, **kwargs):
        kwargs["cycle"] = self.get_cycle()
        return super().get_context_data(**kwargs)


class ApplyView(PublicPageMixin, CycleMixin, TemplateView):
    template_name = "applications/apply.html"
    prefetch = (
        "letters",
        Prefetch("letters_tracks", Track.objects.all()),
        Prefetch("track_applications", TrackApplication.objects.select_related("track")),
    )

    def get_context_data(self, **kwargs):
        kwargs["match_tracks"] = Track.objects.in_match()
        context = super().get_context_data(**kwargs)
        track_applications = context["cycle"].track_applications.all()
        combinable = [ta for ta in track_applications if not ta.is_exclusive]
        context["combinable_names"] = [ta.track.name for ta in combinable]
        context["exclusive"] = [ta for ta in track_applications if ta.is_exclusive]
        context["exclusive_names"] = [ta.application_name for ta in context["exclusive"]]
        return context


class InterviewsView(PublicPageMixin, CycleMixin, TemplateView):
    template_name = "applications/interviews.html"
    prefetch = (
        Prefetch(
            "track_applications",
            TrackApplication.objects.select_related("track").prefetch_related("interview_dates"),
        ),
        "interview_activities",
    )


class GraduatesView(PublicPageMixin, CycleMixin, TemplateView):
    template_name = "applications/graduates.html"
    prefetch = (
        Prefetch(
            "graduate_requirements",
            GraduateRequirement.objects.filter(parent=None).prefetch_related("children"),
            to_attr="top_requirements",
        ),
    )
