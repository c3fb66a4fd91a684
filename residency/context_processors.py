from django.urls import reverse

# The site's sections, in the order the main navigation lists them.
SECTIONS = [
    ("home", "Overview"),
    ("programs:track_list", "Tracks"),
    ("curriculum:rotation_list", "Rotations"),
    ("curriculum:elective_list", "Electives"),
    ("curriculum:conference_list", "Conferences"),
    ("sites:practice_list", "Continuity sites"),
    ("programs:research", "Research"),
    ("programs:leadership", "Leadership"),
    ("programs:benefits", "Benefits"),
    ("applications:apply", "Apply"),
    ("applications:interviews", "Interviews"),
    ("applications:graduates", "International graduates"),
]


def navigation(request):
    """The main navigation, marking the section of the page being shown."""
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else None
    return {
        "navigation": [{"url": reverse(name), "label": label, "current": name == here} for name, label in SECTIONS]
    }
