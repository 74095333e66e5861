"""Production settings: they refuse to start without a secret, and pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_")) and k != "DATABASE_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "bandung_iso.settings.production", **extra}


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env=production_env())
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_passes_the_deploy_checks_with_a_secret_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(
            DJANGO_SECRET_KEY="x7Qm-" * 12,
            DJANGO_ALLOWED_HOSTS="iso.example.test",
            CACHE_URL="redis://127.0.0.1:6379/1",  # read, not connected to, by the checks
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_shared_cache():
    """A cache per process would serve one worker's stale page after another worker's edit."""
    result = run_manage("check", env=production_env(DJANGO_SECRET_KEY="x7Qm-" * 12))
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_time_and_language_are_bandungs():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "id"
