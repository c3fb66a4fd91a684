from django.apps import AppConfig

from residency import slots


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"
    # No models of its own: it publishes the content apps' data as JSON and CSV.
    content = False

    def ready(self):
        # Every page's footer links to the files.
        slots.register("footer", "opendata/includes/_footer.html")
