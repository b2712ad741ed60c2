"""Checking, storing and serving applicants' files: type from the content, limits, hostile
content refused, new names, no metadata.

Every check runs when a form or the API validates the files, so a refusal is a field error that
keeps what the applicant typed; filing only stores what was checked. Images are measured from
their header before any pixel is decoded (a 20000×20000 PNG of 400 KB never reaches the decoder);
those under the cap are decoded and re-encoded without their metadata. PDFs are scanned for
active content (scripts, launch actions, embedded files), HTML that would make them a polyglot,
and content that cannot be inspected."""

import re
import threading
import unicodedata
import uuid
import zlib
from contextlib import contextmanager
from io import BytesIO
from typing import NamedTuple

import filetype
from PIL import Image, ImageFile, UnidentifiedImageError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - installed with Willow[heif]
    pass

MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024
# A phone photo is 12 MP (48 MP sensors save 12 MP by default). Decoding 25 MP as RGB takes
# 75 MB; anything larger is refused from its header, before decoding.
MAX_PIXELS = 25_000_000
# What the content says it is -> the extension it is stored with. SVG, HTML, executables and
# everything else are refused, whatever their name says.
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
}

# Names (PDF's /Name tokens) that make a PDF act when opened or carry other files: JavaScript,
# additional actions on open/close/page events, launching programs, embedded files, forms that
# submit or import data, Flash and XFA. Plain links (/URI) and /GoTo destinations stay allowed.
_PDF_ACTIVE_NAMES = {
    b"JavaScript",
    b"JS",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"FileAttachment",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToE",
    b"GoToR",
    b"Sound",
    b"Movie",
}
_PDF_DELIMITERS = rb"\s/<>\[\]()%{}"
_PDF_NAME = re.compile(rb"/([^" + _PDF_DELIMITERS + rb"]+)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
# HTML a browser would render if the file were ever served inline: a PDF that is also a page.
_HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|style|form)\b"
    rb"|javascript:",
    re.IGNORECASE,
)
_STREAM_BUDGET = 40 * 1024 * 1024  # decompressed bytes inspected per PDF, at most


class Checked(NamedTuple):
    """A file that passed every check: the bytes to store and their verified type."""

    data: bytes
    content_type: str


def display_name(name: str | None) -> str:
    """The uploaded name as something safe to show: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return base[:200] or "file"


def check_files(files) -> None:
    """Raise ValidationError (translated) for too many files or any file that fails a check."""
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES}, code="too_many_files"
        )
    for upload in files:
        inspect(upload)


def inspect(upload) -> Checked:
    """Every check of one upload; the result is kept on the upload, so a form's validation and
    the filing that follows decode an image once."""
    checked = getattr(upload, "_sila_checked", None)
    if checked is not None:
        return checked
    name = display_name(upload.name)[:80]
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)d MB.")
            % {"name": name, "size": MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    mime = sniff(data)
    if mime is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or HEIC file.") % {"name": name},
            code="file_type",
        )
    if mime == "application/pdf":
        _check_pdf(data, name)
        checked = Checked(data, mime)
    else:
        checked = Checked(*_clean_image(data, mime, name))
    upload._sila_checked = checked
    return checked


def sniff(data: bytes) -> str | None:
    """The type the content shows, if it is one we take. A PDF must start with its header:
    one that starts with something else (a page, a script) is what polyglots are made of."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    return mime if mime in ALLOWED and mime != "application/pdf" else None


def _check_pdf(data: bytes, name: str) -> None:
    if _HTML_MARKERS.search(data):
        raise ValidationError(
            _("“%(name)s” contains web page code and cannot be accepted as a PDF.")
            % {"name": name},
            code="file_polyglot",
        )
    scanned = [data]
    if b"/Encrypt" in data and b"/ObjStm" in data:
        # Encrypted object streams hide the dictionaries we must read.
        raise ValidationError(
            _(
                "“%(name)s” is an encrypted PDF that cannot be checked. Save it without a password or send a photo of it."
            )
            % {"name": name},
            code="file_encrypted",
        )
    scanned.extend(_pdf_streams(data))
    for chunk in scanned:
        if _pdf_active_name(chunk):
            raise ValidationError(
                _(
                    "“%(name)s” contains scripts, actions or attached files. Send a plain PDF or a photo of the document."
                )
                % {"name": name},
                code="file_active_content",
            )


