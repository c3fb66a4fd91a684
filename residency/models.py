"""Abstract bases shared by the content models of every app."""

from django.db import models


class SlugQuerySet(models.QuerySet):
    """Look-ups by slug, the natural key that fixtures use instead of ids."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class OrderedModel(models.Model):
    """Content shown in the order a coordinator chooses."""

    order = models.PositiveSmallIntegerField(
        default=0,
        help_text="Position on the page: lower numbers come first.",
    )

    class Meta:
        abstract = True


class NameSlugModel(OrderedModel):
    """A named, ordered piece of content with a unique slug as its natural key."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Short name used in addresses and fixtures; filled in from the name.",
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ListItemModel(OrderedModel):
    """An ordered entry of a list on a page, with a unique slug as its natural key."""

    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Short name used in fixtures; filled in from the text.",
    )
    text = models.TextField()

    objects = SlugQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return self.text if len(self.text) <= 80 else f"{self.text[:79]}…"

    def natural_key(self):
        return (self.slug,)


class ContentVersion(models.Model):
    """When the site's content last changed: the key of the page cache, shared by every server process."""

    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self):
        return f"Content changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"
