"""Safe handling of user-uploaded photos (listings, repairer profiles, lending items, chat).

An upload is trusted only after it has been decoded: the file name and the declared content
type are never looked at. `sanitize_upload` reads at most `max_bytes`, opens the data with an
explicit allow-list of decoders, refuses too many pixels before decoding, decodes completely (so
truncated files fail), applies the EXIF orientation and re-encodes the pixels alone. Anything
it refuses raises `ImageRejected` before the caller has written anything anywhere.

Decisions (see the docstrings below for why):
- the sanitized original is a JPEG (quality 90) of at most 2560 px on its long side: every
  consumer reads JPEG (Wagtail/Willow, e-mail, downloads, whatever comes next), and pages
  serve the renditions, so WebP's smaller size would buy little for the original;
- renditions (thumbnail 200, card 480, full 1280 px, fitted in a square box, never upscaled)
  come as WebP with a JPEG fallback, for `<picture>`;
- an embedded ICC profile is converted to sRGB and then dropped, so every output is untagged
  sRGB (what browsers assume); a profile that cannot be used is ignored;
- no output carries any metadata: EXIF (GPS included), XMP, IPTC, ICC, comments are all gone,
  because the encoder is only ever given a fresh image built from the pixels;
- an animated WebP or PNG keeps its first frame, a HEIC with several images its primary one.

Storage is the caller's business: name files with `safe_filename`, never with the user's name.
"""

import contextlib
import hashlib
import io
from dataclasses import dataclass, field
from typing import BinaryIO

import pillow_heif
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, ImageOps

# iPhone photos are HEIC: pillow_heif adds a "HEIF" decoder to Pillow. It applies the HEIF
# rotation itself and resets the EXIF orientation to 1, so exif_transpose does not rotate twice.
pillow_heif.register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
# Pillow decoder names: no GIF/BMP/TIFF/SVG/AVIF, nor any of Pillow's rarer plugins.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Long side of the kept original: sharp on any screen, a few hundred KB instead of 10 MB.
ORIGINAL_MAX_SIDE = 2560
ORIGINAL_JPEG_QUALITY = 90
# Name -> long side in px. Ordered small to large.
RENDITION_SIZES = {"thumbnail": 200, "card": 480, "full": 1280}
RENDITION_WEBP_QUALITY = 80
RENDITION_JPEG_QUALITY = 82

_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_EXTENSIONS = ("jpg", "webp")
_MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The photo is too large: the limit is %(limit)s."),
    "too_many_pixels": _("The photo has too many pixels: the limit is %(limit)s megapixels."),
    "unsupported_format": _("Upload a photo in JPEG, PNG, WebP or HEIC format."),
    "corrupt": _("The photo could not be read: the file is damaged or incomplete."),
}


class ImageRejected(Exception):
    """The upload is not a photo we accept. `message` is for the user (translated into the
    active language); `code` is for programs, one of `_MESSAGES`: "empty", "too_large",
    "too_many_pixels", "unsupported_format" or "corrupt". Forms raise
    `ValidationError(exc.message, code=exc.code)`, the API `ApiError(exc.message)`."""

    def __init__(self, code: str, **params: object):
        self.code = code
        self.message = str(_MESSAGES[code]) % params
        super().__init__(self.message)


@dataclass(frozen=True)
class SanitizedImage:
    """A decoded, oriented, metadata-free JPEG. `sha256` (hex, of `content`) names the file."""

    content: bytes = field(repr=False)
    width: int
    height: int
    sha256: str
    source_format: str  # the decoder that accepted the upload ("JPEG", "PNG", "WEBP", "HEIF")
    content_type = "image/jpeg"
    extension = "jpg"


@dataclass(frozen=True)
class Rendition:
    """One size of a photo in both formats; both have exactly `width` x `height` pixels."""

    name: str
    width: int
    height: int
    webp: bytes = field(repr=False)
    jpeg: bytes = field(repr=False)


