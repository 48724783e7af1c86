"""Soak test: mixed traffic for a fixed time against two Daphne processes (HTTP and WebSockets,
production settings) and a task worker sharing PostgreSQL and Redis, on loopback only.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/soak.py                       # headline: 10 minutes, 100,000 listings
    .venv/bin/python bench/soak.py --duration 60 --warmup 15   # quick: about 3 minutes

It uses its own database (`sirkel_bench_soak` on the project's server, created if missing,
migrated if needed; or BENCH_DATABASE_URL, whose name must contain "bench"), seeded with the
other benchmarks' seeding: the listings of bench/search.py (skipped when the same N is there),
the lending hub, items and API-token users of bench/booking.py, and the chat users, sessions and
conversations of bench/chat.py (the lending and chat tables are emptied first).

Traffic, open loop (request i of a group is due at start + i/rate whatever happened before, and
its latency counts from when it was due), spread over both processes:
- browse: anonymous HTML pages (home, the giveaway list, a listing, lending, repair);
- search: `GET /api/v1/listings` with text and a place or point, the HTML list with text, and
  `GET /api/v1/items` with a free period;
- post: signed-in `POST /api/v1/listings` (API token);
- book: `POST /api/v1/items/{id}/reservations` for random periods of 100 items x 3 units
  (201 or 409 expected);
- chat: conversations with the two participants on different processes, messages sent at a
  fixed total rate over WebSockets; each must reach the other participant exactly once.

Reports throughput and p50/p95/p99 per group, status counts, 5xx and transport errors, chat
messages lost or duplicated, double bookings found by an independent SQL self-join, and the RSS
of every server process sampled every 5 s: growth from the end of the warm-up to the end.
Targets (the issue): zero 5xx, zero lost chat messages, zero double bookings, memory growth per
process < 10 % after warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common


def _bench_module(name: str):
    """Another benchmark script as a module, under a name that cannot shadow an app (bench/chat.py
    would hide the chat app from Django if imported as `chat`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


booking_bench = _bench_module("booking")
chat_bench = _bench_module("chat")
search_bench = _bench_module("search")

OSLO = ZoneInfo("Europe/Oslo")
TARGET_GROWTH = 0.10
PLACES = ["Sandvika", "Bekkestua", "Stabekk", "Lysaker", "Fornebu", "Høvik"]
WORDS = ["sykkel", "sofa", "barnevogn", "kajakk", "stol", "lampe", "ski", "bord", "jakke"]


# --- A minimal asyncio HTTP/1.1 client (one connection per request, like many browsers' first
# --- request; no third-party client is needed) -----------------------------------------------------


async def http(method: str, port: int, path: str, *, body=None, headers=None, timeout=30.0) -> int:
    """The response status (0 for a transport error or a timeout)."""
    data = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout)  # until the server closes
        finally:
            writer.close()
        return int(raw.split(b" ", 2)[1])
    except (OSError, TimeoutError, ValueError, IndexError):
        return 0


# --- Bookkeeping ---------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    measuring: bool = False

    def record(self, group: str, status: int, ms: float) -> None:
        if self.measuring:
            self.latencies[group].append(ms)
            self.statuses[group][status] += 1


@dataclass
class ChatState:
    sent: dict[str, float] = field(default_factory=dict)  # client_id -> when sent (measured only)
    delivered: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    closes: Counter = field(default_factory=Counter)


class Memory:
    """RSS of each server process every `every` seconds."""

    def __init__(self, processes: dict[str, int], every: float = 5.0):
        self.processes, self.every = processes, every
        self.samples: dict[str, list[tuple[float, float]]] = {name: [] for name in processes}

    async def run(self, t0: float) -> None:
        while True:
            for name, pid in self.processes.items():
                self.samples[name].append((time.monotonic() - t0, chat_bench.rss_mb(pid)))
            await asyncio.sleep(self.every)  # a sampling interval, not a wait for a condition

    def at(self, name: str, moment: float) -> float:
        """The first sample at or after `moment` seconds (else the last)."""
        for when, rss in self.samples[name]:
            if when >= moment:
                return rss
        return self.samples[name][-1][1]


# --- The traffic -----------------------------------------------------------------------------------------


