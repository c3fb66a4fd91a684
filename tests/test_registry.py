"""
Lists that must agree are derived from one registry, and a forgotten entry fails here.

Each local app says on its AppConfig whether it holds content; the core (`residency/`) knows no
content app by name, and imports between apps run one way.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse

from programs.factories import TrackFactory
from residency import pages, slots
from residency.content import content_apps

ROOT = Path(settings.BASE_DIR)
LOCAL_APPS = [config for config in apps.get_app_configs() if Path(config.path).parent == ROOT]


@pytest.mark.parametrize("config", LOCAL_APPS, ids=lambda config: config.label)
def test_every_local_app_with_models_says_whether_it_holds_content(config):
    if list(config.get_models()):
        assert isinstance(getattr(type(config), "content", None), bool), (
            f"{config.name}: set `content = True` on its AppConfig if coordinators edit its models and "
            "fixtures hold them, or `content = False` if they are the site's own bookkeeping"
        )


def test_the_content_apps_are_the_ones_with_fixtures():
    assert {f"{config.label}.json" for config in content_apps()} == {
        path.name for path in settings.CONTENT_FIXTURES_DIR.glob("*.json")
    }


def imported_modules(path):
    """The top-level package names a module imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


def app_imports(config):
    """The other local apps that an app's code imports (migrations aside)."""
    local = {app.name for app in LOCAL_APPS}
    found = set()
    for path in Path(config.path).rglob("*.py"):
        if "migrations" not in path.parts:
            found.update(name for name in imported_modules(path) if name in local and name != config.name)
    return found


def test_the_core_imports_no_content_app():
    core = apps.get_app_config("residency")
    assert app_imports(core) == set()


def test_imports_between_apps_run_one_way():
    graph = {config.name: app_imports(config) for config in LOCAL_APPS}

    def reaches(start, target, seen=()):
        return any(
            name == target or (name not in seen and reaches(name, target, (*seen, name))) for name in graph[start]
        )

    loops = sorted(name for name in graph if reaches(name, name))
    assert not loops, f"these apps import each other in a loop: {loops} ({graph})"


# The frame of every page names no app: pages say their roles, and apps fill its places.


@pytest.mark.django_db
def test_every_page_links_home_and_to_the_pages_that_ask_for_a_place_in_the_footer(client):
    footer = pages.footer_routes()
    assert footer, "no page asks for a place in the footer"
    TrackFactory()
    for url in (reverse("overview:track_list"), "/no-such-page/"):
        text = client.get(url).text
        assert f'<a class="site-name" href="{pages.home_route().path}">' in text, url
        links = text.split('<footer class="site-footer">')[1]
        for route in footer:
            assert f'<a href="{route.path}">{route.footer_label}</a>' in links, url


def test_apps_fill_only_the_places_the_project_templates_have_with_templates_that_exist():
    with pytest.raises(ValueError, match="no place 'sidebar'"):
        slots.register("sidebar", "search/includes/_form.html")
    for place in slots.PLACES:
        for name in slots.templates(place):
            get_template(name)
