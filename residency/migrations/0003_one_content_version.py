from django.db import migrations
from django.utils import timezone


def one_row(apps, schema_editor):
    """The page cache reads one row, never creates it: keep the latest, or make it."""
    ContentVersion = apps.get_model("residency", "ContentVersion")
    latest = ContentVersion.objects.order_by("-changed_at").first()
    if latest is None:
        ContentVersion.objects.create(changed_at=timezone.now())
    else:
        ContentVersion.objects.exclude(pk=latest.pk).delete()


class Migration(migrations.Migration):
    dependencies = [("residency", "0002_content_version")]

    operations = [migrations.RunPython(one_row, migrations.RunPython.noop)]
