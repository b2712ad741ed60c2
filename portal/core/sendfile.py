"""How a document's bytes leave once Wagtail's view has let the request through (SENDFILE_BACKEND).

Wagtail's document view checks the collection's view restriction and the association's host, then
calls `wagtail.utils.sendfile.sendfile`, which asks this backend for a response and sets the type,
the disposition (the document's filename, Arabic in `filename*`) and the length on it; the view
adds its CSP and nosniff. With SENDFILE_URL set (DOCUMENTS_ACCEL_REDIRECT, the production stack),
the answer is empty and `X-Accel-Redirect` names the file under the proxy's internal location
(deploy/nginx.conf): nginx sends the bytes, ranges and conditional answers included, and no
gunicorn thread waits on a slow download. Without it (`make run`, no proxy) Django streams the file.
django-sendfile2's nginx backend has the same interface but answers a plain HttpResponse, which
Wagtail's sendfile then gives the file's length and the encoding "None" (see the classes below).
"""

import logging
import os
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from wagtail.utils import sendfile_streaming_backend

logger = logging.getLogger(__name__)

ACCEL_HEADER = "X-Accel-Redirect"


class NoGuessedEncoding:
    """Wagtail's sendfile sets Content-Encoding to the encoding it guesses from the file's name,
    None for every document type allowed, which Django would send as the word "None"."""

    def __setitem__(self, header, value):
        if header.lower() == "content-encoding" and value is None:
            return
        super().__setitem__(header, value)


class AcceleratedResponse(NoGuessedEncoding, HttpResponse):
    """An empty answer whose body the proxy sends. Wagtail's sendfile writes the file's size into
    Content-Length after the backend returns; on an empty body it must say 0, or nginx closes its
    keep-alive connection to gunicorn after every download (it keeps one only when the body is
    empty) and a client of gunicorn itself waits for bytes that never come."""

    def __setitem__(self, header, value):
        if header.lower() == "content-length":
            value = 0
        super().__setitem__(header, value)


class StreamedResponse(NoGuessedEncoding, FileResponse):
    pass


def stream(request, filename) -> HttpResponse:
    """Wagtail's streaming backend (sendfile_streaming_backend), in a response without the
    guessed encoding."""
    modified = int(os.stat(filename).st_mtime)
    if not sendfile_streaming_backend.was_modified_since(
        request.headers.get("if-modified-since"), modified
    ):
        return HttpResponseNotModified()
    response = StreamedResponse(open(filename, "rb"))  # noqa: SIM115 - closed by Django
    response["Last-Modified"] = http_date(modified)
    return response


def accel_path(filename) -> str | None:
    """The file's URL under the internal location, or None when it is not under SENDFILE_ROOT."""
    try:
        relative = PurePath(filename).relative_to(settings.SENDFILE_ROOT)
    except ValueError:
        return None
    # nginx decodes the percent-escapes (and refuses "..") before it looks the file up.
    return settings.SENDFILE_URL.rstrip("/") + "/" + quote(relative.as_posix(), safe="/")


def sendfile(request, filename, **kwargs):
    url = getattr(settings, "SENDFILE_URL", None)
    path = accel_path(filename) if url else None
    if path is None:
        if url:
            # Still served (the view has authorised it), only by Django: a file kept elsewhere.
            logger.warning("document file outside SENDFILE_ROOT, streamed by Django")
        return stream(request, filename)
    response = AcceleratedResponse()
    response[ACCEL_HEADER] = path
    return response
