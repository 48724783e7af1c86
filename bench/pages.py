"""CMS pages benchmark: anonymous GET of the home page, a guide, the event index and the impact
dashboard through gunicorn (the production topology), with the demo data plus N listings.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/pages.py                  # N = 100,000 listings, a few minutes
    .venv/bin/python bench/pages.py --seconds 10     # shorter loads

It uses the search benchmark's database (`sirkel_bench`, or BENCH_DATABASE_URL whose name must
contain "bench"): its listings are seeded with bench/search.py's seeding (skipped when the same
N is already there), then `load_demo` adds the demo data (idempotent). Page types that do not
exist yet are skipped with a note and measured as soon as a demo page of that type exists (found
by page model name, the first live page of each type in the default language).

Measures, with the targets from the issue (20 concurrent clients, closed loop: each client sends
its next request when the previous one has answered, so latency includes waiting for a worker;
with every client always waiting, p50 is about 20 / throughput whatever the code):
- cached: the page cache on (cms/page_cache.py), warmed: p95 <= 15 ms; "cache hits" counts the
  answers with `X-Page-Cache: hit`;
- uncached: gunicorn started with PAGE_CACHE_SECONDS=0 (every request renders the page; the
  data and fragment caches of the live blocks, a minute each, stay on as for signed-in
  visitors): p95 <= 150 ms;
- CPU per request: gunicorn's (master and workers, from /proc) and the load generator's own
  (this process), so a run shows whether the client or the server used the CPUs. The client
  writes the request bytes on a fresh socket and reads to the end (gunicorn's sync workers
  close every connection, so there is no keep-alive to reuse): ~0.2 ms of CPU per request
  against 1.3 ms for gunicorn to answer a cached page, about a tenth of one CPU at 700/s;
- queries per page (in-process, Django's CaptureQueriesContext, the page cache off), warm (as the
  uncached load meets them) and cold (every cache empty: the fragments and the blocks' searches
  all run, at most once a minute): <= 20, and the
  same number before and after the listings are seeded (on a database that already holds the
  data set both counts are at N; tests/cms/test_page_cache.py asserts the count constant).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

CLIENTS = 20
TARGET_CACHED_P95 = 15.0
TARGET_UNCACHED_P95 = 150.0
TARGET_QUERIES = 20
# (label, page model class names that count as it)
PAGE_KINDS = [
    ("home page", ("HomePage",)),
    ("a guide", ("GuidePage",)),
    ("event index", ("EventIndexPage",)),
    ("impact dashboard", ("ImpactDashboardPage", "ImpactPage")),
]


def find_pages() -> tuple[list[tuple[str, str]], list[str]]:
    """(label, path) of the first live page of each kind in the default language; notes for the
    kinds that do not exist (yet)."""
    from wagtail.models import Locale, get_page_models

    models = {m.__name__: m for m in get_page_models()}
    default = Locale.get_default()
    found, notes = [], []
    for label, names in PAGE_KINDS:
        model = next((models[n] for n in names if n in models), None)
        if model is None:
            notes.append(f"skipped {label}: no page type {' / '.join(names)} in this code base yet")
            continue
        page = model.objects.live().public().filter(locale=default).order_by("path").first()
        url = page.get_url() if page else None
        if not url:
            notes.append(f"skipped {label}: no live {model.__name__} in the demo data")
            continue
        found.append((label, url))
    return found, notes


def query_counts(pages: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """(warm, cold) queries per anonymous GET with the page cache off, in-process. Warm: after a
    render, as the uncached load meets them (the page's fragments and its blocks' results kept,
    a minute each). Cold: every cache empty (a fresh local-memory cache, the processes' memories
    of routes, tree values and estimates forgotten): the fragments and the blocks' searches all
    run, as they do at most once a minute and after each publish."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from core.memo import forget_all

    settings.PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()

    def measured(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(captured)

    counts = {}
    for label, path in pages:
        client.get(path)
        warm = measured(path)
        # A local-memory cache is shared by its LOCATION within the process: a new one each time.
        fresh = f"cold-{time.perf_counter_ns()}"
        empty = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": fresh}}
        with override_settings(CACHES=empty):
            forget_all()
            cold = measured(path)
        counts[label] = (warm, cold)
    return counts


def raw_get(port: int, request: bytes) -> tuple[int, bytes]:
    """One GET on a fresh connection, as bytes on a socket: (status, head). gunicorn's sync
    workers close the connection after every response (no keep-alive), so the client reads to
    the end. Much less Python per request than http.client (no header parsing), so the load
    generator takes less of the two CPUs it shares with the server."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    head = data[: data.find(b"\r\n\r\n")]
    try:
        return int(head[9:12]), head
    except ValueError:
        return -1, head


def closed_loop(port: int, path: str, *, clients: int, seconds: float) -> tuple[list[float], dict]:
    """`clients` threads each GETting `path` back to back for `seconds`: latencies (ms), and
    counts of errors (not 200), page-cache hits and the load generator's own CPU time."""
    latencies: list[float] = []
    counts = {"errors": 0, "hits": 0}
    lock = threading.Lock()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                status, head = raw_get(port, request)
            except OSError:
                status, head = -1, b""
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                counts["errors"] += status != 200
                counts["hits"] += b"X-Page-Cache: hit" in head

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts["client_cpu_s"] = time.process_time() - cpu_before
    return latencies, counts


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children that have been waited for, and of
    its live children (gunicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def http_runs(url: str, pages, *, cached: bool, workers: int, seconds: float) -> dict[str, dict]:
    env_before = os.environ.get("PAGE_CACHE_SECONDS")
    os.environ["PAGE_CACHE_SECONDS"] = "300" if cached else "0"
    results = {}
    try:
        with common.Gunicorn(database_url=url, workers=workers) as server:
            for label, path in pages:
                for _ in range(workers * 3):  # warm every worker (and the cache)
                    common.http_get(server.port, path)
                server_cpu_before = process_cpu_seconds(server.process.pid)
                latencies, counts = closed_loop(server.port, path, clients=CLIENTS, seconds=seconds)
                server_cpu = process_cpu_seconds(server.process.pid) - server_cpu_before
                stats = common.summary(latencies)
                stats["rps"] = len(latencies) / seconds
                stats["errors"] = counts["errors"]
                stats["hits"] = counts["hits"]
                n = max(1, len(latencies))
                # CPU per request (ms) of the load generator and of gunicorn (all workers).
                stats["client_cpu_ms"] = counts["client_cpu_s"] * 1000 / n
                stats["server_cpu_ms"] = server_cpu * 1000 / n
                results[label] = stats
    finally:
        if env_before is None:
            os.environ.pop("PAGE_CACHE_SECONDS", None)
        else:
            os.environ["PAGE_CACHE_SECONDS"] = env_before
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="listings to seed (default 100,000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per page and mode (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    args = parser.parse_args()

    url = common.bench_database_url()
    common.ensure_database(url)
    common.setup_django(url)
    common.collect_static()  # the pages' stylesheets, as production names them
    import search  # bench/search.py: the same listings data set
    from django.core.management import call_command

    load_before = os.getloadavg()
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pages, notes = find_pages()
    for note in notes:
        print(note)
    if not pages:
        sys.exit("no page to measure")

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM marketplace_listing")
        before_rows = cur.fetchone()[0]
    counts_before = query_counts(pages)
    if search.seeded_marker() != search._marker(args.n):
        print(f"seeding {args.n:,} listings (bench/search.py) ...", flush=True)
        search.seed(args.n)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM marketplace_listing")
        rows = cur.fetchone()[0]
    counts = query_counts(pages)

    print(
        f"HTTP: gunicorn with {args.workers} workers, {CLIENTS} concurrent clients, {args.seconds:g} s a page"
    )
    print(f"queries per page at {before_rows:,} / {rows:,} listings: {counts_before} / {counts}", flush=True)
    cached = http_runs(url, pages, cached=True, workers=args.workers, seconds=args.seconds)
    print(f"cached: {cached}", flush=True)  # also printed as a table below
    try:
        uncached = http_runs(url, pages, cached=False, workers=args.workers, seconds=args.seconds)
    except RuntimeError as error:  # e.g. gunicorn slow to start on a loaded machine
        print(f"uncached run failed: {error}")
        nan = float("nan")
        uncached = {
            label: {
                "rps": nan,
                "p50": nan,
                "p95": nan,
                "p99": nan,
                "errors": "-",
                "hits": "-",
                "client_cpu_ms": nan,
                "server_cpu_ms": nan,
            }
            for label, _ in pages
        }

    print(f"\n{'=' * 90}\nPages benchmark: {rows:,} listings, database {url.rsplit('/', 1)[-1]}")
    print(
        f"load average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"
        f" ({os.cpu_count()} CPUs, shared with whatever else runs on this machine)"
    )
    for note in notes:
        print(f"  {note}")
    headers = [
        "page",
        "mode",
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "cache hits",
        "server CPU ms/req",
        "client CPU ms/req",
        "p95 vs target",
    ]
    table_rows = []
    for label, _ in pages:
        for mode, results, target in (
            ("cached", cached, TARGET_CACHED_P95),
            ("uncached", uncached, TARGET_UNCACHED_P95),
        ):
            r = results[label]
            table_rows.append(
                (
                    label,
                    mode,
                    r["rps"],
                    r["p50"],
                    r["p95"],
                    r["p99"],
                    r["errors"],
                    r["hits"],
                    r["server_cpu_ms"],
                    r["client_cpu_ms"],
                    common.verdict(r["p95"], target),
                )
            )
    print(common.table(headers, table_rows))
    print(f"\nQueries per page (uncached, in-process), warm / cold: {before_rows:,} listings vs {rows:,}")
    print("warm = as the uncached load meets them (fragments kept a minute); cold = every cache empty")
    query_rows = []
    for label, _ in pages:
        same = "same" if counts[label] == counts_before[label] else "DIFFERENT: FAIL"
        warm, cold = counts[label]
        query_rows.append(
            (
                label,
                "{} / {}".format(*counts_before[label]),
                f"{warm} / {cold}",
                same,
                common.verdict(warm, TARGET_QUERIES),
                f"{cold / TARGET_QUERIES:.2f}x",
            )
        )
    # The target is judged on the render the uncached load measures (warm); the cold figure says
    # what the minute's first render, or the first after a publish, costs on top.
    headers = ["page", f"at {before_rows:,}", f"at {rows:,}", "constant", "warm vs <= 20", "cold / 20"]
    print(common.table(headers, query_rows))


if __name__ == "__main__":
    main()
