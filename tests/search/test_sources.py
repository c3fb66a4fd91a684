"""Every kind of content with text is searched, or left out on purpose."""

from django.db import models

from residency.content import content_models
from search.sources import SKIPPED, SOURCES

NOT_TEXT = {"slug", "kind", "setting", "list_style", "med_peds_url", "residents_label"}


def test_every_content_model_with_text_is_searched_or_left_out_on_purpose():
    searched = {source.model._meta.label for source in SOURCES}
    for model in content_models():
        text = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and field.name not in NOT_TEXT
        ]
        if text:
            assert model._meta.label in searched | set(SKIPPED), f"{model._meta.label} is not searched"
    assert not searched & set(SKIPPED)
