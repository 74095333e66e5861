"""The Redis on loopback, for the tests of the shared cache."""

import os
import socket
import threading
from contextlib import contextmanager

import pytest

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    """A client of REDIS_URL; skips when Redis does not answer, and fails instead under CI=true."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true and is unreachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {error}")
    return client


def forget(client, prefix: str) -> None:
    """Delete the keys a test made under its own prefix (never FLUSHDB: others may share the database)."""
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@contextmanager
def commands_seen(prefix: str):
    """The commands Redis receives for keys under ``prefix`` while the block runs, as MONITOR reports them.

    Each entry is one command a client sent, with its arguments: one round trip. The commands a
    script runs inside Redis are left out (they cost no trip). The list is complete on exit.
    """
    import redis

    seen = []
    end = f"{prefix}:end-of-monitor"
    with redis.Redis.from_url(REDIS_URL).monitor() as monitor:  # MONITOR answered OK: nothing is missed

        def listen():
            for command in monitor.listen():
                if end in command["command"]:
                    return
                if prefix in command["command"] and command["client_type"] != "lua":
                    seen.append(command["command"])

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        try:
            yield seen
        finally:
            redis.Redis.from_url(REDIS_URL).exists(end)  # the last command it reports
            listener.join(timeout=10)
            assert not listener.is_alive(), "MONITOR never reported the end of the block"


def settings_entry(url: str, prefix: str = "") -> dict:
    """The CACHES entry the settings build from CACHE_URL=url and CACHE_KEY_PREFIX=prefix."""
    import environ

    from bandung_iso.cache import cache_entry

    return cache_entry(environ.Env.cache_url_config(url), key_prefix=prefix)


@contextmanager
def silent_server():
    """The URL of a server that accepts connections and never answers, as a hung Redis does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()
