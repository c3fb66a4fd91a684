from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    # Not content: it holds no models, and only reads the content apps' models.
    content = False
