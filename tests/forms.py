"""What a coordinator's browser posts from admin change forms, so tests can make edits as they would."""


def practice_form(practice, **changes):
    """The continuity site change form as shown, with `changes` typed over it."""
    data = {
        "name": practice.name,
        "slug": practice.slug,
        "abbreviation": practice.abbreviation,
        "order": practice.order,
        "tracks": [track.pk for track in practice.tracks.all()],
        "residents_label": practice.residents_label,
        "residents_min": practice.residents_min,
        "residents_max": "" if practice.residents_max is None else practice.residents_max,
        "town": practice.town,
        "distance": practice.distance,
        "description": practice.description,
    }
    if practice.is_health_center:
        data["is_health_center"] = "on"
    return data | changes