def _pdf_active_name(chunk: bytes) -> bool:
    for match in _PDF_NAME.finditer(chunk):
        token = match.group(1)
        if b"#" in token:
            token = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token)
        if token in _PDF_ACTIVE_NAMES:
            return True
    return False


def _pdf_streams(data: bytes):
    """The decompressed content of the PDF's Flate streams (object streams hold dictionaries),
    within a budget: a stream that inflates past it is refused as a bomb."""
    budget = _STREAM_BUDGET
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[start:end], budget + 1)
        except zlib.error:
            continue  # not Flate (images, fonts in other filters): scanned raw above
        budget -= len(inflated)
        if budget < 0:
            raise ValidationError(_("A PDF could not be read."), code="file_unreadable")
        yield inflated


_TRUNCATION = threading.Lock()


@contextmanager
def _truncated_images_refused():
    """Pillow's switch for cut-off images is process-wide, and a library may turn it on when
    imported (WeasyPrint does): a damaged upload must still fail to load here."""
    with _TRUNCATION:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _clean_image(data: bytes, mime: str, name: str) -> tuple[bytes, str]:
    """Measure from the header, refuse what is too large, then decode and re-encode without
    metadata (location, camera, names). HEIC is stored as JPEG so every staff browser opens it."""
    unreadable = ValidationError(
        _(
            "“%(name)s” is damaged or is not really an image of its type. Take the photo again or send it as PDF."
        )
        % {"name": name},
        code="file_unreadable",
    )
    too_large = ValidationError(
        _(
            "“%(name)s” is too large an image (more than %(megapixels)d megapixels). Send a smaller photo."
        )
        % {"name": name, "megapixels": MAX_PIXELS // 1_000_000},
        code="image_too_large",
    )
    try:
        image = Image.open(BytesIO(data))  # reads the header only
        width, height = image.size
    except Image.DecompressionBombError as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise unreadable from error
    if width <= 0 or height <= 0:
        raise unreadable
    if width * height > MAX_PIXELS:
        raise too_large
    try:
        with _truncated_images_refused():
            image.load()  # a cut-off image is damaged
        output = BytesIO()
        if image.format == "PNG":
            clean = Image.new(image.mode, image.size)
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            clean.paste(image)
            clean.save(output, format="PNG")
            return output.getvalue(), "image/png"
        rgb = image.convert("RGB")
        clean = Image.new("RGB", rgb.size)
        clean.paste(rgb)
        clean.save(output, format="JPEG", quality=90)
        return output.getvalue(), "image/jpeg"
    except Image.DecompressionBombError as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise unreadable from error


def clean_file(upload) -> tuple[ContentFile, str, str]:
    """(checked file under a new name, verified content type, the uploaded name made safe)."""
    checked = inspect(upload)
    name = f"{uuid.uuid4().hex}.{ALLOWED[checked.content_type]}"
    return ContentFile(checked.data, name=name), checked.content_type, display_name(upload.name)


def download_name(attachment, *, reference: str) -> str:
    """A generated name whose extension follows the verified type, never the uploaded one."""
    extension = ALLOWED.get(attachment.content_type, "bin")
    return f"{reference}-{attachment.pk}.{extension}"


def download_response(attachment, *, reference: str) -> FileResponse:
    """A stored document as a download: generated name, verified type, never rendered by the
    browser (attachment, nosniff, and a sandbox with nothing allowed should one ever be)."""
    content_type = (
        attachment.content_type
        if attachment.content_type in ALLOWED
        else "application/octet-stream"
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment, reference=reference),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
