"""
What is stale and what is missing: the coordinators' report in admin and the "This cycle" panel.

Stale: content not changed since the live cycle began (its publish time), judged by the
history's revisions; the cycles' own content is renewed by the yearly copy and checked through
its texts to review. Missing: what applicants look for that the program has not filled in yet.
"""

from django.apps import apps
from django.contrib import admin
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from reversion.models import Version

from residency import content

from .models import ApplicationCycle

# Applicants rank wellness (86%), fellowship placement (85%) and faculty (84%) highest; the site
# has no place yet for these two.
NOT_ON_THE_SITE = ["Resident wellness", "Faculty"]


def _changelist(model):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return None


def stale_content(since):
    """Per content model outside the cycles: how many objects have not changed since `since`."""
    if since is None:
        return []
    rows = []
    for model in content.content_models():
        if model._meta.app_label == ApplicationCycle._meta.app_label or model not in admin.site._registry:
            continue
        ids = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        if not ids:
            continue
        changed = (
            Version.objects.get_for_model(model)
            .filter(object_id__in=ids)
            .values("object_id")
            .annotate(last=Max("revision__date_created"))
            .filter(last__gte=since)
        )
        fresh = {row["object_id"] for row in changed}
        stale = len(ids) - len(fresh)
        if stale:
            rows.append(
                {
                    "name": capfirst(model._meta.verbose_name_plural),
                    "stale": stale,
                    "total": len(ids),
                    "url": _changelist(model),
                }
            )
    return rows


def missing_facts():
    """The applicant facts the program has left empty, each with where to fill it in."""
    Program = apps.get_model("programs", "Program")
    program = Program.objects.current()
    if program is None:
        return []
    url = reverse("admin:programs_program_change", args=[program.pk])
    return [
        {"name": capfirst(Program._meta.get_field(name).verbose_name), "url": url}
        for name in Program.APPLICANT_FACTS
        if not getattr(program, name)
    ]


def this_cycle():
    """The live cycle, what comes next, and what needs a coordinator: for the admin index and the report."""
    live = ApplicationCycle.objects.published().order_by("-publish_at", "-pk").first()
    upcoming = list(ApplicationCycle.objects.scheduled().order_by("publish_at")) + list(
        ApplicationCycle.objects.drafts().order_by("-deadline")
    )
    since = live.publish_at if live else None
    return {
        "live": live,
        "upcoming": upcoming,
        "since": since,
        "stale": sum(row["stale"] for row in stale_content(since)),
        "to_review": sum(len(cycle.texts_to_review) for cycle in [live, *upcoming] if cycle),
        "report_url": reverse("admin:applications_applicationcycle_report"),
    }
