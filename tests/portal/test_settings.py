"""Settings read the environment in one place; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_with_production_settings(**env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.production", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_exits_with_one_line_and_no_traceback():
    result = run_with_production_settings(ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]
    assert "ALLOWED_HOSTS" not in lines[0]


def test_production_without_allowed_hosts_names_it():
    result = run_with_production_settings(SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_when_secret_hosts_and_shared_cache_are_set():
    result = run_with_production_settings(
        SECRET_KEY="a-long-random-production-secret-" + "x" * 30,
        ALLOWED_HOSTS="example.org",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr


def test_production_without_a_shared_cache_refuses_to_start():
    result = run_with_production_settings(
        SECRET_KEY="a-long-random-production-secret-" + "x" * 30, ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_base_settings_read_the_environment():
    settings_dir = ROOT / "portal" / "settings"
    readers = [
        path.name
        for path in settings_dir.glob("*.py")
        if "os.environ" in path.read_text() or "getenv" in path.read_text()
    ]
    assert readers == ["base.py"]
