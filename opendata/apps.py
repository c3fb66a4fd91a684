from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"
    # No models of its own: it publishes the content apps' data as JSON and CSV.
    content = False
