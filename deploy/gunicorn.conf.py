"""gunicorn's configuration for the portal, read with `gunicorn -c deploy/gunicorn.conf.py`.

Every number comes from the environment (the systemd unit's EnvironmentFile, or `.env` in
the repository, read here as Django's settings read it), so an operator tunes a host
without editing this file:

    gunicorn -c deploy/gunicorn.conf.py -b 127.0.0.1:8000 bandung_iso.wsgi:application

The application and the bind address are not set here on purpose: the command line names
them, so the same file serves `make serve`, the systemd unit and the tests.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

# The same optional .env that bandung_iso/settings/base.py reads; the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
env = environ.Env()


def _cores() -> int:
    """The cores this process may run on (a container's or cgroup's share where visible)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Worker processes. Django's views are synchronous and mostly wait on the database, so the
# classic 2 x cores + 1, capped: past a dozen each host mostly adds PostgreSQL connections
# (every worker thread keeps one for DJANGO_CONN_MAX_AGE seconds).
workers = env.int("GUNICORN_WORKERS", default=min(2 * _cores() + 1, 12))

# Threads per worker. 1 keeps the plain sync worker; more switches gunicorn to its threaded
# worker (gthread), which also keeps idle keep-alive connections without holding a worker.
threads = env.int("GUNICORN_THREADS", default=1)

# A worker silent for this many seconds is killed and replaced (a stuck request). The
# slowest page (the national-scale dashboard, uncached) takes a few seconds: 30 is ample.
timeout = env.int("GUNICORN_TIMEOUT", default=30)

# On a restart or SIGTERM, workers get this long to finish the requests they are serving.
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)

# Seconds an idle connection from the proxy stays open for the next request. nginx's
# upstream keepalive reuses connections; it must close them before gunicorn does.
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)

# Replace each worker after this many requests (with jitter, so not all at once): a slow
# leak in any library cannot grow for ever. 0 turns it off.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=1000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=100)

# Logs: one access line per request on stdout, gunicorn's own messages on stderr; journald
# (systemd) or the container runtime collects both. "-" means the standard stream.
accesslog = "-"
errorlog = "-"  # gunicorn's "-" for the error log is stderr
loglevel = env.str("GUNICORN_LOG_LEVEL", default="info")
# The proxy's address (h), the client as the proxy saw it (X-Forwarded-For), the request
# line, status, bytes, duration in milliseconds, and the request id the portal answered with
# (the one on its own log lines and on the 500/503 pages). No cookies, no other headers.
access_log_format = '%(h)s xff="%({x-forwarded-for}i)s" "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# The heartbeat files workers touch: in memory, not on a disk that may stall under load.
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's recommended location, not a temp file
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn 25+ opens a control socket for `gunicornc` at one fixed path per user
# ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl), so two gunicorns of one user (two sites,
# a test beside a server) would take each other's. systemd's signals are enough: off unless
# GUNICORN_CONTROL_SOCKET names a path for this instance.
control_socket = env.str("GUNICORN_CONTROL_SOCKET", default="")
control_socket_disable = not control_socket
if control_socket_disable:
    del control_socket

# The process title in `ps`, to tell this gunicorn from others on the host.
proc_name = "bandung-iso"
