def preview(request):
    """The cycle a staff member is previewing, for the banner every page then shows."""
    return {"previewed_cycle": getattr(request, "previewed_cycle", None)}
