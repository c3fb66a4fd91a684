"""
Shared fixtures: a test database holding the sample site (tests/sample.py), the real content of
fixtures/ for the tests marked `content`, HTTPS clients, a coordinator.
"""

import os

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from residency import content, pagecache
from tests import sample, servers

# Property tests: a failure prints the blob that replays it (`@reproduce_failure`), in CI too.
# HYPOTHESIS_PROFILE=long runs each property with at least HYPOTHESIS_MAX_EXAMPLES examples (README: Testing).
hypothesis.settings.register_profile("default", print_blob=True)
hypothesis.settings.register_profile(
    "long", print_blob=True, max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "5000"))
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# What the TLS-terminating proxy in front of the site adds to every request.
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The sample site, once, as the content is loaded on a server: built by the factories, exported
    (`sample_fixtures`) and loaded back, so it has its history, its record of the last load and its
    search index; each test's changes are rolled back after it.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            sample.build()
            content.export(_sample_folder(tmp_path_factory))
            transaction.set_rollback(True)
        content.load(_sample_folder(tmp_path_factory))


def _sample_folder(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "sample-site"


@pytest.fixture(scope="session")
def sample_fixtures(django_db_setup, tmp_path_factory):
    """The sample site as fixtures (what the test database was loaded from), for the servers tests start."""
    return _sample_folder(tmp_path_factory)


@pytest.fixture(autouse=True)
def real_content(request):
    """A database test marked `content` finds the content of fixtures/ in place of the sample site, until it ends."""
    if request.node.get_closest_marker("content") is None or request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    capture = request.getfixturevalue("django_capture_on_commit_callbacks")
    # What a load does once committed (the search index rebuilt, the cached pages dropped) happens now.
    with capture(execute=True):
        content.load(settings.CONTENT_FIXTURES_DIR)


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with no cached pages, as a freshly started server would."""
    cache.clear()
    pagecache.forget()
    yield
    cache.clear()
    pagecache.forget()


@pytest.fixture
def client():
    """A browser reaching the site through the HTTPS proxy, as every visitor does in production."""
    return Client(**HTTPS)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("coordinator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name__contains="Coordinator"))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL server of the tests' own (deploy/stack.py), for those that stop it or drop its databases."""
    with servers.postgres_cluster() as cluster:
        yield cluster
