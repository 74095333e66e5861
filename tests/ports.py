"""Loopback ports for tests that start real server processes."""

import socket

import pytest


def free_port(ports: range) -> int:
    """The first port of ``ports`` nothing listens on; the test fails when all are taken."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {ports.start}-{ports.stop - 1}")
