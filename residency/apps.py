from django.apps import AppConfig
from django.db.models import signals


class ResidencyConfig(AppConfig):
    name = "residency"
    verbose_name = "Site"

    def ready(self):
        from .content import CONTENT_APPS
        from .pagecache import on_content_change

        # Any change to content, from admin or code, makes every cached page stale.
        for app_label in CONTENT_APPS:
            for model in self.apps.get_app_config(app_label).get_models():
                signals.post_save.connect(on_content_change, sender=model)
                signals.post_delete.connect(on_content_change, sender=model)
                for field in model._meta.local_many_to_many:
                    signals.m2m_changed.connect(on_content_change, sender=field.remote_field.through)
