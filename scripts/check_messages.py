"""Check the Arabic catalogue: up to date with the code, fully translated, no fuzzy entries,
and the committed .mo compiled from the committed .po.

Runs `makemessages` first (needs GNU gettext), so a string added to the code without a
translation fails the check. Exit status 1 lists what is wrong.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "portal" / "locale" / "ar" / "LC_MESSAGES"
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "--locale",
    "ar",
    "--no-location",
    "--no-obsolete",
    "--ignore",
    ".venv",
    "--ignore",
    "var",
    "--ignore",
    "media",
    "--ignore",
    "tests",
]


def main() -> int:
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        print("check_messages: GNU gettext is needed (Debian package: gettext).")
        return 1
    po_path = CATALOGUE / "django.po"
    committed = po_path.read_bytes()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    subprocess.run(MAKEMESSAGES, cwd=ROOT, env=env, check=True, capture_output=True)
    try:
        po = polib.pofile(str(po_path))
        problems = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
        problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
        with tempfile.TemporaryDirectory() as tmp:
            compiled = Path(tmp) / "django.mo"
            subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po_path)], check=True)
            fresh = {
                (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
                for e in polib.mofile(str(compiled))
            }
        shipped = {
            (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
            for e in polib.mofile(str(CATALOGUE / "django.mo"))
        }
        if fresh != shipped:
            problems.append("django.mo is not compiled from django.po: run `make messages`")
    finally:
        po_path.write_bytes(committed)
    for problem in problems:
        print(f"check_messages: {problem}")
    if problems:
        print("check_messages: run `make messages`, translate, and commit the catalogue.")
        return 1
    print(f"check_messages: Arabic catalogue complete ({len(po.translated_entries())} entries).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
