"""
The Content Coordinators group: add, change, delete and view every content model, and nothing else.

Its rights are set again after every `migrate`, from the content registry, so a content model
added later is editable by coordinators on an existing deployment with no other step.
"""

from django.contrib.auth.management import create_permissions

from .content import content_apps, content_models

GROUP_NAME = "Content Coordinators"


def sync_coordinator_group(using="default", **kwargs):
    """post_migrate receiver: give the group exactly the permissions of the content models."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    for config in content_apps():
        # Django makes an app's permissions on its own post_migrate signal, which may come after this one.
        create_permissions(config, verbosity=0, using=using)
    content_types = ContentType.objects.db_manager(using).get_for_models(*content_models()).values()
    group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.set(Permission.objects.using(using).filter(content_type__in=content_types))
