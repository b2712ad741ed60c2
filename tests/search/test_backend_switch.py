"""The site-search backend follows the settings: database by default, Elasticsearch 8 when
ELASTICSEARCH_URL is set. No Elasticsearch server runs here, so the live test runs only where
ELASTICSEARCH_URL points at one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def backends_with(**env) -> dict:
    code = "import json; from django.conf import settings; print(json.dumps(settings.WAGTAILSEARCH_BACKENDS))"
    environment = {
        k: v for k, v in os.environ.items() if k not in {"ELASTICSEARCH_URL", "DATABASE_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings.test", **env)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return json.loads(out.stdout)["default"]


def test_database_backend_by_default():
    assert backends_with()["BACKEND"] == "wagtail.search.backends.database"


def test_postgresql_uses_the_arabic_text_search_configuration():
    config = backends_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert config["SEARCH_CONFIG"] == "arabic"


def test_elasticsearch_8_with_an_arabic_analyser_when_configured():
    config = backends_with(ELASTICSEARCH_URL="http://127.0.0.1:9200")
    assert config["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert config["URLS"] == ["http://127.0.0.1:9200"]
    analyser = config["INDEX_SETTINGS"]["settings"]["analysis"]["analyzer"]["default"]
    assert analyser["filter"][-3:] == ["arabic_normalization", "arabic_stop", "arabic_stemmer"]
    assert "decimal_digit" in analyser["filter"]


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no search server here",
)
@pytest.mark.django_db
def test_live_elasticsearch_quality():
    from search.site.quality import score
    from tests.search.judged_queries import ARABIC

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("update_index", verbosity=0)
    result = score(ARABIC, language="ar")
    assert result.mrr >= 0.75, result
