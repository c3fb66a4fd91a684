from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program and tracks"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True
