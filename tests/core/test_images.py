"""core.images: what uploads are accepted, what comes out, and what is refused (and why).
Every image is made here with Pillow (HEIC with pillow_heif): no fixture files."""

import hashlib
import io
import random
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageFile

from core.images import (
    MAX_BYTES,
    ImageRejected,
    SanitizedImage,
    make_renditions,
    safe_filename,
    sanitize_upload,
)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
MARKERS = (b"Exif", b"GPS", b"WGS-84", b"SirkelCam", b"xmpmeta", b"secret comment", b"ICC_PROFILE", b"iCCP")


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def halves(size=(64, 48), left=RED, right=BLUE, mode="RGB") -> Image.Image:
    """Left half one colour, right half another: orientation and alpha show in two pixels."""
    image = Image.new(mode, size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def noise(size=(64, 48)) -> Image.Image:
    """Incompressible pixels, so that encoded files are big enough to cut in half."""
    return Image.frombytes("RGB", size, random.Random(str(size)).randbytes(size[0] * size[1] * 3))


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SirkelCam"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (59.0, 54.0, 41.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (10.0, 45.0, 8.0),
            ExifTags.GPS.GPSMapDatum: "WGS-84",
        }
    )
    return exif


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its dimensions and holds (almost) no pixels: a decompression bomb's
    header, or a broken file."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(actual, expected, tolerance=12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def rejected(data, **limits) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        sanitize_upload(data, **limits)
    assert str(caught.value.message).strip()
    return caught.value


# --- accepted formats -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_round_trips_to_a_jpeg(fmt):
    result = sanitize_upload(encode(halves(), fmt, quality=95))

    out = reopen(result.content)
    assert (out.format, out.mode, out.size) == ("JPEG", "RGB", (64, 48))
    assert (result.width, result.height, result.source_format) == (64, 48, fmt)
    assert close_to(out.getpixel((4, 24)), RED, tolerance=30)
    assert close_to(out.getpixel((60, 24)), BLUE, tolerance=30)


def test_png_transparency_is_flattened_onto_white():
    image = halves(left=(255, 0, 0, 0), right=(0, 0, 255, 255), mode="RGBA")

    out = reopen(sanitize_upload(encode(image, "PNG")).content)

    assert close_to(out.getpixel((4, 24)), WHITE)
    assert close_to(out.getpixel((60, 24)), BLUE)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        pytest.param(Image.new("1", (32, 32), 1), WHITE, id="1-bit"),
        pytest.param(Image.new("L", (32, 32), 128), (128, 128, 128), id="L"),
        pytest.param(Image.new("LA", (32, 32), (0, 0)), WHITE, id="LA-transparent"),
        pytest.param(Image.new("RGB", (32, 32), RED).convert("P"), RED, id="P"),
        pytest.param(Image.new("I;16", (32, 32), 32768), (128, 128, 128), id="16-bit-grey"),
    ],
)
def test_png_modes_become_the_colour_they_show(image, expected):
    out = reopen(sanitize_upload(encode(image, "PNG")).content)
    assert close_to(out.getpixel((16, 16)), expected)


def test_animation_keeps_its_first_frame():
    frames = [Image.new("RGB", (32, 32), colour) for colour in (RED, BLUE)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)

    out = reopen(sanitize_upload(data).content)

    assert close_to(out.getpixel((16, 16)), RED)


def test_palette_transparency_becomes_white():
    image = Image.new("P", (32, 32), 0)
    image.putpalette([255, 0, 0] * 256)
    out = reopen(sanitize_upload(encode(image, "PNG", transparency=0)).content)
    assert close_to(out.getpixel((16, 16)), WHITE)


