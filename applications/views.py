from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView, View

from programs.models import Link, Program, Track
from programs.views import OneTrackMixin
from residency import pagecache, variants
from residency.variants import chosen_slugs
from residency.views import CurrentObjectMixin, PublicPageMixin

from . import calendars, eligibility
from .models import ApplicationCycle, GraduateRequirement, TrackApplication
from .rules import current_rules, share_days


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
    footer_label = "How to apply"
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
        share_days(list(context["cycle"].track_applications.all()))
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


class CalendarView(OneTrackMixin, PublicPageMixin, View):
    """
    The current cycle's key dates and interview days as an .ics file: every track's, or with
    `?track=<slug>` one track's. Cached like a page, so a calendar app may poll it.
    """

    listed = False

    @classmethod
    def asked_track(cls, request):
        """Whether the address names a track (`?track=` with a value), known or not."""
        return bool(variants.query(request).get("track", "").strip())

    @classmethod
    def page_variant(cls, request):
        # A track nobody knows is answered "not found", never from the cache, so junk cannot fill it.
        if cls.asked_track(request) and not cls.chosen_track(request):
            return None
        return super().page_variant(request)

    def get(self, request):
        slug = self.chosen_track(request)
        if self.asked_track(request) and not slug:
            raise Http404("There is no such track.")
        rules = current_rules()
        if rules is None:
            raise Http404("No application cycle has been published yet.")
        cycle = rules.cycle
        chosen = [application for application in rules.applications if application.track.slug == slug]
        if slug and not chosen:
            raise Http404(f"The {cycle.name} cycle lists no interview days for this track.")
        applications = chosen or rules.applications
        stamp = pagecache.current_version()
        # UIDs and links from the site's configured address, never the request's Host: the file is shared.
        domain = urlsplit(settings.SITE_URL).hostname
        apply_url = settings.SITE_URL + reverse("applications:apply")
        events = calendars.key_date_events(cycle, domain, stamp, apply_url)
        for application in applications:
            track_url = settings.SITE_URL + application.track.get_absolute_url()
            events += calendars.interview_events(application, domain, stamp, track_url)
        name = f"{chosen[0].track.name} interviews {cycle.name}" if chosen else f"Applying in {cycle.name}"
        calendar = calendars.build(name, events, stamp)
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        filename = f"{cycle.slug}-{chosen[0].track.slug}" if chosen else cycle.slug
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
        return response


class PlannerView(PublicPageMixin, TemplateView):
    """
    The application planner: the applicant ticks tracks (`?track=<slug>&track=<slug>`) and the page
    answers from the cycle's stored rules. The answer is its address; nothing is stored.
    """

    template_name = "applications/planner.html"
    # Plans of up to this many tracks are cached (one entry per set of known tracks); larger ones are not.
    cached_most = 3

    @classmethod
    def page_variant(cls, request):
        chosen = sorted(chosen_slugs(request, "track", Track))
        if len(chosen) > cls.cached_most:
            return None
        return "track=" + ",".join(chosen) if chosen else ""

    def get_context_data(self, **kwargs):
        rules = current_rules()
        if rules is None:
            raise Http404("No application cycle has been published yet.")
        chosen = set(chosen_slugs(self.request, "track", Track))
        offered = {application.track_id for application in rules.applications}
        # Every track, in the coordinators' order; those the cycle does not list are answered as such.
        tracks = list(Track.objects.select_related("match_via"))
        selected = [track for track in tracks if track.slug in chosen]
        kwargs["cycle"] = rules.cycle
        kwargs["choices"] = [(track, track.slug in chosen, track.pk in offered) for track in tracks]
        kwargs["plan"] = rules.plan(selected) if selected else None
        kwargs["share_query"] = urlencode([("track", track.slug) for track in selected])
        return super().get_context_data(**kwargs)


class GraduateCheckView(PublicPageMixin, CycleMixin, TemplateView):
    """
    The international graduates' self-check: a form sent by GET, answered from the cycle's stored
    requirements. Nothing is stored, and answered pages are neither cached here nor by browsers.
    """

    template_name = "applications/graduate_check.html"
    prefetch = GraduatesView.prefetch
    limited = True
    private_queries = True

    @classmethod
    def page_variant(cls, request):
        # The empty form is the same for everyone; answers are personal and come in too many forms to cache.
        return None if any(name in variants.query(request) for name in eligibility.SelfCheckForm.base_fields) else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requirements = context["cycle"].top_requirements
        asked = self.page_variant(self.request) is None
        form = eligibility.SelfCheckForm(variants.query(self.request) if asked else None, requirements=requirements)
        context["form"] = form
        if asked and form.is_valid():
            answers = eligibility.answer(requirements, form.cleaned_data)
            context["answers"] = answers
            context["overall"] = eligibility.overall(answers)
            context["not_international"] = form.cleaned_data.get("degree") == eligibility.Degree.US_CANADA
        return context
