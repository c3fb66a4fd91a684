from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True