def test_cmyk_jpeg_becomes_rgb():
    out = reopen(sanitize_upload(encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG")).content)
    assert out.mode == "RGB"
    assert close_to(out.getpixel((16, 16)), RED, tolerance=30)


def test_icc_profile_is_applied_and_not_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    result = sanitize_upload(encode(halves(), "JPEG", icc_profile=srgb, quality=95))

    out = reopen(result.content)
    assert "icc_profile" not in out.info
    assert close_to(out.getpixel((4, 24)), RED, tolerance=30)


def test_unusable_icc_profile_is_ignored():
    result = sanitize_upload(encode(halves(), "JPEG", icc_profile=b"not a profile" * 20))
    assert "icc_profile" not in reopen(result.content).info


def test_django_upload_is_read_from_its_start_whatever_its_name_and_type():
    upload = SimpleUploadedFile("../../etc/passwd.exe", encode(halves(), "PNG"), content_type="text/plain")
    upload.read()  # a form's validation may have read it already

    result = sanitize_upload(upload)

    assert (result.width, result.height) == (64, 48)


def test_large_photo_is_reduced_to_2560_on_its_long_side():
    result = sanitize_upload(encode(Image.new("RGB", (3000, 1000), RED), "JPEG"))
    assert (result.width, result.height) == (2560, 853)
    assert reopen(result.content).size == (2560, 853)


# --- orientation and metadata -------------------------------------------------------------


def test_orientation_6_is_applied_to_the_pixels():
    """Orientation 6: the stored picture is shown turned 90° clockwise, so the stored left
    half (red) is the top half the user saw."""
    data = encode(halves((60, 40)), "JPEG", exif=exif_with_gps(orientation=6), quality=95)

    result = sanitize_upload(data)

    out = reopen(result.content)
    assert (result.width, result.height) == out.size == (40, 60)
    assert close_to(out.getpixel((20, 5)), RED, tolerance=30)
    assert close_to(out.getpixel((20, 55)), BLUE, tolerance=30)
    assert ExifTags.Base.Orientation not in out.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_no_metadata_survives_in_original_or_renditions(fmt):
    options = {"exif": exif_with_gps().tobytes()}
    if fmt in ("JPEG", "WEBP", "PNG"):
        options["xmp"] = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>'
    if fmt == "JPEG":
        options["comment"] = b"secret comment"
    data = encode(halves((600, 400)), fmt, **options)
    assert b"WGS-84" in data and b"SirkelCam" in data  # the fixture carries what we remove

    result = sanitize_upload(data)
    outputs = [result.content]
    for rendition in make_renditions(result).values():
        outputs += [rendition.webp, rendition.jpeg]

    for output in outputs:
        image = reopen(output)
        assert not image.getexif()
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)
        assert not [marker for marker in MARKERS if marker in output]


# --- renditions and names -----------------------------------------------------------------


def test_renditions_fit_their_boxes_in_webp_and_jpeg():
    result = sanitize_upload(encode(halves((3000, 2000)), "PNG"))
    assert (result.width, result.height) == (2560, 1707)

    renditions = make_renditions(result)

    sizes = {name: (r.width, r.height) for name, r in renditions.items()}
    assert sizes == {"thumbnail": (200, 133), "card": (480, 320), "full": (1280, 854)}
    for rendition in renditions.values():
        assert reopen(rendition.webp).format == "WEBP"
        assert reopen(rendition.jpeg).format == "JPEG"
        assert (
            reopen(rendition.webp).size == reopen(rendition.jpeg).size == (rendition.width, rendition.height)
        )


def test_renditions_never_upscale_a_small_photo():
    renditions = make_renditions(sanitize_upload(encode(halves((150, 100)), "PNG")))

    for rendition in renditions.values():
        assert (rendition.width, rendition.height) == (150, 100)
        assert reopen(rendition.webp).size == reopen(rendition.jpeg).size == (150, 100)


def test_hash_is_stable_for_identical_input_and_names_the_content():
    data = encode(noise(), "PNG")

    first, second = sanitize_upload(data), sanitize_upload(io.BytesIO(data))

    assert first.sha256 == second.sha256 == hashlib.sha256(first.content).hexdigest()
    assert first.content == second.content
    assert sanitize_upload(encode(halves(), "PNG")).sha256 != first.sha256


def test_safe_filename_is_made_of_the_hash_and_our_own_names():
    result = sanitize_upload(encode(halves(), "PNG"))

    assert re.fullmatch(r"[0-9a-f]{64}\.jpg", safe_filename(result))
    assert safe_filename(result, "webp", rendition="card") == f"{result.sha256}-card.webp"
    for bad in [{"ext": "php"}, {"ext": "jpg/../x"}, {"ext": "webp", "rendition": "../x"}]:
        with pytest.raises(ValueError):
            safe_filename(result, **bad)


def test_sanitized_image_repr_leaves_out_the_bytes():
    image = SanitizedImage(content=b"x" * 1000, width=1, height=1, sha256="0" * 64, source_format="PNG")
    assert "xxx" not in repr(image)


# --- rejections ---------------------------------------------------------------------------

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


@pytest.mark.parametrize(
    ("make_data", "code"),
    [
        pytest.param(lambda: encode(halves(), "GIF"), "unsupported_format", id="gif"),
        pytest.param(lambda: encode(halves(), "BMP"), "unsupported_format", id="bmp"),
        pytest.param(lambda: encode(halves(), "TIFF"), "unsupported_format", id="tiff"),
        pytest.param(lambda: encode(halves(), "AVIF"), "unsupported_format", id="avif"),
        pytest.param(lambda: SVG, "unsupported_format", id="svg"),
        pytest.param(
            lambda: SimpleUploadedFile("photo.jpg", b"just some text\n", content_type="image/jpeg"),
            "unsupported_format",
            id="text-named-jpg",
        ),
        pytest.param(
            lambda: SimpleUploadedFile("photo.png", encode(halves(), "GIF"), content_type="image/png"),
            "unsupported_format",
            id="gif-named-png",
        ),
        pytest.param(lambda: encode(noise(), "JPEG")[:1500], "corrupt", id="truncated-jpeg"),
        pytest.param(lambda: encode(noise(), "PNG")[:3000], "corrupt", id="truncated-png"),
        pytest.param(lambda: encode(noise(), "WEBP")[:1000], "corrupt", id="truncated-webp"),
        pytest.param(lambda: encode(halves(), "PNG")[:20], "corrupt", id="png-cut-in-header"),
        pytest.param(lambda: png_header_only(0, 10), "corrupt", id="zero-width"),
        pytest.param(lambda: png_header_only(10, 0), "corrupt", id="zero-height"),
        pytest.param(lambda: b"", "empty", id="empty-bytes"),
        pytest.param(lambda: SimpleUploadedFile("photo.jpg", b""), "empty", id="empty-upload"),
        pytest.param(lambda: png_header_only(20_000, 20_000), "too_many_pixels", id="bomb-400mp-header"),
        pytest.param(lambda: png_header_only(7100, 7100), "too_many_pixels", id="bomb-50.4mp-header"),
    ],
)
def test_rejected_upload(make_data, code):
    assert rejected(make_data()).code == code


def test_real_56_megapixel_image_is_rejected_before_decoding(monkeypatch):
    data = encode(Image.new("1", (8000, 7000)), "PNG")  # 56 MP in a few KB
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))

    assert rejected(data).code == "too_many_pixels"


