"""
Lists that must agree are derived from one registry, and a forgotten entry fails here.

Each local app says on its AppConfig whether it holds content. The apps' graph, derived from their
code and templates (tests/appgraph.py), runs one way: the core (`residency/`) uses no app, an app that
uses another imports it, and no apps depend on each other, even through a third.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver, reverse

from programs.factories import TrackFactory
from residency import pages, slots
from residency.content import content_apps

from . import appgraph

ROOT = Path(settings.BASE_DIR)
LOCAL_APPS = [config for config in apps.get_app_configs() if Path(config.path).parent == ROOT]
CORE = "residency"
# The settings list the apps and the root URLconf mounts them: configuration, not the core using them.
CONFIGURATION = ["residency/settings.py", "residency/urls.py"]


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


def added_relations(config):
    """The names of the relations that `config`'s models add to other apps' models ("practices" on tracks)."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete and model._meta.app_label != config.label:
                if field.related_model._meta.app_label == config.label:
                    names |= {field.get_accessor_name(), field.name}
    return frozenset(names)


def the_project():
    return appgraph.Project(
        ROOT,
        [
            appgraph.App(
                config.label,
                Path(config.path),
                frozenset(model._meta.model_name for model in config.get_models()),
                added_relations(config),
            )
            for config in LOCAL_APPS
        ],
        core=CORE,
        configuration=CONFIGURATION,
    )


def test_each_apps_url_namespace_is_its_label():
    # The graph reads an app from the namespace of the URLs it names.
    assert set(get_resolver().namespace_dict) - {"admin"} <= {config.label for config in LOCAL_APPS}


def test_the_core_uses_no_app():
    project = the_project()
    uses = [str(use) for use in project.uses() if use.source == CORE]
    assert not uses, "the core (residency/ and the project's templates) names apps:\n" + "\n".join(uses)


def test_an_app_that_uses_another_imports_it():
    project = the_project()
    uses = [str(use) for use in appgraph.hidden(project.uses()) if use.source != CORE]
    assert not uses, "apps use others without importing them:\n" + "\n".join(uses)


def test_no_apps_depend_on_each_other_even_through_a_third():
    loops = [appgraph.describe(steps) for steps in appgraph.loops(the_project().uses())]
    assert not loops, "apps depend on each other:\n" + "\n".join(loops)


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


# The derivation itself, on small made-up projects: a graph test that cannot fail would prove nothing.


