def preview(request):
    """The cycle a staff member is previewing, for the banner every page then shows."""
    return {"previewed_cycle": getattr(request, "previewed_cycle", None)}


def this_cycle(request):
    """The admin index's "This cycle" panel, worked out only by a page that shows it."""
    from .report import this_cycle

    return {"this_cycle": this_cycle}
