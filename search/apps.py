from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models import signals

from residency import slots


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    # Not content: its index is derived from the public pages and rebuilt from them (search.index),
    # so it is never exported, loaded or given to coordinators.
    content = False

    def ready(self):
        # The search form is in every page's main menu.
        slots.register("menu", "search/includes/_form.html")

        from residency.content import content_models

        from .index import on_content_change, on_request_finished, on_request_started, rebuild_after_migrate

        for model in content_models():
            signals.post_save.connect(on_content_change, sender=model)
            signals.post_delete.connect(on_content_change, sender=model)
            for field in model._meta.local_many_to_many:
                signals.m2m_changed.connect(on_content_change, sender=field.remote_field.through)
        signals.post_migrate.connect(rebuild_after_migrate, sender=self)
        request_started.connect(on_request_started)
        request_finished.connect(on_request_finished)
