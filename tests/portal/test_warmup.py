"""The WSGI module does, once in gunicorn's master, what every forked or recycled worker would
otherwise do on its first request: the URLconf and its views, each language's URL index and
catalogue, the cache's client library and the public templates; and it opens no connection a
fork would share."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import json, sys
    from portal.wsgi import application
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation
    from django.utils.translation import trans_real

    loader = engines["django"].engine.template_loaders[0]
    cached = set(loader.get_template_cache)
    print(json.dumps({
        "modules": sorted(m for m in sys.modules if m.split(".")[0] in
                          {"portal", "cms", "forms", "search", "redis", "rest_framework"}),
        "url_languages": sorted(get_resolver()._reverse_dict),
        "catalogues": sorted(trans_real._translations),
        "templates": sorted(cached),
        "connections": [alias for alias in connections if connections[alias].connection],
        "language": translation.get_language(),
    }))
    """
)


# The production settings, as gunicorn runs them (nothing here connects to these addresses).
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "warm-up-test-" + "k" * 40,
    "ALLOWED_HOSTS": "sila.test",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
}


def probe() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wsgi_module_prepares_what_a_first_request_needs():
    found = probe()
    assert "portal.urls" in found["modules"]
    assert {"cms.views", "forms.api.public"} <= set(found["modules"])
    assert {"ar", "en"} <= set(found["url_languages"])
    assert {"ar", "en"} <= set(found["catalogues"])
    for template in ("base.html", "cms/policy_page.html", "cms/faq_page.html", "404.html"):
        assert template in found["templates"], template


def test_the_cache_client_library_is_imported_but_nothing_is_connected():
    found = probe()
    assert "redis" in found["modules"]
    assert found["connections"] == []
    # the warm-up leaves no language active in the master (each request activates its own)
    assert found["language"] in (None, "ar")


def test_a_template_that_does_not_compile_is_logged_and_does_not_stop_the_start(
    tmp_path, settings, caplog
):
    from django.template import engines

    from portal import warmup

    (tmp_path / "warm_ok.html").write_text("{% load i18n %}{% translate 'Home' %}")
    (tmp_path / "warm_broken.html").write_text("{% if %}")
    (tmp_path / "warm_unknown_library.html").write_text("{% load no_such_library %}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    with caplog.at_level("WARNING", logger="portal.warmup"):
        warmup._compile_templates()
    loader = engines["django"].engine.template_loaders[0]
    assert "warm_ok.html" in loader.get_template_cache
    logged = {record.template for record in caplog.records}
    assert logged == {"warm_broken.html", "warm_unknown_library.html"}
