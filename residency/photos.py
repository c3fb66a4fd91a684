"""
Photos in the content: renditions made once, at upload, and what a page needs to show them.

A coordinator uploads one photo (JPEG, PNG or WebP) with its alt text. Before anything is decoded,
the upload is refused, with a message on the field, if it is over `MAX_UPLOAD_BYTES`, is not one
of those formats, or its header declares more than `MAX_PIXELS` pixels (a decompression bomb: a
small file that would take gigabytes once decoded). It is then decoded once, turned upright by its
EXIF orientation, and saved at each width of `WIDTHS` (never wider than it is) as WebP and as JPEG
for browsers without WebP. Nothing of the file's metadata is written (EXIF, GPS included; only an RGB
colour profile is kept, so colours stay right), and no file is over `MAX_RENDITION_BYTES`: the
quality goes down, then the size, until it fits. The original is not kept.

The files go to the default storage (MEDIA_ROOT, or the storage MEDIA_STORAGE names), named by
their content, so a name never changes what it holds and nginx serves them as immutable. A replaced
photo's files stay where they are, so that history's revert brings the photo back (`make backup`
keeps MEDIA_ROOT). The model stores the list of renditions (names, widths and heights) beside the
photo, and the fixtures carry it: a page shows a photo without asking the storage anything.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from PIL import Image, ImageOps, UnidentifiedImageError

# Widths of the renditions, in pixels: a phone, a phone at 2x or a laptop, a large screen at 2x.
WIDTHS = (480, 960, 1600)
# What an upload may be: a phone's photo fits, a decompression bomb does not.
MAX_UPLOAD_BYTES = 12 * 1000 * 1000
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}  # MPO: the JPEG of many phones, with a second image Pillow skips.
# No file a page sends is larger than this.
MAX_RENDITION_BYTES = 300 * 1000
QUALITIES = (82, 74, 66, 58, 50, 42)
FOLDER = "photos"

NOT_A_PHOTO = "This file is not a photo that can be used: upload a JPEG, PNG or WebP image."


def _megabytes(size):
    return f"{size / 1000 / 1000:.1f} MB"


def open_upload(file):
    """The upload as an image, only its header read; a ValidationError that says what is wrong otherwise."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {_megabytes(file.size)}: a photo can be at most {_megabytes(MAX_UPLOAD_BYTES)}. "
            "Save it smaller (e.g. 3,000 pixels wide) and upload it again.",
            code="file_too_large",
        )
    too_many_pixels = ValidationError(
        f"This image has more than {MAX_PIXELS // 1_000_000} million pixels: save it smaller "
        "(e.g. 3,000 pixels wide) and upload it again.",
        code="too_many_pixels",
    )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and refuses past twice that; either is a bomb here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(NOT_A_PHOTO, code="invalid_image") from None
    if image.format not in FORMATS:
        raise ValidationError(NOT_A_PHOTO, code="invalid_image")
    if image.width * image.height > MAX_PIXELS:
        raise too_many_pixels
    return image


def _upright_rgb(image):
    """The decoded image, turned by its EXIF orientation, in RGB (transparency on white)."""
    # A JPEG is decoded at a reduced scale where that still leaves the largest rendition's width.
    image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    return image.convert("RGB")


def _encode(image, kind, icc_profile):
    """The image as WebP or JPEG at the best quality that fits MAX_RENDITION_BYTES, or None if none does."""
    for quality in QUALITIES:
        buffer = io.BytesIO()
        if kind == "webp":
            image.save(buffer, "WEBP", quality=quality, method=4, icc_profile=icc_profile)
        else:
            image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, icc_profile=icc_profile)
        if buffer.tell() <= MAX_RENDITION_BYTES:
            return buffer.getvalue()
    return None


def make_renditions(file):
    """
    [{"width", "height", "webp": bytes, "jpeg": bytes}, ...], narrowest first, from an upload;
    a ValidationError if it cannot be used.
    """
    image = open_upload(file)
    profile = image.info.get("icc_profile") or None
    # Only a profile for RGB goes with the RGB renditions (a CMYK one would mislead the browser).
    icc_profile = profile if profile and profile[16:20] == b"RGB " else None
    try:
        image = _upright_rgb(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This image is damaged or cut short and cannot be read: save it again and upload it.",
            code="invalid_image",
        ) from None
    renditions = []
    for width in sorted({min(width, image.width) for width in WIDTHS}, reverse=True):
        if renditions and width >= renditions[-1]["width"]:
            continue  # A wider one had to be made this narrow already.
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        files = {kind: _encode(resized, kind, icc_profile) for kind in ("webp", "jpeg")}
        # A photo too detailed to fit at any quality is made narrower until it fits.
        while None in files.values():
            resized = resized.resize(
                (resized.width * 4 // 5, max(1, resized.height * 4 // 5)), Image.Resampling.LANCZOS
            )
            files = {kind: _encode(resized, kind, icc_profile) for kind in ("webp", "jpeg")}
        renditions.append({"width": resized.width, "height": resized.height, **files})
        image = resized if resized.width == width else image
    return sorted(renditions, key=lambda rendition: rendition["width"])


def store(file):
    """
    Make the renditions of an upload and save them in the default storage; returns what the model
    keeps: [{"jpeg": name, "webp": name, "width", "height"}, ...], narrowest first.
    """
    renditions = getattr(file, "renditions", None) or make_renditions(file)
    storage = storages["default"]
    stored = []
    for rendition in renditions:
        names = {}
        for kind, extension in (("jpeg", "jpg"), ("webp", "webp")):
            data = rendition[kind]
            name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()[:20]}-{rendition['width']}w.{extension}"
            names[kind] = name if storage.exists(name) else storage.save(name, ContentFile(data))
        # Keys in the order PostgreSQL's jsonb keeps them (shortest first), so an export reads the same from
        # either database.
        stored.append({**names, "width": rendition["width"], "height": rendition["height"]})
    return stored


@dataclass(frozen=True)
class Picture:
    """What a page's <picture> needs: the srcset of each format, the fallback, its size and alt text."""

    alt: str
    src: str
    width: int
    height: int
    webp_srcset: str
    jpeg_srcset: str
    thumbnail: str

    @classmethod
    def from_renditions(cls, renditions, alt):
        storage = storages["default"]
        largest = renditions[-1]
        return cls(
            alt=alt,
            src=storage.url(largest["jpeg"]),
            width=largest["width"],
            height=largest["height"],
            webp_srcset=", ".join(f"{storage.url(r['webp'])} {r['width']}w" for r in renditions),
            jpeg_srcset=", ".join(f"{storage.url(r['jpeg'])} {r['width']}w" for r in renditions),
            thumbnail=storage.url(renditions[0]["jpeg"]),
        )


class PhotoFormField(forms.ImageField):
    """The admin's photo upload: checked, and its renditions made, when the form is validated."""

    default_validators = []

    def widget_attrs(self, widget):
        # The browser's file picker offers the formats that are taken.
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        # Made here, so that a photo that cannot be used is refused on its field, and kept with the
        # upload for the model's save (residency.models.PhotoModel), which stores them.
        file.renditions = make_renditions(file)
        file.seek(0)
        return file


class PhotoField(models.ImageField):
    """The photo of a content object: the name of its largest JPEG rendition (the others are listed beside it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", f"{FOLDER}/")
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})
