"""Shared fixtures: a test database holding the site's real content, and a coordinator's account."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from residency import content


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the content from fixtures/ once; each test's changes are rolled back after it."""
    with django_db_blocker.unblock():
        content.load(settings.CONTENT_FIXTURES_DIR)


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("coordinator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name__contains="Coordinator"))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
