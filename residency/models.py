"""Abstract bases shared by the content models of every app."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from . import photos


def fill_slug(obj, text):
    """Give `obj` a slug from `text` if it has none (as admin's form would), made unique in its table."""
    if obj.slug:
        return
    base = slugify(text)[:190] or "item"
    slug, number = base, 2
    while type(obj)._default_manager.filter(slug=slug).exclude(pk=obj.pk).exists():
        slug, number = f"{base}-{number}", number + 1
    obj.slug = slug


class SlugQuerySet(models.QuerySet):
    """Look-ups by slug, the natural key that fixtures use instead of ids."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def change_time():
    """
    Now, to the second, as content change times are stored: JSON fixtures keep milliseconds and
    drop ".000", so a finer time would not read back as written and an export would not repeat itself.
    """
    return timezone.now().replace(microsecond=0)


class ContentModel(models.Model):
    """
    Site content that remembers when it last changed: every save from admin or code stamps it,
    fixtures carry the time (export writes it, `load_content` keeps it), and a page's footer shows
    the latest time of what the page shows (`residency.changes`).
    """

    changed_at = models.DateTimeField(
        "last changed",
        null=True,
        blank=True,
        editable=False,
        help_text="When this item, or the list it belongs to, last changed; set on every save.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A fixture's load saves raw (Model.save_base), past this method, and keeps the time it carries.
        self.changed_at = change_time()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "changed_at"}
        super().save(*args, **kwargs)

    @property
    def last_changed(self):
        """When this object, as the public pages show it, last changed."""
        return self.changed_at


class OrderedModel(ContentModel):
    """Content shown in the order a coordinator chooses."""

    order = models.PositiveSmallIntegerField(
        default=0,
        help_text="Position on the page: lower numbers come first.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A new item goes last, after the others a coordinator has already put in order.
        if self._state.adding and not self.order:
            highest = type(self)._default_manager.aggregate(highest=models.Max("order"))["highest"]
            self.order = 0 if highest is None else highest + 1
        super().save(*args, **kwargs)


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

    def save(self, *args, **kwargs):
        fill_slug(self, self.name)
        super().save(*args, **kwargs)

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

    def save(self, *args, **kwargs):
        fill_slug(self, self.text)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)


class PhotoModel(models.Model):
    """
    Content that may have a photo, with its alt text. The renditions are made and stored when an
    upload is saved (residency.photos), and listed in `photo_renditions`.
    """

    photo = photos.PhotoField(
        blank=True,
        help_text=(
            "A JPEG, PNG or WebP photo, best 1,600 pixels wide or more. Pages show it in sizes that suit each "
            "screen; its location and camera data are removed."
        ),
    )
    photo_alt = models.CharField(
        "photo's alt text",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for those who cannot see it, e.g. “Residents on rounds in the ICU”. "
        "Required with a photo.",
    )
    photo_renditions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.photo and not self.photo._committed:
            # A new upload: its renditions are stored, and the field keeps the largest JPEG's name.
            self.photo_renditions = photos.store(self.photo.file)
            self.photo = self.photo_renditions[-1]["jpeg"]
        elif not self.photo:
            self.photo_renditions = []
        if kwargs.get("update_fields") is not None and "photo" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "photo_renditions"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.photo_alt = self.photo_alt.strip()
        if self.photo and not self.photo_alt and "photo_alt" not in (exclude or ()):
            errors.setdefault("photo_alt", []).append(
                ValidationError("Say what the photo shows, for those who cannot see it.", code="no_alt_text")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def picture(self):
        """The photo as a page shows it (residency.photos.Picture), or None."""
        if not self.photo or not self.photo_renditions:
            return None
        return photos.Picture.from_renditions(self.photo_renditions, self.photo_alt)


class ContentVersion(models.Model):
    """When the site's content last changed: the key of the page cache, shared by every server process."""

    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self):
        return f"Content changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class ContentBaseline(models.Model):
    """
    The content as it was last exported or loaded, one digest per object: what `load_content` compares
    with to find work done in admin since, which a load must not throw away unasked.
    """

    taken_at = models.DateTimeField()
    digests = models.JSONField(default=dict, help_text="{“label natural-key”: sha256 of its fields as exported}")

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self):
        return f"Content as exported or loaded at {self.taken_at:%Y-%m-%d %H:%M:%S}"
