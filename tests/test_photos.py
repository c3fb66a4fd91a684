"""A coordinator adds a photo to the program, a track or a clinic: renditions made at upload, checked, shown."""

import io
import json
import re
import struct
import zlib
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image
from reversion.models import Version

from programs.factories import TrackFactory
from programs.models import Program
from residency import content, photos
from sites.factories import PracticeFactory
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def photo_bytes(width=2400, height=1600, kind="JPEG", orientation=1, transparent=False):
    """A photo as a phone saves it: some texture, and EXIF naming the camera and where it was taken."""
    texture = Image.effect_noise((width, height), 12)
    image = Image.merge("RGB", [Image.linear_gradient("L").resize((width, height)), texture, texture])
    if transparent:
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (42.0, 21.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (71.0, 4.0, 10.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=exif, **({"quality": 95} if kind == "JPEG" else {}))
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def png_header_only(width, height):
    """A PNG that declares `width` × `height` pixels and holds almost nothing: a decompression bomb."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


# The content with a photo, each with its admin page and the page that shows it.
def current_program():
    return Program.objects.current()


def practice():
    return PracticeFactory(tracks=[TrackFactory()])


PHOTOGRAPHED = {
    "program": (current_program, "admin:programs_program_change", lambda program: reverse("overview:home")),
    "track": (TrackFactory, "admin:programs_track_change", lambda track: track.get_absolute_url()),
    "practice": (practice, "admin:sites_practice_change", lambda practice: practice.get_absolute_url()),
}


def post_photo(client, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return client.post(url, form_data(client.get(url), **changes))


def stored_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def assert_no_metadata(data):
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert "exif" not in image.info and "xmp" not in image.info
    for marker in (b"Exif", b"EXIF", b"PhoneMaker", b"GPS"):
        assert marker not in data


@pytest.mark.parametrize("kind", PHOTOGRAPHED)
def test_a_coordinators_photo_is_stored_as_webp_and_jpeg_at_each_width_without_its_exif(
    kind, coordinator_client, media_root
):
    make, _, _ = PHOTOGRAPHED[kind]
    obj = make()
    original = photo_bytes()

    response = post_photo(coordinator_client, obj, photo=upload(original), photo_alt="Residents on rounds")

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors
    obj.refresh_from_db()
    assert obj.photo_alt == "Residents on rounds"
    assert [(rendition["width"], rendition["height"]) for rendition in obj.photo_renditions] == [
        (480, 320),
        (960, 640),
        (1600, 1067),
    ]
    assert obj.photo.name == obj.photo_renditions[-1]["jpeg"]
    files = stored_files(media_root)
    assert len(files) == 6
    for rendition in obj.photo_renditions:
        for kind_of_file, pillow_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
            data = (media_root / rendition[kind_of_file]).read_bytes()
            assert len(data) <= photos.MAX_RENDITION_BYTES
            image = Image.open(io.BytesIO(data))
            assert (image.format, image.size) == (pillow_format, (rendition["width"], rendition["height"]))
            assert_no_metadata(data)
    # The original, with its location, is not kept.
    assert original not in [path.read_bytes() for path in files]


def test_the_admin_shows_a_preview_of_the_photo_saved(coordinator_client):
    track = TrackFactory()
    post_photo(coordinator_client, track, photo=upload(photo_bytes()), photo_alt="The team")
    track.refresh_from_db()

    page = coordinator_client.get(reverse("admin:programs_track_change", args=[track.pk])).content.decode()

    assert re.search(rf'<img class="photo-preview" src="[^"]*{track.photo_renditions[0]["jpeg"]}"', page)
    assert 'alt="The team"' in page
    assert re.search(r'<input type="file" name="photo" accept="image/jpeg,image/png,image/webp"', page)


def test_a_photo_is_turned_upright_by_its_exif_orientation(media_root):
    track = TrackFactory()
    # Orientation 6: the camera was held upright, the pixels stored on their side.
    track.photo = upload(photo_bytes(width=1200, height=900, orientation=6))
    track.photo_alt = "A clinic"
    track.save()

    assert [(rendition["width"], rendition["height"]) for rendition in track.photo_renditions] == [
        (480, 640),
        (900, 1200),
    ]


def test_a_transparent_png_is_stored_on_white_and_narrower_photos_are_never_enlarged(media_root):
    practice = PracticeFactory()
    practice.photo = upload(photo_bytes(width=700, height=500, kind="PNG", transparent=True), "logo.png")
    practice.photo_alt = "The clinic's entrance"
    practice.save()

    assert [rendition["width"] for rendition in practice.photo_renditions] == [480, 700]
    corner = Image.open(media_root / practice.photo_renditions[-1]["jpeg"]).getpixel((0, 0))
    assert min(corner) > 240
    for rendition in practice.photo_renditions:
        assert_no_metadata((media_root / rendition["webp"]).read_bytes())


def test_a_detailed_photo_is_compressed_then_made_narrower_until_each_file_fits(monkeypatch, media_root):
    monkeypatch.setattr(photos, "MAX_RENDITION_BYTES", 40_000)
    track = TrackFactory()
    track.photo = upload(photo_bytes(width=1600, height=1200))
    track.photo_alt = "Noon conference"
    track.save()

    widths = [rendition["width"] for rendition in track.photo_renditions]
    assert widths[0] == 480 and widths == sorted(set(widths))
    for rendition in track.photo_renditions:
        for name in (rendition["webp"], rendition["jpeg"]):
            assert (media_root / name).stat().st_size <= 40_000
    assert track.photo_renditions[-1]["width"] < 1600


def assert_refused(response, field, message, media_root):
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Dear coordinator,\nthis is a letter, not a photo.\n", "This file is not a photo"),
        (png_header_only(30_000, 30_000), "more than 50 million pixels"),
        (png_header_only(8_000, 6_500), "more than 50 million pixels"),
        (b"\xff\xd8\xff\xe0" + b"\0" * photos.MAX_UPLOAD_BYTES, "a photo can be at most 12.0 MB"),
        (photo_bytes()[:5000], "damaged or cut short"),
    ],
    ids=["text-named-jpg", "decompression-bomb", "over-the-pixel-limit", "over-the-size-limit", "cut-short"],
)
def test_an_upload_that_cannot_be_used_is_refused_with_a_message_on_the_field(
    data, message, coordinator_client, media_root
):
    track = TrackFactory()
    response = post_photo(coordinator_client, track, photo=upload(data), photo_alt="A photo")

    assert_refused(response, "photo", message, media_root)
    track.refresh_from_db()
    assert not track.photo and track.photo_renditions == []


def test_a_photo_without_alt_text_is_refused(coordinator_client, media_root):
    response = post_photo(coordinator_client, practice(), photo=upload(photo_bytes()), photo_alt="  ")

    assert_refused(response, "photo_alt", "Say what the photo shows", media_root)


def picture_of(page):
    match = re.search(r"<picture>(.*?)</picture>", page, re.DOTALL)
    return match and match.group(1)


@pytest.mark.parametrize("kind", PHOTOGRAPHED)
def test_the_page_shows_the_photo_in_a_picture_with_sizes_and_loading(kind, client, media_root):
    make, _, page_url = PHOTOGRAPHED[kind]
    obj = make()
    assert picture_of(client.get(page_url(obj)).content.decode()) is None

    obj.photo = upload(photo_bytes())
    obj.photo_alt = "Residents & faculty at noon conference"
    obj.save()
    response = client.get(page_url(obj))

    assert response.status_code == HTTPStatus.OK
    picture = picture_of(response.content.decode())
    source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', picture)
    img = re.search(r"<img ([^>]+)>", picture).group(1)
    assert [re.search(r" (\d+)w$", part).group(1) for part in source.group(1).split(", ")] == ["480", "960", "1600"]
    for rendition in obj.photo_renditions:
        assert f"/media/{rendition['webp']} {rendition['width']}w" in source.group(1)
        assert f"/media/{rendition['jpeg']} {rendition['width']}w" in img
    assert 'width="1600" height="1067"' in img
    assert 'alt="Residents &amp; faculty at noon conference"' in img
    assert re.search(r'sizes="[^"]+"', img)
    # The program's photo is the top of the home page; the others come below the fold.
    assert f'loading="{"eager" if kind == "program" else "lazy"}"' in img


def test_pages_without_a_photo_show_no_picture_and_no_empty_box(client):
    track = TrackFactory()
    practice = PracticeFactory(tracks=[track])
    for url in (reverse("overview:home"), track.get_absolute_url(), practice.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<picture" not in page and 'class="photo"' not in page


def test_a_photo_shows_at_once_on_a_page_already_cached(coordinator_client, client):
    track = TrackFactory()
    assert picture_of(client.get(track.get_absolute_url()).content.decode()) is None

    post_photo(coordinator_client, track, photo=upload(photo_bytes()), photo_alt="Residents")

    assert picture_of(client.get(track.get_absolute_url()).content.decode())


def test_clearing_a_photo_leaves_its_files_for_history(coordinator_client, media_root):
    track = TrackFactory()
    post_photo(coordinator_client, track, photo=upload(photo_bytes()), photo_alt="Residents")
    files = stored_files(media_root)

    response = post_photo(coordinator_client, track, **{"photo-clear": "on"})

    assert response.status_code == HTTPStatus.FOUND
    track.refresh_from_db()
    assert not track.photo and track.photo_renditions == [] and track.picture is None
    assert stored_files(media_root) == files


def test_export_carries_the_photo_and_a_load_keeps_it(tmp_path):
    track = TrackFactory()
    track.photo = upload(photo_bytes(width=1000, height=700))
    track.photo_alt = "Residents"
    track.save()
    renditions = track.photo_renditions

    content.export(tmp_path)
    exported = (tmp_path / "programs.json").read_text()
    content.export(tmp_path)
    assert (tmp_path / "programs.json").read_text() == exported
    assert renditions[-1]["jpeg"] in exported
    # Keys as PostgreSQL's jsonb orders them (shortest first), so SQLite and PostgreSQL export the same text.
    [fields] = [obj["fields"] for obj in json.loads(exported) if obj["fields"].get("slug") == track.slug]
    assert [list(rendition) for rendition in fields["photo_renditions"]] == [
        ["jpeg", "webp", "width", "height"]
    ] * len(renditions)

    assert content.load(tmp_path).total == 0
    # A database that lost the photo (an older fixture loaded) gets it back from the export.
    type(track).objects.filter(pk=track.pk).update(photo="", photo_alt="", photo_renditions=[])
    assert str(content.load(tmp_path, discard_unexported=True)) == "0 added, 1 changed, 0 deleted"
    track.refresh_from_db()
    assert (track.photo.name, track.photo_alt, track.photo_renditions) == (
        renditions[-1]["jpeg"],
        "Residents",
        renditions,
    )


def test_a_revert_in_history_brings_back_a_replaced_photo_with_its_files(coordinator_client, media_root):
    track = TrackFactory()
    post_photo(coordinator_client, track, photo=upload(photo_bytes(width=900, height=600)), photo_alt="Before")
    track.refresh_from_db()
    before = track.photo_renditions
    post_photo(coordinator_client, track, photo=upload(photo_bytes(width=1000, height=600)), photo_alt="After")
    track.refresh_from_db()
    assert track.photo_renditions != before

    newer, older = Version.objects.get_for_object(track)[:2]
    compare = coordinator_client.get(
        reverse("admin:programs_track_compare", args=[track.pk]), {"version_id1": older.pk, "version_id2": newer.pk}
    )
    # The compare names the photo's file that changed, and its alt text.
    assert compare.status_code == HTTPStatus.OK
    assert "<h3>photo</h3>" in compare.text and "<del>- Before</del>" in compare.text
    revert = reverse("admin:programs_track_revision", args=[track.pk, older.pk])
    assert coordinator_client.post(revert, form_data(coordinator_client.get(revert))).status_code == HTTPStatus.FOUND

    track.refresh_from_db()
    assert (track.photo_alt, track.photo_renditions, track.photo.name) == ("Before", before, before[-1]["jpeg"])
    for rendition in before:
        assert (media_root / rendition["webp"]).is_file() and (media_root / rendition["jpeg"]).is_file()


def test_a_phones_full_size_photo_is_taken_from_the_temporary_file_it_is_uploaded_into(
    settings, coordinator_client, media_root
):
    original = photo_bytes(width=4032, height=3024)
    assert len(original) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    track = TrackFactory()

    response = post_photo(coordinator_client, track, photo=upload(original), photo_alt="The ward at night")

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].errors
    track.refresh_from_db()
    assert [(rendition["width"], rendition["height"]) for rendition in track.photo_renditions] == [
        (480, 360),
        (960, 720),
        (1600, 1200),
    ]
    assert len(stored_files(media_root)) == 6