def made_up_project(root, files):
    """A project under `root` with the apps alpha and beta (each with a model, Thing or Part) and the core."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return appgraph.Project(
        root,
        [
            appgraph.App("alpha", root / "alpha", frozenset({"thing"})),
            appgraph.App("beta", root / "beta", frozenset({"part"}), frozenset({"parts"})),
            appgraph.App("core", root / "core"),
        ],
        core="core",
        configuration=["core/settings.py"],
    )


def test_the_derivation_finds_an_apps_template_linking_to_another_it_does_not_import(tmp_path):
    project = made_up_project(
        tmp_path,
        {
            "alpha/views.py": "from core.views import PageMixin\n",
            "templates/alpha/page.html": "<h1>Alpha</h1>\n<a href=\"{% url 'beta:part_list' %}\">Parts</a>\n",
        },
    )
    assert [str(use) for use in appgraph.hidden(project.uses())] == [
        "alpha → beta: links to beta:part_list (templates/alpha/page.html:2)"
    ]
    assert appgraph.loops(project.uses()) == []


def test_the_derivation_finds_two_apps_in_a_loop(tmp_path):
    project = made_up_project(
        tmp_path,
        {
            "alpha/models.py": "from beta.models import Part\n",
            "beta/views.py": "import alpha.models\n",
        },
    )
    (loop,) = appgraph.loops(project.uses())
    assert appgraph.describe(loop) == (
        "alpha → beta → alpha: alpha → beta: imports beta.models (alpha/models.py:1); "
        "beta → alpha: imports alpha.models (beta/views.py:1)"
    )
    assert appgraph.hidden(project.uses()) == []


def test_the_derivation_finds_a_loop_through_a_third_app_and_the_core(tmp_path):
    project = made_up_project(
        tmp_path,
        {
            "alpha/views.py": "from beta.models import Part\n",
            "beta/models.py": "from core.models import NameSlugModel\n",
            "templates/base.html": '<body>\n{% include "alpha/_banner.html" %}\n',
            "templates/alpha/_banner.html": "<p>Alpha</p>\n",
            # The configuration names every app, and is not the core.
            "core/settings.py": 'INSTALLED_APPS = ["alpha", "beta"]\nHOME = "alpha:home"\n',
        },
    )
    uses = project.uses()
    assert [str(use) for use in uses if use.source == "core"] == [
        "core → alpha: includes alpha/_banner.html (templates/base.html:2)"
    ]
    assert [appgraph.describe(loop) for loop in appgraph.loops(uses)] == [
        "alpha → beta → core → alpha: alpha → beta: imports beta.models (alpha/views.py:1); "
        "beta → core: imports core.models (beta/models.py:1); "
        "core → alpha: includes alpha/_banner.html (templates/base.html:2)"
    ]


@pytest.mark.parametrize(
    "name, text, found",
    [
        ("alpha/report.py", 'Part = apps.get_model("beta", "Part")\n', "gets the model of beta"),
        ("alpha/models.py", 'part = models.ForeignKey("beta.Part", on_delete=models.CASCADE)\n', "names the model"),
        ("alpha/views.py", 'url = reverse("beta:part_detail", args=[1])\n', "reverses the URL beta:part_detail"),
        ("alpha/views.py", 'url = reverse("admin:beta_part_change", args=[1])\n', "reverses the URL admin:beta"),
        ("alpha/views.py", "parts = thing.parts.all()\n", "follows the relation parts"),
        ("alpha/models.py", "things = Thing.objects.filter(parts__isnull=False)\n", "follows the relation"),
        ("templates/alpha/page.html", "{% for part in thing.parts.all %}{% endfor %}\n", "follows the relation"),
        ("templates/admin/alpha/index.html", "{% url 'admin:beta_part_changelist' %}\n", "links to admin:beta"),
        ("templates/alpha/page.html", "{% if perms.beta.view_part %}{% endif %}\n", "checks a permission"),
        ("templates/alpha/page.html", '{% extends "beta/base.html" %}\n', "extends beta/base.html"),
    ],
)
def test_the_derivation_reads_each_way_of_using_another_app(tmp_path, name, text, found):
    project = made_up_project(tmp_path, {name: text, "templates/beta/base.html": "<p>Beta</p>\n"})
    uses = appgraph.hidden(project.uses())
    assert [(use.source, use.target) for use in uses] == [("alpha", "beta")], uses
    assert found in str(uses[0]) and f"({name}:1)" in str(uses[0])


def test_a_made_up_project_whose_apps_import_what_they_use_passes(tmp_path):
    project = made_up_project(
        tmp_path,
        {
            "alpha/views.py": "from beta.models import Part\nfrom core.views import PageMixin\n",
            "alpha/models.py": 'part = ForeignKey("beta.Part")\nURLS = "alpha.urls"\n',
            "templates/alpha/page.html": "{% extends 'base.html' %}{% url 'beta:part_list' %}{% url 'admin:index' %}",
            "templates/base.html": "{% url 'core:robots' %}<p>no app here</p>\n",
            "beta/models.py": "from core.models import NameSlugModel\n",
        },
    )
    uses = project.uses()
    assert {(use.source, use.target) for use in uses} == {("alpha", "beta"), ("alpha", "core"), ("beta", "core")}
    assert appgraph.hidden(uses) == [] and appgraph.loops(uses) == []
