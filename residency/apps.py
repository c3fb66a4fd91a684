from django.apps import AppConfig
from django.db.models import signals


class ResidencyConfig(AppConfig):
    name = "residency"
    verbose_name = "Site"
    # The core: its one model (when the content last changed) is bookkeeping, not content.
    content = False

    def ready(self):
        from . import changes
        from .admin import keep_history
        from .content import content_models
        from .coordinators import sync_coordinator_group
        from .pagecache import on_content_change
        from .text import normalize_line_endings

        for model in content_models():
            # Text arrives with \r\n from browsers' forms; fixtures and exports keep \n only.
            signals.pre_save.connect(normalize_line_endings, sender=model)
            # Any change to content, from admin or code, makes every cached page stale.
            signals.post_save.connect(on_content_change, sender=model)
            signals.post_delete.connect(on_content_change, sender=model)
            # What a page shows carries the time it last changed (residency.changes).
            signals.post_delete.connect(changes.on_delete, sender=model)
            for field in model._meta.local_many_to_many:
                signals.m2m_changed.connect(on_content_change, sender=field.remote_field.through)
                signals.m2m_changed.connect(changes.on_links_change, sender=field.remote_field.through)
        signals.post_migrate.connect(sync_coordinator_group, sender=self)
        # After admin's autodiscover (the admin app is ready first), whichever order the apps' admin modules ran in.
        keep_history()
