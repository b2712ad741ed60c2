"""A backup restores: row counts and media checksums match in a scratch copy."""

import json

import pytest

from django.core.management import CommandError, call_command

from forms.models import HelpRequest

# pg_dump reads committed rows only; the migrations' rows (locale, root page) are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_BASE = tmp_path / "media"
    settings.MEDIA_ROOT = tmp_path / "media" / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    (settings.PRIVATE_MEDIA_ROOT / "help").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "help" / "id-card.pdf").write_bytes(b"%PDF-1.4 private")
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "logo.png").write_bytes(b"png")
    return settings


def test_a_backup_of_database_and_media_restores_with_the_same_counts_and_checksums(
    home, media, tmp_path, capsys
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("someone", password="x")
    call_command("backup", "--output", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["auth_user"] >= 1
    assert "help/id-card.pdf" in manifest["media"]["private"]
    call_command("restore_check", str(tmp_path / "backup"))
    out = capsys.readouterr().out
    assert "counts and checksums match" in out


def test_a_damaged_backup_is_refused(home, media, tmp_path):
    call_command("backup", "--output", str(tmp_path / "backup"))
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"][HelpRequest._meta.db_table] += 1
    manifest["media"]["private"]["help/id-card.pdf"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="does not restore"):
        call_command("restore_check", str(tmp_path / "backup"))
