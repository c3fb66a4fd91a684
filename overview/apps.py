from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview"
    # No models: the pages that join the content apps, which may depend on all of them and none on it.
    content = False
