"""A document's bytes: sent by nginx (X-Accel-Redirect) once Wagtail's view has let the request
through, when DOCUMENTS_ACCEL_REDIRECT is on; streamed by Django otherwise (portal.core.sendfile).
The proxy's side is in tests/stack/test_proxy.py."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Site

from portal.accounts.associations import association_collection
from portal.core import sendfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Document = get_document_model()
HOST = "localhost"
ACCEL_URL = "/sila-internal/documents/"
ROOT = Path(__file__).resolve().parents[2]
MINUTES = b"%PDF-1.4 " + bytes(range(256)) * 64


@pytest.fixture
def on_disk(settings, tmp_path):
    """Documents written to a media root on disk (the tests' storage is in memory, which has no
    file path and never reaches the sendfile backend)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.SENDFILE_ROOT = tmp_path / "public" / "documents"
    return settings


@pytest.fixture
def accelerated(on_disk):
    on_disk.SENDFILE_URL = ACCEL_URL
    return on_disk


def make_document(collection, name="محضر الاجتماع.pdf", content=MINUTES):
    return Document.objects.create(
        title="محضر", collection=collection, file=ContentFile(content, name=name)
    )


@pytest.fixture
def document(home):
    return make_document(association_collection(Site.objects.get(is_default_site=True)))


@pytest.fixture
def restricted(home):
    root = association_collection(Site.objects.get(is_default_site=True))
    minutes = root.add_child(instance=Collection(name="محاضر مقيدة"))
    CollectionViewRestriction.objects.create(
        collection=minutes, restriction_type=CollectionViewRestriction.LOGIN
    )
    return make_document(minutes, name="minutes.pdf")


def test_an_accelerated_document_is_an_empty_answer_naming_the_file_for_nginx(
    accelerated, document, client
):
    response = client.get(document.url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert document.filename == "محضر_الاجتماع.pdf"
    assert response["X-Accel-Redirect"] == ACCEL_URL + quote(document.filename)
    assert response.content == b""
    assert response["Content-Length"] == "0"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    assert "filename*=UTF-8''" + quote(document.filename) in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "no-store" in response["Cache-Control"]
    assert "Content-Encoding" not in response


def test_the_file_nginx_is_sent_to_is_the_documents_file(accelerated, document, client):
    response = client.get(document.url, HTTP_HOST=HOST)
    relative = response["X-Accel-Redirect"].removeprefix(ACCEL_URL)
    assert (accelerated.SENDFILE_ROOT / unquote(relative)).read_bytes() == MINUTES


def test_without_the_proxy_the_document_is_streamed_by_django(on_disk, document, client):
    on_disk.SENDFILE_URL = None
    response = client.get(document.url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == MINUTES
    assert response["Content-Length"] == str(len(MINUTES))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in response


def test_a_streamed_document_not_modified_since_is_answered_304(on_disk, document, client):
    on_disk.SENDFILE_URL = None
    first = client.get(document.url, HTTP_HOST=HOST)
    again = client.get(document.url, HTTP_HOST=HOST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_a_restricted_document_is_refused_without_the_right_and_never_handed_to_nginx(
    accelerated, restricted, client
):
    refused = client.get(restricted.url, HTTP_HOST=HOST)
    assert refused.status_code == 302
    assert "X-Accel-Redirect" not in refused
    client.force_login(UserFactory(is_superuser=True))
    allowed = client.get(restricted.url, HTTP_HOST=HOST)
    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"] == ACCEL_URL + "minutes.pdf"
    assert "no-store" in allowed["Cache-Control"] and "private" in allowed["Cache-Control"]


def test_a_file_outside_the_documents_folder_is_streamed_not_named(accelerated, tmp_path, rf):
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(MINUTES)
    response = sendfile.sendfile(rf.get("/"), str(outside), mimetype="application/pdf")
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == MINUTES


def test_the_path_for_nginx_is_percent_encoded_and_stays_under_the_location(accelerated):
    root = accelerated.SENDFILE_ROOT
    assert sendfile.accel_path(root / "a b?#%.pdf") == ACCEL_URL + "a%20b%3F%23%25.pdf"
    assert sendfile.accel_path(root / "sub" / "x.pdf") == ACCEL_URL + "sub/x.pdf"
    assert sendfile.accel_path(root.parent / "images" / "x.png") is None


def _sendfile_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DOCUMENTS_ACCEL_REDIRECT"}
    return subprocess.run(
        [sys.executable, "-c", "from portal.settings import base; print(base.SENDFILE_URL)"],
        cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def test_the_environment_switches_nginx_on_and_the_default_streams():
    assert _sendfile_url(DOCUMENTS_ACCEL_REDIRECT="true") == ACCEL_URL
    assert _sendfile_url() == "None"
