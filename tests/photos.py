"""Photos for tests, drawn with Pillow (nothing is downloaded)."""

import io

from PIL import ExifTags, Image, ImageDraw


def jpeg_with_gps(width: int = 800, height: int = 600, colour=(200, 80, 40)) -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera name."""
    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).ellipse((50, 50, width - 50, height - 50), fill=(40, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "SirkelCam"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (59.0, 54.0, 41.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (10.0, 45.0, 8.0),
        }
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def png(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 10, 128)).save(out, "PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (40, 40)).save(out, "GIF")
    return out.getvalue()


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header declares a huge image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )
