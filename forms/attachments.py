"""Checking and storing applicants' files: type from the content, limits, new names, no metadata."""

import io
import uuid

import filetype
from PIL import Image, UnidentifiedImageError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024
# What the content says it is -> the extension it is stored with. SVG, HTML, executables and
# everything else are refused, whatever their name says.
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
}


def check_files(files) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES}, code="too_many_files"
        )
    for upload in files:
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("“%(name)s” is larger than %(size)d MB.")
                % {"name": upload.name[:80], "size": MAX_BYTES // (1024 * 1024)},
                code="file_too_large",
            )
        if detect_type(upload) is None:
            raise ValidationError(
                _("“%(name)s” is not a PDF, JPEG, PNG or HEIC file.") % {"name": upload.name[:80]},
                code="file_type",
            )


def detect_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime is None and head.startswith(b"%PDF-"):
        mime = "application/pdf"
    return mime if mime in ALLOWED else None


def clean_file(upload) -> tuple[ContentFile, str, str]:
    """(file with a new name, content type, original name). Images are re-encoded without their
    metadata (location, camera, names); PDFs are stored as sent."""
    mime = detect_type(upload)
    original = (upload.name or "file")[:200]
    upload.seek(0)
    data = upload.read()
    if mime and mime.startswith("image/"):
        data, mime = _strip_image(data, mime)
    name = f"{uuid.uuid4().hex}.{ALLOWED.get(mime, 'bin')}"
    return ContentFile(data, name=name), mime, original


def _strip_image(data: bytes, mime: str) -> tuple[bytes, str]:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - installed with Willow[heif]
        pass
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("An image could not be read."), code="file_unreadable") from error
    output = io.BytesIO()
    if mime == "image/png":
        clean = Image.new(image.mode, image.size)
        if image.mode == "P":
            clean.putpalette(image.getpalette())
        clean.paste(image)
        clean.save(output, format="PNG")
        return output.getvalue(), "image/png"
    # JPEG, and HEIC (stored as JPEG so every staff browser can open it)
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.save(output, format="JPEG", quality=90)
    return output.getvalue(), "image/jpeg"
