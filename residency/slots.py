"""
Places in the project's templates that apps fill, so that those templates name no app.

An app registers a template for a place from its AppConfig.ready(), e.g.
`slots.register("footer", "opendata/includes/_footer.html")`; `{% slot "footer" %}` renders every
template registered for that place, in the order of INSTALLED_APPS, with the page's context. A
template with nothing to say on a page (no cycle is being previewed) renders nothing there.
"""

PLACES = {
    "head": "inside every public page's <head>, after its stylesheets",
    "banner": "the top of every public page's body",
    "menu": "the main menu, after the links to the pages",
    "footer": "every public page's footer, last (kept per content version: the same on every page)",
    "admin_index": "the admin index, above the list of apps",
}

_templates = {place: [] for place in PLACES}


def register(place, template_name):
    """Show `template_name` in `place` (one of PLACES)."""
    if place not in PLACES:
        raise ValueError(f"The project's templates have no place {place!r}; they have {', '.join(PLACES)}.")
    if template_name not in _templates[place]:
        _templates[place].append(template_name)


def templates(place):
    """The templates registered for `place`, in the order they were registered."""
    return list(_templates[place])