def sanitize_upload(
    fileobj: BinaryIO | bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> SanitizedImage:
    """Check and re-encode an uploaded photo; raise `ImageRejected` for anything else.

    `fileobj` is a Django `UploadedFile`, any binary file object (read from its start) or bytes.
    Nothing is written anywhere: the caller stores `content` only if this returns."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # With it, Pillow pads a truncated file with grey instead of failing: loud beats silent.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads.")
    data = _read_bounded(fileobj, max_bytes)
    image = _decode(data, max_pixels)
    source_format = image.format or ""
    pixels = _to_srgb(image, ORIGINAL_MAX_SIDE)
    content = _encode(pixels, "JPEG", quality=ORIGINAL_JPEG_QUALITY, optimize=True)
    return SanitizedImage(
        content=content,
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(content).hexdigest(),
        source_format=source_format,
    )


def make_renditions(image: SanitizedImage) -> dict[str, Rendition]:
    """The `RENDITION_SIZES` of a sanitized photo, keyed by name, each fitted in a square box of
    that side and never upscaled: a photo smaller than a size gives that size at its own
    dimensions (templates may then skip duplicate widths in a srcset). WebP is typically a
    quarter to a third smaller than JPEG at the same look; the JPEG is the `<img>` fallback."""
    with Image.open(io.BytesIO(image.content), formats=["JPEG"]) as source:
        source.load()
        renditions = {}
        for name, side in RENDITION_SIZES.items():
            resized = source.copy()
            resized.thumbnail((side, side), Image.Resampling.LANCZOS)
            pixels = _pixels_only(resized.convert("RGB"))
            renditions[name] = Rendition(
                name=name,
                width=pixels.width,
                height=pixels.height,
                webp=_encode(pixels, "WEBP", quality=RENDITION_WEBP_QUALITY),
                jpeg=_encode(pixels, "JPEG", quality=RENDITION_JPEG_QUALITY, optimize=True, progressive=True),
            )
    return renditions


def safe_filename(image: SanitizedImage, ext: str = "jpg", *, rendition: str | None = None) -> str:
    """`<sha256>.jpg` for the original, `<sha256>-<rendition>.<ext>` for a rendition: made of
    hex digits and names of ours only, so a user's file name never reaches the disk, and equal
    photos share a name (free de-duplication)."""
    if ext not in _EXTENSIONS:
        raise ValueError(f"ext must be one of {_EXTENSIONS}, not {ext!r}")
    if rendition is None:
        return f"{image.sha256}.{ext}"
    if rendition not in RENDITION_SIZES:
        raise ValueError(f"rendition must be one of {tuple(RENDITION_SIZES)}, not {rendition!r}")
    return f"{image.sha256}-{rendition}.{ext}"


def _read_bounded(fileobj: BinaryIO | bytes, max_bytes: int) -> bytes:
    """The whole upload, reading at most `max_bytes + 1` bytes: the size is checked first where
    it is known (UploadedFile.size, seek/tell) and the read stops past the limit anyway, since a
    declared size may lie and a stream has none. A file object is read from its start."""
    if isinstance(fileobj, bytes | bytearray | memoryview):
        data = bytes(fileobj)
    elif (_rewind_and_measure(fileobj) or 0) > max_bytes:
        raise ImageRejected("too_large", limit=filesizeformat(max_bytes))
    else:
        chunks, total = [], 0
        while total <= max_bytes:  # a raw stream may return less than asked for
            chunk = fileobj.read(max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        data = b"".join(chunks)
    if len(data) > max_bytes:
        raise ImageRejected("too_large", limit=filesizeformat(max_bytes))
    if not data:
        raise ImageRejected("empty")
    return data


def _rewind_and_measure(fileobj: BinaryIO) -> int | None:
    """The size in bytes if it is known without reading (seek/tell, else Django's `size`),
    leaving a seekable file at its start."""
    try:
        if fileobj.seekable():
            size = fileobj.seek(0, io.SEEK_END)
            fileobj.seek(0)
            return size
    except (AttributeError, OSError, ValueError):
        pass
    size = getattr(fileobj, "size", None)
    return size if isinstance(size, int) else None


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Open with the allow-list, refuse too many pixels from the header alone, then decode
    everything. Pillow raises a zoo of exception types on hostile input (OSError, SyntaxError,
    ValueError, struct.error, EOFError...): every one of them means "not a usable photo"."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:  # Pillow's own limit, far above ours
        raise ImageRejected("too_many_pixels", limit=f"{max_pixels / 1e6:g}") from exc
    except Exception as exc:
        raise ImageRejected("corrupt" if _looks_accepted(data) else "unsupported_format") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageRejected("corrupt")
    if width * height > max_pixels:
        raise ImageRejected("too_many_pixels", limit=f"{max_pixels / 1e6:g}")
    try:
        if image.format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result stays larger than the
            # original we keep: a fraction of the memory and time, and all data is still read.
            image.draft("RGB", (ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE))
        image.load()
    except Exception as exc:
        raise ImageRejected("corrupt") from exc
    return image


def _looks_accepted(data: bytes) -> bool:
    """Whether the first bytes claim an accepted format: the file is then damaged rather than
    of the wrong kind (e.g. a PNG declaring a width of 0, or one cut inside its header)."""
    return (
        data.startswith(_SIGNATURES)
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def _to_srgb(image: Image.Image, max_side: int) -> Image.Image:
    """Oriented, opaque, sRGB, at most `max_side` px long, and nothing but pixels. Rotating
    first keeps width/height meaning what the user sees. Transparency becomes white, since
    JPEG has none. The ICC profile is applied rather than dropped: iPhone photos are
    Display P3 and look dull when read as sRGB. (HEIC colour given only as an nclx box is not
    converted; pillow_heif offers no transform for it.)"""
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale, as convert() would clip
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("1", "P", "PA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if icc:
        # An unusable profile (or one for another colour space) is ignored: raw values it is.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode="RGB"
            )
    return _pixels_only(image.convert("RGB"))


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else. Pillow copies `info` (EXIF, XMP, ICC,
    comments) along resize/convert, and some encoders write parts of it by default; an image
    built from raw bytes has nothing to leak."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- Storage: one way to write and remove a cleaned image with its renditions -------------------


@contextlib.contextmanager
def stored_image(image: SanitizedImage, *, folder: str):
    """Write the cleaned original and its renditions under `folder` (content-hash names) and
    yield `(original_name, renditions)` for the row that records them. If anything in the
    with-block fails, every file written is removed again: nothing is left half-stored."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    written: list[str] = []

    def save(name: str, content: bytes) -> str:
        stored = default_storage.save(f"{folder}/{name}", ContentFile(content))
        written.append(stored)
        return stored

    try:
        original = save(safe_filename(image), image.content)
        renditions = {
            name: {
                "webp": save(safe_filename(image, "webp", rendition=name), rendition.webp),
                "jpeg": save(safe_filename(image, "jpg", rendition=name), rendition.jpeg),
                "width": rendition.width,
                "height": rendition.height,
            }
            for name, rendition in make_renditions(image).items()
        }
        yield original, renditions
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise


def stored_image_files(original_name: str, renditions: dict) -> list[str]:
    """Every file of a stored image: the original and each rendition's WebP and JPEG."""
    return [original_name] + [name for r in renditions.values() for name in (r["webp"], r["jpeg"])]


def delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the rows that pointed at them are gone for good."""
    from django.core.files.storage import default_storage
    from django.db import transaction

    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
