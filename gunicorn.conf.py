"""gunicorn settings of the OCOP portal: `gunicorn ocop_portal.wsgi` reads this file from the
project root. Every value can be set in the portal's .env or the environment (see .env.example)."""

import multiprocessing
import os
from pathlib import Path

import environ


class _EnvFile(environ.Env):
    ENVIRON: dict[str, str] = {}


def _read_env_file() -> None:
    """The portal's configuration file (.env, or OCOP_ENV_FILE), read into the environment that
    the workers inherit, so that the portal (ocop_portal/settings.py), gunicorn and the scripts
    all follow one file. Real environment variables win.

    gunicorn runs this file again on every reload (``systemctl reload`` → HUP) in the same master
    process: a value changed in the file since then must replace the one read last time, and a
    variable removed from it must go, so the master remembers which names the real environment
    gave it and which came from the file.
    """
    real = os.environ.setdefault("_OCOP_REAL_ENV_NAMES", ",".join(sorted(os.environ)))
    real_names = set(real.split(","))
    path = os.environ.get("OCOP_ENV_FILE") or Path(__file__).resolve().parent / ".env"
    _EnvFile.ENVIRON = {}
    _EnvFile.read_env(path, overwrite=True)
    from_file = {k: v for k, v in _EnvFile.ENVIRON.items() if k not in real_names}
    for name in set(os.environ.get("_OCOP_ENV_FILE_NAMES", "").split(",")) - set(from_file) - {""}:
        os.environ.pop(name, None)
    os.environ.update(from_file)
    os.environ["_OCOP_ENV_FILE_NAMES"] = ",".join(sorted(from_file))


_read_env_file()


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: 2 x cores + 1, at most 12 (each holds a database connection).
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then so that slow leaks never pile up; the jitter keeps them from
# restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Only these proxies may set X-Forwarded-For/-Proto (see BEHIND_PROXY in the settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Errors of gunicorn itself on stderr; the portal logs every request as a JSON line on stdout
# (core.middleware.RequestLogMiddleware). gunicorn's own access line is optional: it
# would repeat those lines, with the raw URL (query string and reset tokens included).
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if _bool("GUNICORN_ACCESS_LOG"):
    accesslog = "-"
    access_log_format = (
        '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", '
        '"message": "%(m)s %(U)s %(s)s", "method": "%(m)s", "path": "%(U)s", '
        '"status": %(s)s, "duration_ms": %(M)s, "remote": "%(h)s"}'
    )


def post_worker_init(worker):
    """The portal is loaded in the worker: what it made so far lives as long as the worker, and
    the garbage collector leaves it out of its full passes (a full pass over every object of a
    worker took about 60 ms in one request out of five or six of the dashboard's)."""
    import gc

    gc.freeze()