def test_pixel_limit_is_inclusive():
    data = encode(halves((100, 100)), "PNG")
    assert sanitize_upload(data, max_pixels=10_000).width == 100
    assert rejected(data, max_pixels=9_999).code == "too_many_pixels"


def test_byte_limit_is_inclusive():
    data = encode(noise(), "PNG")
    assert sanitize_upload(data, max_bytes=len(data)).width == 64
    assert rejected(data, max_bytes=len(data) - 1).code == "too_large"
    assert rejected(io.BytesIO(data), max_bytes=len(data) - 1).code == "too_large"


def test_file_over_15_mb_is_rejected_without_decoding(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("decoded"))
    data = b"\xff\xd8\xff\xe0" + bytes(MAX_BYTES - 3)

    assert rejected(io.BytesIO(data)).code == "too_large"
    assert rejected(SimpleUploadedFile("big.jpg", data)).code == "too_large"


class Stream:
    """A non-seekable stream of zeros without a size (a socket, a pipe) that counts reads."""

    def __init__(self):
        self.read_bytes = 0

    def seekable(self):
        return False

    def read(self, size):
        size = min(size, 65536)  # short reads, as raw streams do
        self.read_bytes += size
        return b"\0" * size


def test_endless_stream_is_cut_just_past_the_limit():
    stream = Stream()
    assert rejected(stream).code == "too_large"
    assert stream.read_bytes == MAX_BYTES + 1


def test_declared_size_over_the_limit_is_rejected_without_reading():
    class DeclaredHuge(Stream):
        size = MAX_BYTES + 1

        def read(self, size):
            pytest.fail("read")

    assert rejected(DeclaredHuge()).code == "too_large"


def test_messages_name_the_limit():
    """In the active language, with its decimal separator (nb: "1,0 MB")."""
    assert re.search(r"1[.,]0\sMB", rejected(bytes(2 * 1024 * 1024), max_bytes=1024 * 1024).message)
    assert "0.01" in rejected(encode(halves((200, 100)), "PNG"), max_pixels=10_000).message


def test_truncated_images_setting_is_refused(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError):
        sanitize_upload(encode(halves(), "PNG"))


# --- property -----------------------------------------------------------------------------

SEEDS = [encode(noise((16, 16)), fmt) for fmt in ("JPEG", "PNG", "WEBP", "HEIF")]


@settings(max_examples=300, deadline=None, database=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=1000),
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=1000), st.integers(0, 255)), max_size=8),
    junk=st.binary(max_size=64),
)
def test_damaged_files_are_accepted_or_rejected_never_crash(seed, cut, edits, junk):
    """Whatever the bytes (a valid file cut, overwritten, extended: random bytes alone would
    rarely get past the first check), the outcome is a photo or an ImageRejected."""
    data = bytearray(seed[:cut] + junk)
    for position, value in edits:
        if position < len(data):
            data[position] = value
    try:
        result = sanitize_upload(bytes(data))
    except ImageRejected as exc:
        assert exc.code in {"empty", "too_large", "too_many_pixels", "unsupported_format", "corrupt"}
    else:
        assert reopen(result.content).size == (result.width, result.height)
