"""Work done once in gunicorn's master, before it forks its workers (`preload_app`).

A worker is forked from the master and recycled after `max_requests`; whatever the master has
not done, every new worker does on its first request, while that request waits: importing the
URLconf and every view behind it, the cache's client library, the translation catalogues and the
templates. Done here, it is done once, and the workers share it (copy-on-write).

Nothing here opens a connection: the database pool, the cache's client and the search backend's
client are made in each worker on first use, never shared across a fork.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.template import engines
from django.urls import get_resolver
from django.utils import translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def warm() -> None:
    """Raises what importing the URLconf raises (every request would fail the same way); a
    template that does not compile is logged and left to the request that renders it."""
    _import_backends()
    _load_urls_and_catalogues()
    _compile_templates()


def _import_backends() -> None:
    """The modules of the configured cache and task backends (no client is made)."""
    paths = [cache["BACKEND"] for cache in settings.CACHES.values()]
    paths += [task["BACKEND"] for task in getattr(settings, "TASKS", {}).values()]
    for path in paths:
        import_string(path)


def _load_urls_and_catalogues() -> None:
    """The URLconf and each language's reverse index and translation catalogue (the i18n
    patterns keep one index per language)."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - populates this language's index
    is_language_prefix_patterns_used(settings.ROOT_URLCONF)


def _compile_templates() -> None:
    """Every template of the project's own folders and apps (the cached loader keeps them)."""
    engine = engines["django"]
    for directory in _project_template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.suffix not in {".html", ".txt", ".xml", ".svg"} or not path.is_file():
                continue
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
            except Exception:  # noqa: BLE001 - a start-up saving never stops the server
                # the request that renders it reports the same error, as without the warm-up
                logger.warning("template not compiled at start", extra={"template": name})


def _project_template_dirs() -> list[Path]:
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    directories = [Path(d) for config in settings.TEMPLATES for d in config.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            directories.append(path / "templates")
    return [d for d in dict.fromkeys(directories) if d.is_dir()]
