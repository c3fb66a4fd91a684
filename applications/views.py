from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.views.generic import TemplateView

from programs.models import Link, Program, Track
from residency.views import CurrentObjectMixin, PublicPageMixin

from .models import ApplicationCycle, GraduateRequirement, TrackApplication


class CycleMixin(CurrentObjectMixin):
    """A page of the current application cycle, with what it shows fetched in a fixed number of queries."""

    current_model = ApplicationCycle
    current_context_name = "cycle"
    prefetch = ()

    def get_current_object(self):
        cycle = super().get_current_object()
        # Prefetch onto the one cycle without fetching it twice.
        prefetch_related_objects([cycle], *self.prefetch)
        return cycle


class ApplyView(PublicPageMixin, CycleMixin, TemplateView):
    nav_label = "Apply"
    template_name = "applications/apply.html"
    prefetch = (
        "letters",
        "letters_tracks",
        Prefetch("track_applications", TrackApplication.objects.select_related("track")),
    )

    def get_context_data(self, **kwargs):
        kwargs["match_tracks"] = Track.objects.in_match()
        kwargs["links"] = Link.objects.filter(page=Link.Page.APPLY)
        context = super().get_context_data(**kwargs)
        combinable, exclusive = context["cycle"].tracks_by_rule()
        context["combinable_names"] = [application.track.name for application in combinable]
        context["exclusive"] = exclusive
        context["exclusive_names"] = [application.application_name for application in exclusive]
        return context


class InterviewsView(PublicPageMixin, CycleMixin, TemplateView):
    nav_label = "Interviews"
    template_name = "applications/interviews.html"
    prefetch = (
        Prefetch(
            "track_applications",
            TrackApplication.objects.select_related("track").prefetch_related("interview_dates"),
        ),
        "interview_activities",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = [
            event
            for application in context["cycle"].track_applications.all()
            for event in application.schema_org_events(
                settings.SITE_URL, {"@id": Program.schema_org_id(settings.SITE_URL)}
            )
        ]
        return context


class GraduatesView(PublicPageMixin, CycleMixin, TemplateView):
    nav_label = "International graduates"
    template_name = "applications/graduates.html"
    prefetch = (
        Prefetch(
            "graduate_requirements",
            GraduateRequirement.objects.filter(parent=None).prefetch_related("children"),
            to_attr="top_requirements",
        ),
    )

    def get_context_data(self, **kwargs):
        kwargs["links"] = Link.objects.filter(page=Link.Page.GRADUATES)
        return super().get_context_data(**kwargs)
