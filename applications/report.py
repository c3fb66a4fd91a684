"""
What is stale and what is missing: the coordinators' report in admin and the "This cycle" panel.

Stale: content no coordinator has changed or marked as checked since the live cycle's draft was
made (its copy; for a cycle not copied here, its first record or its publication), judged by the
history's revisions by a coordinator (a load or a command checks nothing). The cycles' own
content is renewed by the yearly copy and checked through its texts to review. Missing: what
applicants look for that the program has not filled in yet.
"""

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from reversion.models import Version

from residency import content

from .models import ApplicationCycle

# Applicants rank wellness (86%), fellowship placement (85%) and faculty (84%) highest; the site
# has no place yet for these two.
NOT_ON_THE_SITE = ["Resident wellness", "Faculty"]


def _changelist(model, pks):
    """The admin list of `model` showing exactly the objects `pks`."""
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?pk__in={','.join(str(pk) for pk in sorted(pks))}"


def since(cycle):
    """When `cycle`'s draft was made: its first record in the history (its copy), or its publication if earlier."""
    if cycle is None:
        return None
    first = (
        Version.objects.get_for_object(cycle)
        .order_by("revision__date_created")
        .values_list("revision__date_created", flat=True)
    )
    moments = [moment for moment in (first.first(), cycle.publish_at) if moment is not None]
    return min(moments, default=None)


def stale_content(since):
    """Per content model outside the cycles: the objects no coordinator has changed or checked since `since`."""
    if since is None:
        return []
    rows = []
    for model in content.content_models():
        if model._meta.app_label == ApplicationCycle._meta.app_label or model not in admin.site._registry:
            continue
        pks = list(model._default_manager.values_list("pk", flat=True))
        if not pks:
            continue
        checked = set(
            Version.objects.get_for_model(model)
            .filter(object_id__in=[str(pk) for pk in pks], revision__date_created__gte=since)
            .exclude(revision__user=None)
            .values_list("object_id", flat=True)
        )
        stale = [pk for pk in pks if str(pk) not in checked]
        if stale:
            rows.append(
                {
                    "name": capfirst(model._meta.verbose_name_plural),
                    "stale": len(stale),
                    "total": len(pks),
                    "url": _changelist(model, stale),
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


def next_step(live, upcoming):
    """What a coordinator does next, following the cycles' state: {"text", "url"} or None."""
    for cycle in upcoming:
        if cycle.texts_to_review:
            count = len(cycle.texts_to_review)
            return {
                "text": f"review the {count} text{'s' if count != 1 else ''} the copy moved on in {cycle.name}",
                "url": reverse("admin:applications_applicationcycle_change", args=[cycle.pk]),
            }
    drafts = [cycle for cycle in upcoming if cycle.publish_at is None]
    if drafts:
        return {
            "text": f"preview {drafts[0].name} on the site, then publish or schedule it",
            "url": reverse("admin:applications_applicationcycle_preview", args=[drafts[0].pk]),
        }
    if upcoming:
        return None  # Scheduled: it goes live by itself.
    if live is None or live.has_closed:
        cycle = live or ApplicationCycle.objects.order_by("-deadline").first()
        if cycle is None:
            return None
        return {
            "text": f"open {cycle.name} and choose “Copy to a new draft cycle”",
            "url": reverse("admin:applications_applicationcycle_copy", args=[cycle.pk]),
        }
    return None


def this_cycle():
    """The live cycle, what comes next, and what needs a coordinator: for the admin index and the report."""
    live = ApplicationCycle.objects.published().order_by("-publish_at", "-pk").first()
    upcoming = list(ApplicationCycle.objects.scheduled().order_by("publish_at")) + list(
        ApplicationCycle.objects.drafts().order_by("-deadline")
    )
    began = since(live)
    return {
        "live": live,
        "upcoming": upcoming,
        "since": began,
        "stale": sum(row["stale"] for row in stale_content(began)),
        "to_review": sum(len(cycle.texts_to_review) for cycle in [live, *upcoming] if cycle),
        "next_step": next_step(live, upcoming),
        "report_url": reverse("admin:applications_applicationcycle_report"),
    }
