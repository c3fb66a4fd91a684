from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program and tracks"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True

    def ready(self):
        from residency.health import content_checks

        content_checks.connect(program_missing, dispatch_uid="programs.program_missing")


def program_missing(sender, **kwargs):
    """/healthz: a site without its program has nothing to show."""
    from .models import Program

    return [] if Program.objects.exists() else ["program"]
