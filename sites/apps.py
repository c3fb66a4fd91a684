from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = "Continuity practice sites"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True
