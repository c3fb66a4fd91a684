from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True

    def ready(self):
        from residency import slots
        from residency.health import content_checks
        from residency.pagecache import scheduled_changes

        scheduled_changes.connect(cycle_moments, dispatch_uid="applications.cycle_moments")
        content_checks.connect(cycle_missing, dispatch_uid="applications.cycle_missing")
        # Staff previewing a cycle see it marked on every page, kept from search engines; the admin index opens
        # with the cycle's state.
        slots.register("head", "applications/includes/_preview_head.html")
        slots.register("banner", "applications/includes/_preview_banner.html")
        slots.register("admin_index", "admin/applications/applicationcycle/_index_panel.html")


def cycle_moments(sender, **kwargs):
    """Cycles go live and close at their set times: the cached pages must not outlast either."""
    from .models import ApplicationCycle

    return ApplicationCycle.objects.moments()


def cycle_missing(sender, **kwargs):
    """/healthz: with no cycle published yet, the application pages have nothing to show."""
    from .models import ApplicationCycle

    return [] if ApplicationCycle.objects.published().exists() else ["published cycle"]
