from django.apps import AppConfig

from residency import slots


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    # Not content: it holds no models, and only reads the content apps' models.
    content = False

    def ready(self):
        # The search form is in every page's main menu.
        slots.register("menu", "search/includes/_form.html")
