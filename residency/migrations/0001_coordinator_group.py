"""The Content Coordinators group: add, change, delete and view every content model, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Content Coordinators"
CONTENT_APPS = ["programs", "sites", "curriculum", "applications"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them now so the group can hold them.
    for app_label in CONTENT_APPS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=CONTENT_APPS))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0001_initial"),
        ("sites", "0001_initial"),
        ("curriculum", "0001_initial"),
        ("applications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
