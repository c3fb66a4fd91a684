"""
The site's public pages, read from the URL configuration: every route whose view is built on
`PublicPageMixin` (and not marked `listed = False`). The navigation, the tests, the benchmark
and the sitemap all read this one list, so a new page is in all of them once it has a URL.

Pages say their own roles, so the project's templates name no app: the home page is the page at
the site's root, and a view's `nav_label` and `footer_label` put it in the main navigation and in
every page's footer links.
`all_routes()` adds the unlisted ones (robots.txt, data files, search), and `cached_paths()` is
every address they answer, which nginx's copies are purged of when the content changes.
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver, get_urlconf, reverse, set_urlconf
from django.urls.resolvers import RoutePattern

from .views import PublicPageMixin


class Route:
    """A public page's URL pattern, with the view class and the arguments `as_view()` was given."""

    def __init__(self, name, route, view_class, initkwargs, parameters):
        self.name = name
        self.route = route
        self.view_class = view_class
        self.initkwargs = initkwargs
        self.parameters = parameters

    def __repr__(self):
        return f"<Route {self.name} {self.route}>"

    def _declared(self, name):
        """What the view says about itself, as `as_view()` was given it or as its class says."""
        return self.initkwargs.get(name, getattr(self.view_class, name))

    @property
    def nav_label(self):
        """The page's label in the main navigation; None for pages the navigation leaves out."""
        return self._declared("nav_label")

    @property
    def footer_label(self):
        """The page's label in every page's footer links; None for pages the footer leaves out."""
        return self._declared("footer_label")

    @functools.cached_property
    def path(self):
        """The page's address, for a route without parameters."""
        return reverse(self.name)

    def paths(self):
        """Every address of this route: one, or one per object for a page about an object (its slug)."""
        if not self.parameters:
            return [self.path]
        view = self.view_class(**self.initkwargs)
        view.kwargs = {}
        return [
            reverse(self.name, kwargs={view.slug_url_kwarg: getattr(obj, view.slug_field)})
            for obj in view.get_queryset()
        ]


def _walk(patterns, prefix="/", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == settings.ADMIN_URL:
                continue
            nested = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), nested or namespace)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is None or not issubclass(view_class, PublicPageMixin):
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(
                name,
                prefix + str(entry.pattern),
                view_class,
                entry.callback.view_initkwargs,
                list(entry.pattern.converters),
            )


@functools.cache
def _routes(urlconf):
    return tuple(_walk(get_resolver(urlconf).url_patterns))


def all_routes():
    """Every route of a view built on PublicPageMixin, unlisted ones (robots.txt, data files, search) too."""
    return _routes(get_urlconf() or settings.ROOT_URLCONF)


def routes():
    """Every public page's route, in the order of the URL configuration."""
    return [route for route in all_routes() if route.view_class.listed]


def home_route():
    """
    The home page: the public page at the root of all the others (the site's root; in a staff member's
    preview, the preview's root).
    """
    pages = routes()
    root = min(pages, key=lambda route: len(route.route), default=None)
    if root is None or root.parameters or not all(route.route.startswith(root.route) for route in pages):
        raise ImproperlyConfigured("No public page is at the site's root (''): every page's header links to one.")
    return root


def navigation_routes():
    """The routes the main navigation lists, in the order of the URL configuration."""
    return [route for route in routes() if route.nav_label]


def footer_routes():
    """The routes every page's footer links to, in the order of the URL configuration."""
    return [route for route in routes() if route.footer_label]


def public_pages():
    """The address of every public page: each list page, and each object's page (queries the database)."""
    return [path for route in routes() for path in route.paths()]


def cached_paths():
    """
    Every address a visitor can be answered from a cache without a query string: each public page and
    each unlisted one (robots.txt, the sitemap, data files, the calendar), on the site's own URLs
    (queries the database).
    """
    previous = get_urlconf()
    set_urlconf(None)
    try:
        return [path for route in all_routes() for path in route.paths()]
    finally:
        set_urlconf(previous)


def main_pages():
    """One address of each kind of public page: each list page and the first object of each kind."""
    return [paths[0] for paths in (route.paths() for route in routes()) if paths]
