"""Shared helpers for the benchmarks in bench/: Django set-up against a benchmark database,
percentiles, a gunicorn process in the production topology, an open-loop HTTP load generator
and plain-text tables. Standard library only (plus what the project already installs)."""

from __future__ import annotations

import http.client
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The key gunicorn runs with; a benchmark that creates API tokens or sessions in-process sets it
# before Django starts (setup_django(..., secret_key=True)), since tokens are keyed by it.
BENCH_SECRET_KEY = os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
VENV_BIN = ROOT / ".venv" / "bin"


# --- Django -----------------------------------------------------------------------------------


def database_url() -> str:
    """DATABASE_URL from the environment, else from .run/services.env (as the settings do)."""
    url = os.environ.get("DATABASE_URL", "")
    env_file = ROOT / ".run" / "services.env"
    if not url and env_file.exists():
        for line in env_file.read_text().splitlines():
            if line.startswith("DATABASE_URL="):
                url = line.split("=", 1)[1].strip()
    return url


def bench_database_url(default_name: str = "sirkel_bench") -> str:
    """The benchmark database: BENCH_DATABASE_URL, else DATABASE_URL if its database name says
    "bench", else the project's server with `default_name`. Benchmarks truncate tables, so they
    refuse any database whose name does not contain "bench"."""
    url = os.environ.get("BENCH_DATABASE_URL") or database_url()
    if not url:
        sys.exit("No DATABASE_URL: start the services (scripts/services.sh start) or set BENCH_DATABASE_URL.")
    parts = urlsplit(url)
    if "bench" not in parts.path.lstrip("/"):
        url = parts._replace(path="/" + default_name).geturl()
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark database on its server if it does not exist (extensions come from
    template1, where scripts/services.sh installs them)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str, settings_module: str = "sirkel.settings.dev") -> None:
    """Point Django at the benchmark database, set it up, migrate if needed. DEBUG is turned off
    so no cursor records queries (connection.queries would add to every timing)."""
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to run against database {name!r}: its name must contain 'bench'.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("migrating the benchmark database ...", flush=True)
        call_command("migrate", verbosity=0)


def collect_static() -> None:
    """Static files as production serves them (hashed names in WhiteNoise's manifest), into
    .run/bench-static; the servers a benchmark starts inherit STATIC_ROOT from here. Without
    the manifest every HTML page is a 500 under production settings."""
    os.environ["STATIC_ROOT"] = str(ROOT / ".run" / "bench-static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sirkel.settings.production",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


# --- Statistics -------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    if (math.isinf(ordered[hi]) and k > lo) or math.isinf(ordered[lo]):
        return math.inf  # requests that never completed count as infinitely slow
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
    }


def time_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


# --- Output -----------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table; floats with one decimal (two below 10)."""

    def fmt(value: object) -> str:
        if isinstance(value, float):
            if value != value:  # nan
                return "-"
            if math.isinf(value):
                return "timeout"
            return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    body = [[fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    for r in body:
        out.append(
            "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    return "\n".join(out)


def verdict(value: float, target: float) -> str:
    """`value / target` as a ratio and PASS/FAIL (lower is better)."""
    if value != value:
        return "n/a"
    if math.isinf(value):
        return "FAIL"
    return f"{value / target:.2f}x {'PASS' if value <= target else 'FAIL'}"


# --- gunicorn (the production HTTP topology) ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn sirkel.wsgi:application` with production settings on a free loopback port;
    stopped (by its own pid) on exit."""

    def __init__(
        self,
        *,
        database_url: str,
        workers: int = 4,
        log_path: Path | None = None,
        extra_args: Sequence[str] = (),
    ):
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.workers = workers
        self.database_url = database_url
        self.log_path = log_path or ROOT / ".run" / "bench-gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sirkel.settings.production",
            "SECRET_KEY": BENCH_SECRET_KEY,
            "DATABASE_URL": self.database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            # One loopback address sends all the load: the per-IP limits would answer 429.
            "RATE_LIMITS_ENABLED": "false",
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # closed in __exit__
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "sirkel.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                *self.extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _ = http_get(self.port, "/api/v1/listings?page_size=1")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")
        # Every worker imports the app lazily on its first request: touch them all.
        for _ in range(self.workers * 4):
            http_get(self.port, "/api/v1/listings?page_size=1")
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class LoadResult:
    rate: float
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    by_label: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    dropped: int = 0
    achieved_rate: float = 0.0
    late_starts: int = 0


def open_loop(
    port: int,
    requests: Sequence[tuple[str, str]],
    *,
    rate: float,
    duration_s: float,
    threads: int = 128,
    grace_s: float = 15.0,
) -> LoadResult:
    """Send GETs at a fixed rate (open loop: request i is due at start + i/rate whether or not
    earlier ones have answered), cycling through `requests` ((label, path) pairs). Latency is
    measured from the moment a request was due, so a server (or client) falling behind shows up
    as latency instead of silently lowering the rate (no coordinated omission). Requests still
    waiting to be sent `grace_s` after the last one was due are dropped and count as timeouts
    (infinite latency), so an overloaded server cannot make the run last forever."""
    total = max(1, int(rate * duration_s))
    result = LoadResult(rate=rate, duration_s=duration_s)
    lock = threading.Lock()
    done_at: list[float] = []
    start = time.perf_counter() + 0.05
    hard_deadline = start + duration_s + grace_s

    def fire(due: float, label: str, path: str) -> None:
        if time.perf_counter() > hard_deadline:
            with lock:
                result.latencies_ms.append(math.inf)
                result.by_label.setdefault(label, []).append(math.inf)
                result.dropped += 1
                result.errors += 1
            return
        try:
            status, _ = http_get(port, path, timeout=grace_s)
        except OSError:
            status = -1
        end = time.perf_counter()
        latency = (end - due) * 1000 if status != -1 else math.inf
        with lock:
            result.latencies_ms.append(latency)
            result.by_label.setdefault(label, []).append(latency)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != 200:
                result.errors += 1
            else:
                done_at.append(end)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.005:
                result.late_starts += 1
            label, path = requests[i % len(requests)]
            pool.submit(fire, due, label, path)
    elapsed = max(done_at) - start if done_at else duration_s
    result.achieved_rate = len(done_at) / elapsed if elapsed > 0 else float("nan")
    return result