def requests_of(group: str, seeded: dict, rng: random.Random):
    """(method, path, body, headers) for the next request of a group."""
    if group == "browse":
        path = rng.choice(
            ["/", "/gis-bort/", f"/gis-bort/{rng.choice(seeded['listings'])}/", "/laan/", "/reparasjon/"]
        )
        return "GET", path, None, {"Accept-Language": "nb"}
    if group == "search":
        word = rng.choice(WORDS)
        which = rng.random()
        if which < 0.5:
            return "GET", f"/api/v1/listings?q={word}&place={quote(rng.choice(PLACES))}&radius_km=5", None, {}
        if which < 0.8:
            return "GET", f"/gis-bort/?q={word}&near=59.91,10.60", None, {}
        day = (datetime.now(OSLO) + timedelta(days=rng.randint(1, 50))).date()
        return (
            "GET",
            f"/api/v1/items?available_from={day}&available_to={day + timedelta(days=2)}&near=59.896,10.627",
            None,
            {},
        )
    token = rng.choice(seeded["tokens"])
    auth = {"Authorization": f"Bearer {token}"}
    if group == "post":
        body = {
            "title": f"{rng.choice(WORDS).capitalize()} gis bort",
            "description": "Hentes i Sandvika. Soak-test.",
            "kind": "give",
            "category": rng.choice(seeded["categories"]),
            "condition": "good",
            "lat": 59.89 + rng.random() / 50,
            "lon": 10.52 + rng.random() / 20,
        }
        return "POST", "/api/v1/listings", body, auth
    # book
    now = datetime.now(OSLO).replace(minute=0, second=0, microsecond=0)
    start = now + timedelta(hours=rng.randint(2, 60 * 24))
    end = start + timedelta(hours=rng.randint(2, 5 * 24))
    item = rng.choice(seeded["contested"])
    body = {"start": start.isoformat(), "end": end.isoformat()}
    return "POST", f"/api/v1/items/{item}/reservations", body, auth


async def group_loop(group, rate, ports, seeded, results: Results, stop_at: float, rng) -> None:
    if rate <= 0:
        return
    start = time.monotonic()
    tasks = set()
    i = 0
    while True:
        due = start + i / rate
        if due >= stop_at:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)  # the schedule of an open-loop generator
        method, path, body, headers = requests_of(group, seeded, rng)
        port = ports[i % len(ports)]

        async def one(due=due, method=method, path=path, body=body, headers=headers, port=port):
            status = await http(method, port, path, body=body, headers=headers)
            results.record(group, status, (time.monotonic() - due) * 1000)

        task = asyncio.create_task(one())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        i += 1
    if tasks:
        await asyncio.gather(*tasks)


