"""wrk runs for scripts/loadtest.py: one run's figures, repeated for longer when too few requests.

Not a test: it prints figures (through loadtest.py).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Each run lasts --duration seconds; a run that completed fewer requests than this (a slow
# page with many connections) is repeated for longer, so its percentiles rest on enough requests.
MIN_REQUESTS = 50
LONG_RUN_SECONDS = 30
# Large enough that a slow page is measured, not counted as an error.
WRK_TIMEOUT = "120s"

# wrk's Lua hooks: count every answer that is not 2xx (wrk itself counts only 4xx/5xx) and
# print one parseable line. Each wrk thread has its own Lua state; done() gathers them.
LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'LOADTEST {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "non2xx": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, bad,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


# --- the scratch database ------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk's path; Debian's package installed when missing (as .ci/run installs chromium)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install Debian's package (sudo apt-get install -y wrk) and run again")
    print("== installing Debian's wrk", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607 - Debian's own tool
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607
    return shutil.which("wrk") or sys.exit("apt-get installed wrk but it is not on PATH")


def wrk(binary: str, lua: Path, port: int, path: str, *, connections: int, seconds: int) -> dict:
    """One wrk run; its figures as a dict (latencies in milliseconds, errors of every kind summed)."""
    command = [
        binary,
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}{path}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 300)  # noqa: S603
    line = next((line for line in result.stdout.splitlines() if line.startswith("LOADTEST ")), None)
    if result.returncode != 0 or line is None:
        sys.exit(f"wrk failed on {path}:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("LOADTEST "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds_run if seconds_run else 0.0,
        "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["non2xx"],
        "seconds": seconds,
        "max": raw["max_us"] / 1000,
    }


def drain(result: dict) -> None:
    """Wait for the requests wrk left in flight: gunicorn finishes them, and they would slow the next run."""
    time.sleep(min(result["max"] / 1000, LONG_RUN_SECONDS) + 0.5)


def measure(binary: str, lua: Path, port: int, path: str, *, connections: int, seconds: int) -> dict:
    result = wrk(binary, lua, port, path, connections=connections, seconds=seconds)
    drain(result)
    if result["requests"] < MIN_REQUESTS and seconds < LONG_RUN_SECONDS:
        result = wrk(binary, lua, port, path, connections=connections, seconds=LONG_RUN_SECONDS)
        drain(result)
    return result
