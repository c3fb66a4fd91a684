"""
The application cycle's pages in admin beyond its change form: copy it to a new draft, publish or
schedule it, return it to draft, mark its copied texts as reviewed, and the report of stale and
missing content. Each is a write like a save: it checks the coordinator's rights on cycles, is
recorded as a revision with who made it and a log entry, and the public pages follow (the saves
move the content version).
"""

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from . import report
from .forms import CopyCycleForm, PublishCycleForm, next_name
from .models import ApplicationCycle

TEMPLATES = "admin/applications/applicationcycle/"


class CycleAdminView(View):
    """A page about one cycle in admin, for coordinators with `permission` on cycles."""

    model_admin = None
    permission = "change"
    template_name = None

    def dispatch(self, request, *args, **kwargs):
        if not getattr(self.model_admin, f"has_{self.permission}_permission")(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_cycle(self):
        return get_object_or_404(ApplicationCycle, pk=self.kwargs["pk"])

    def render(self, cycle, title, template=None, **context):
        media = self.model_admin.media
        if "form" in context:
            media += context["form"].media
        context = {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": ApplicationCycle._meta,
            "original": cycle,
            "cycle": cycle,
            "media": media,
            "title": title,
            **context,
        }
        return TemplateResponse(self.request, TEMPLATES + (template or self.template_name), context)

    def recorded(self, cycle, comment, change):
        """Record `change` (a function that saves) as a revision by this coordinator, and log it."""
        with reversion.create_revision():
            reversion.set_user(self.request.user)
            reversion.set_comment(comment)
            result = change()
        self.model_admin.log_change(self.request, cycle, comment)
        return result

    def back_to(self, cycle):
        return redirect("admin:applications_applicationcycle_change", cycle.pk)


class CopyView(CycleAdminView):
    """“Copy to a new draft cycle”: everything of the cycle, every date moved on."""

    permission = "add"
    template_name = "copy_form.html"

    def get(self, request, pk):
        cycle = self.get_cycle()
        return self.page(cycle, CopyCycleForm(initial={"name": next_name(cycle.name), "weeks": 52}))

    def post(self, request, pk):
        cycle = self.get_cycle()
        form = CopyCycleForm(request.POST)
        if not form.is_valid():
            return self.page(cycle, form)
        comment = f"Copied from {cycle.name}"
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(comment)
                copy = cycle.copy(form.cleaned_data["name"], weeks=form.cleaned_data["weeks"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(cycle, form)
        self.model_admin.log_addition(request, copy, comment)
        self.model_admin.message_user(
            request,
            f"{copy.name} is a draft copy of {cycle.name}, its dates moved on by {form.cleaned_data['weeks']} weeks. "
            "Check the texts listed for review, then preview and publish.",
            messages.SUCCESS,
        )
        return self.back_to(copy)

    def page(self, cycle, form):
        return self.render(cycle, f"Copy {cycle.name} to a new draft cycle", form=form)


class PublishView(CycleAdminView):
    """
    Publish now, or schedule: the live cycle is archived when this one goes live. Publishing now, and
    publishing a cycle whose deadline has passed, first shows what the public site will show.
    """

    template_name = "publish_form.html"

    def get(self, request, pk):
        cycle = self.get_cycle()
        return self.page(cycle, PublishCycleForm(cycle=cycle))

    def post(self, request, pk):
        cycle = self.get_cycle()
        form = PublishCycleForm(request.POST, cycle=cycle)
        if not form.is_valid():
            return self.page(cycle, form)
        at = form.cleaned_data["publish_at"]
        if form.needs_confirmation:
            return self.render(
                cycle,
                f"Publish {cycle.name} now?" if at is None else f"Schedule {cycle.name}?",
                "publish_confirm.html",
                form=form,
                effects=cycle.publishing_effects(at),
                at=at,
            )
        try:
            self.recorded(cycle, "Scheduled" if at else "Published", lambda: cycle.publish(at))
        except ValidationError as error:
            form.add_error("publish_at", error)
            return self.page(cycle, form)
        when = f"on {timezone.localtime(at):%B %-d, %Y at %-I:%M %p} Eastern Time" if at else "now"
        self.model_admin.message_user(request, f"{cycle.name} goes live {when}.", messages.SUCCESS)
        return self.back_to(cycle)

    def page(self, cycle, form):
        return self.render(cycle, f"Publish {cycle.name}", form=form)


class UnpublishView(CycleAdminView):
    """Return to draft, after a page saying what the public site will show instead."""

    template_name = "unpublish_confirm.html"

    def get(self, request, pk):
        cycle = self.get_cycle()
        if cycle.publish_at is None:
            self.model_admin.message_user(request, f"{cycle.name} is a draft already.", messages.INFO)
            return self.back_to(cycle)
        return self.render(cycle, f"Return {cycle.name} to draft?", effects=cycle.unpublishing_effects())

    def post(self, request, pk):
        cycle = self.get_cycle()
        if cycle.publish_at is not None:
            self.recorded(cycle, "Returned to draft", cycle.unpublish)
            self.model_admin.message_user(request, f"{cycle.name} is a draft again.", messages.SUCCESS)
        return self.back_to(cycle)


class ReviewedView(CycleAdminView):
    """Mark texts the copy moved on as reviewed, from the cycle's own page: those ticked, or all."""

    def post(self, request, pk):
        cycle = self.get_cycle()
        count = len(cycle.texts_to_review)
        if "all" in request.POST:
            chosen = set(range(count))
        else:
            chosen = {int(value) for value in request.POST.getlist("text") if value.isdigit() and int(value) < count}
        if not chosen:
            self.model_admin.message_user(request, "Tick the texts you have reviewed first.", messages.WARNING)
            return self.back_to(cycle)

        def mark():
            cycle.texts_to_review = [entry for index, entry in enumerate(cycle.texts_to_review) if index not in chosen]
            cycle.save(update_fields=["texts_to_review"])

        self.recorded(cycle, f"Marked {len(chosen)} text{'s' if len(chosen) != 1 else ''} as reviewed", mark)
        left = len(cycle.texts_to_review)
        self.model_admin.message_user(
            request,
            f"{len(chosen)} marked as reviewed; {left} left to review." if left else "Every text has been reviewed.",
            messages.SUCCESS,
        )
        return self.back_to(cycle)


class ReportView(CycleAdminView):
    """Stale and missing content, for coordinators."""

    permission = "view"
    template_name = "report.html"

    def get(self, request):
        panel = report.this_cycle()
        return self.render(
            None,
            "Stale and missing content",
            panel=panel,
            since=panel["since"],
            stale=report.stale_content(panel["since"]),
            missing=report.missing_facts(),
            not_on_the_site=report.NOT_ON_THE_SITE,
        )