async def chat_loop(pairs, ports, rate, state: ChatState, results: Results, stop_at: float) -> list:
    from websockets.asyncio.client import connect

    sockets, readers = [], []

    async def reader(ws, user_id):
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "message" and frame["sender"]["id"] != user_id:
                    cid = frame.get("client_id")
                    if cid in state.sent:
                        state.delivered[cid] += 1
                        if state.delivered[cid] == 1:
                            state.latencies.append((time.monotonic() - state.sent[cid]) * 1000)
                elif frame.get("type") == "error":
                    state.errors[frame.get("code")] += 1
        except Exception:  # noqa: S110 (a dropped socket is counted by its close code)
            pass
        state.closes[str(ws.close_code)] += 1

    for pair in pairs:
        two = []
        for who in (pair.low, pair.high):
            base = f"127.0.0.1:{ports[who.server]}"
            ws = await connect(
                f"ws://{base}/ws/chat/{pair.conversation_id}/",
                origin=f"http://{base}",
                additional_headers={"Cookie": who.cookie},
                open_timeout=60,
                ping_interval=None,
            )
            readers.append(asyncio.create_task(reader(ws, who.user_id)))
            two.append(ws)
        sockets.append(two)
    start = time.monotonic()
    i = 0
    while True:
        due = start + i / rate
        if due >= stop_at:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)  # the schedule of an open-loop generator
        ws = sockets[i % len(sockets)][(i // len(sockets)) % 2]
        cid = str(uuid.uuid4())
        if results.measuring:
            state.sent[cid] = time.monotonic()
        try:
            await ws.send(json.dumps({"type": "message", "body": f"soak {i}", "client_id": cid}))
        except Exception:
            state.errors["send_failed"] += 1
        i += 1
    return sockets


# --- Set-up and report ---------------------------------------------------------------------------------


def seed_all(n_listings: int, chat_pairs: int, rng: random.Random) -> tuple[dict, list]:
    from catalog.models import Category
    from marketplace.models import Listing

    t = time.monotonic()
    if search_bench.seeded_marker() != search_bench._marker(n_listings):
        print(f"seeding {n_listings:,} listings ...", flush=True)
        search_bench.seed(n_listings)
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)  # the site's pages (home, guides), demo users and places
    lending = booking_bench.reset_and_seed(racers=200, catalogue=1000, rng=rng)
    pairs = chat_bench.seed(chat_pairs)
    seeded = {
        "tokens": lending["tokens"],
        "contested": lending["contested"],
        "listings": list(Listing.objects.order_by("?").values_list("pk", flat=True)[:500]),
        "categories": list(Category.objects.filter(parent__isnull=False).values_list("slug", flat=True)),
    }
    print(f"seeded in {time.monotonic() - t:.0f} s", flush=True)
    return seeded, pairs


class Worker:
    """`manage.py db_worker` with the servers' settings, stopped on exit."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self) -> Worker:
        self.log = open(common.ROOT / ".run" / "bench-soak-worker.log", "wb")  # closed in __exit__
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"], cwd=common.ROOT, env=self.env, stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


async def run(args, seeded, pairs, daphnes: chat_bench.Daphnes, worker: Worker) -> dict:
    rng = random.Random(5)
    results, chat = Results(), ChatState()
    processes = {f"daphne {i}": p.pid for i, p in enumerate(daphnes.processes)}
    processes["worker"] = worker.process.pid
    memory = Memory(processes)
    t0 = time.monotonic()
    sampler = asyncio.create_task(memory.run(t0))
    stop_at = t0 + args.warmup + args.duration
    rates = {"browse": args.browse_rate, "search": args.search_rate, "post": args.post_rate,
             "book": args.book_rate}  # fmt: skip

    async def measure_after_warmup():
        await asyncio.sleep(args.warmup)  # the warm-up's length
        results.measuring = True
        print(f"warm-up over; measuring for {args.duration:g} s ...", flush=True)

    warmup = asyncio.create_task(measure_after_warmup())
    cpu_before = {name: chat_bench.cpu_seconds(pid) for name, pid in processes.items()}
    loops = [group_loop(g, r, daphnes.ports, seeded, results, stop_at, random.Random(rng.random()))
             for g, r in rates.items()]  # fmt: skip
    loops.append(chat_loop(pairs, daphnes.ports, args.chat_rate, chat, results, stop_at))
    gathered = await asyncio.gather(*loops)
    sockets = gathered[-1] or []
    await asyncio.sleep(args.grace)  # late chat deliveries
    elapsed = time.monotonic() - t0
    cpu = {
        name: (chat_bench.cpu_seconds(pid) - cpu_before[name]) / elapsed * 100
        for name, pid in processes.items()
    }
    for two in sockets:
        for ws in two:
            await ws.close()
    sampler.cancel()
    await warmup
    return {"results": results, "chat": chat, "memory": memory, "cpu": cpu, "elapsed": elapsed}


def report(args, out: dict, overlaps: int, stored: tuple[int, int], load: tuple) -> None:
    p = common.percentile
    results: Results = out["results"]
    chat: ChatState = out["chat"]
    print("\n" + "=" * 96)
    print(
        f"Soak test, {args.duration:g} s measured after {args.warmup:g} s warm-up;"
        f" {args.listings:,} listings;"
        f" 2 Daphne processes + db_worker; load average before / after {load[0]:.2f} / {load[1]:.2f}"
        f" ({os.cpu_count()} CPUs, shared with the load generator, PostgreSQL and Redis)"
    )
    rows = []
    fives = 0
    transport = 0
    for group in ("browse", "search", "post", "book"):
        lat = results.latencies.get(group, [])
        statuses = results.statuses.get(group, Counter())
        fives += sum(n for s, n in statuses.items() if s >= 500)
        transport += statuses.get(0, 0)
        rows.append(
            (group, len(lat), f"{len(lat) / args.duration:.1f}", f"{p(lat, 50):.0f}", f"{p(lat, 95):.0f}",
             f"{p(lat, 99):.0f}", " ".join(f"{s}x{n}" for s, n in sorted(statuses.items())))
        )  # fmt: skip
    sent = len(chat.sent)
    lost = sum(1 for cid in chat.sent if chat.delivered[cid] == 0)
    dup = sum(1 for cid in chat.sent if chat.delivered[cid] > 1)
    rows.append(
        ("chat", sent, f"{sent / args.duration:.1f}", f"{p(chat.latencies, 50):.0f}",
         f"{p(chat.latencies, 95):.0f}", f"{p(chat.latencies, 99):.0f}",
         f"lost {lost}, duplicated {dup}, error frames {dict(chat.errors) or 0}")
    )  # fmt: skip
    print(common.table(["group", "requests", "per s", "p50 ms", "p95 ms", "p99 ms", "statuses"], rows))
    print(
        f"chat messages stored in PostgreSQL (all phases): {stored[0]:,} ({stored[1]:,} distinct client_ids)"
    )
    print("CPU over the run (% of one core): " + ", ".join(f"{k} {v:.0f} %" for k, v in out["cpu"].items()))
    memory: Memory = out["memory"]
    mem_rows = []
    growths = {}
    for name in memory.samples:
        start, end = memory.at(name, args.warmup), memory.samples[name][-1][1]
        peak = max(rss for _, rss in memory.samples[name])
        growths[name] = (end - start) / start if start else float("nan")
        first = memory.samples[name][0][1]
        mem_rows.append(
            (
                name,
                f"{first:.0f}",
                f"{start:.0f}",
                f"{end:.0f}",
                f"{peak:.0f}",
                f"{growths[name] * 100:+.1f} %",
            )
        )
    print(
        common.table(
            ["process", "RSS at start MB", "after warm-up", "at the end", "peak", "growth"], mem_rows
        )
    )
    verdicts = [
        ("5xx answers", 0, fives, "PASS" if fives == 0 else "FAIL"),
        ("transport errors / timeouts", 0, transport, "PASS" if transport == 0 else "FAIL"),
        ("chat messages lost", 0, lost, "PASS" if lost == 0 else "FAIL"),
        ("chat messages duplicated", 0, dup, "PASS" if dup == 0 else "FAIL"),
        ("double bookings (SQL self-join)", 0, overlaps, "PASS" if overlaps == 0 else "FAIL"),
    ]
    for name, growth in growths.items():
        verdicts.append(
            (f"RSS growth after warm-up, {name}", "< 10 %", f"{growth * 100:+.1f} %",
             "PASS" if growth < TARGET_GROWTH else "FAIL")
        )  # fmt: skip
    print(common.table(["measure", "target", "measured", "verdict"], verdicts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds measured (600)")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds of unmeasured traffic first (60)")
    parser.add_argument(
        "--grace", type=float, default=10.0, help="seconds to wait for late chat messages (10)"
    )
    parser.add_argument("--listings", type=int, default=100_000, help="listings in the database (100000)")
    parser.add_argument("--chat-pairs", type=int, default=100, help="conversations with both sides connected")
    parser.add_argument("--browse-rate", type=float, default=8.0, help="HTML pages per second (8)")
    parser.add_argument("--search-rate", type=float, default=8.0, help="searches per second (8)")
    parser.add_argument("--post-rate", type=float, default=0.5, help="new listings per second (0.5)")
    parser.add_argument("--book-rate", type=float, default=2.0, help="booking requests per second (2)")
    parser.add_argument("--chat-rate", type=float, default=10.0, help="chat messages per second (10)")
    args = parser.parse_args()
    chat_bench.raise_fd_limit(4 * args.chat_pairs + 2000)

    os.environ["SECRET_KEY"] = common.BENCH_SECRET_KEY  # tokens and sessions are the servers'
    url = common.bench_database_url("sirkel_bench_soak")
    common.ensure_database(url)
    common.setup_django(url)
    from django.conf import settings
    from django.db import connection

    load_before = os.getloadavg()[0]
    common.collect_static()
    seeded, pairs = seed_all(args.listings, args.chat_pairs, random.Random(3))
    connection.close()
    with chat_bench.Daphnes(database_url=url, redis_url=settings.REDIS_URL, handshake_timeout=60) as daphnes:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sirkel.settings.production",
            "DATABASE_URL": url,
            "REDIS_URL": settings.REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1",
            "CHANNEL_PREFIX": chat_bench.PREFIX,
            "CACHE_KEY_PREFIX": chat_bench.PREFIX,
            "LOG_LEVEL": "WARNING",
            # One loopback address sends all the load: the per-IP limits would answer 429.
            "RATE_LIMITS_ENABLED": "false",
        }
        with Worker(env) as worker:
            print(
                f"traffic for {args.warmup + args.duration:g} s on ports {daphnes.ports}"
                f" ({len(pairs)} chat conversations) ...",
                flush=True,
            )
            out = asyncio.run(run(args, seeded, pairs, daphnes, worker))
    overlaps = booking_bench.overlaps_by_sql()
    stored = chat_bench.messages_in_database()
    report(args, out, overlaps, stored, (load_before, os.getloadavg()[0]))


if __name__ == "__main__":
    main()
