"""Real-time chat benchmark: two Daphne processes sharing Redis (RedisPubSubChannelLayer) against a
benchmark database; N WebSocket clients in N/2 conversations, the two participants of each
conversation connected to different processes; a fixed rate of messages for a fixed time; then a
reconnect storm of every client at once; then the same load through the channel layer alone
(raw group_send/receive, no Django) as the baseline.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/chat.py                                   # headline: 5,000 clients, 1,000/s, 60 s
    .venv/bin/python bench/chat.py --clients 200 --rate 100 --duration 10   # quick: ~1 minute

It uses its own database (`sirkel_bench_chat` on the project's server, created if missing,
migrated if needed; or BENCH_DATABASE_URL, whose name must contain "bench"). Each run empties the
chat tables and the sessions there and seeds bench users (`chat-NNNNN@bench.invalid`, unusable
passwords), their profiles, one direct conversation per pair and one real session per user, all by
bulk insert. The Daphne processes run `sirkel.settings.production` with their own channel and
cache prefixes, so the dev site sharing Redis is not disturbed.

Clients are `websockets` asyncio clients in `--loaders` processes (both participants of a
conversation in the same loader, so a message's send and receipt are timed on one clock). Each
authenticates with its session cookie and an Origin header like a browser.

Definitions:
- a delivery is a message frame received by the other participant (the sender also gets its own
  copy back, the "echo", which the web client shows as "sent"); deliveries/s is the target rate;
- latency is from just before the sender's `send` to the receipt of the delivery frame;
- lost: a sent message whose delivery never arrived (within --grace seconds after the last send);
  duplicated: a delivery that arrived more than once (by client_id);
- messages are sent open loop (message i is due at start + i/rate whatever happened before);
  "late sends" shows when the load generator itself could not keep up.

Targets (the issue): delivery latency p99 <= 25 ms, 0 lost, 0 duplicated, RSS <= 300 MB per Daphne
process at 1,000 deliveries/s for 60 s with 5,000 clients; a reconnect storm of all clients at
once with 0 errors. The baseline is the same load through the channel layer alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

TARGET_P99_MS = 25.0
TARGET_RSS_MB = 300.0
SECRET_KEY = common.BENCH_SECRET_KEY  # the servers' key: the seeded sessions are signed with it
PREFIX = "bench-chat"  # channel-layer and cache key prefix of the benchmark's Daphne processes
UNUSABLE = "!"  # what set_unusable_password() stores
CLK_TCK = os.sysconf("SC_CLK_TCK")
PROFILE_PATH = common.ROOT / ".run" / "bench-chat-profile-daphne-0.txt"
HISTORY = 20  # earlier messages per conversation, seeded
CPROFILE_PATH = common.ROOT / ".run" / "bench-chat-cprofile-daphne-0.pstats"


# --- Seeding (in the main process, with Django) --------------------------------------------------


@dataclass
class Participant:
    user_id: int
    cookie: str  # the Cookie header
    server: int  # which Daphne process (0 or 1)


@dataclass
class Pair:
    conversation_id: int
    low: Participant
    high: Participant


def seed(n_pairs: int) -> list[Pair]:
    """Empty the chat tables and sessions of the benchmark database, make sure 2 x n_pairs bench
    users with profiles exist, and give each pair a conversation and each user a session."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import Profile
    from chat.models import Conversation

    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(
            # CASCADE: whatever refers to a conversation (messages, read states, reports,
            # access logs, quote requests) goes too; the database's name says it is a bench's.
            "TRUNCATE chat_conversation, chat_block, django_session CASCADE"
        )
    emails = [f"chat-{i:05d}@bench.invalid" for i in range(2 * n_pairs)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [User(email=e, password=UNUSABLE, is_active=True) for e in emails if e not in existing],
        batch_size=2000,
    )
    users = {u.email: u for u in User.objects.filter(email__in=emails).only("pk", "email", "password")}
    with_profile = set(Profile.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    Profile.objects.bulk_create(
        [
            Profile(user_id=u.pk, display_name=f"Bench {u.email[5:10]}")
            for u in users.values()
            if u.pk not in with_profile
        ],
        batch_size=2000,
    )
    ordered = [users[e] for e in emails]
    pairs = [(ordered[2 * i], ordered[2 * i + 1]) for i in range(n_pairs)]
    conversations = Conversation.objects.bulk_create(
        [Conversation(user_low_id=min(a.pk, b.pk), user_high_id=max(a.pk, b.pk)) for a, b in pairs],
        batch_size=2000,
    )
    # Sessions the way django.contrib.auth.login() leaves them, signed with the servers' key.
    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    keys: dict[int, str] = {}
    sessions = []
    for user in ordered:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    Session.objects.bulk_create(sessions, batch_size=2000)
    with connection.cursor() as cursor:
        # A history, as a live site has: HISTORY messages per conversation from yesterday (no
        # client_id, so the counts below leave them out). On empty, never analysed tables the
        # planner's first plans scan whole tables, and a prepared statement keeps its plan until
        # autovacuum's next ANALYZE (up to a minute later): the store would scan every message.
        cursor.execute(
            """
            INSERT INTO chat_message (conversation_id, sender_id, kind, body, sent_at)
            SELECT c.id, CASE WHEN n %% 2 = 0 THEN c.user_low_id ELSE c.user_high_id END, 'text',
                   'Tidligere melding ' || n, now() - interval '1 day' + n * interval '1 second'
            FROM chat_conversation c CROSS JOIN generate_series(1, %s) n
            """,
            [HISTORY],
        )
        cursor.execute(
            "ANALYZE accounts_user, accounts_profile, chat_conversation, chat_message, django_session"
        )

    cookie = settings.SESSION_COOKIE_NAME
    result = []
    for i, conv in enumerate(conversations):
        low = Participant(conv.user_low_id, f"{cookie}={keys[conv.user_low_id]}", i % 2)
        high = Participant(conv.user_high_id, f"{cookie}={keys[conv.user_high_id]}", 1 - i % 2)
        result.append(Pair(conv.pk, low, high))
    return result


def messages_in_database() -> tuple[int, int]:
    """(messages, distinct client_ids) stored in the benchmark database, the history aside."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT client_id) FROM chat_message WHERE client_id IS NOT NULL"
        )
        return cursor.fetchone()


# --- Process metrics (/proc) ------------------------------------------------------------------


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU time of a process (plus its reaped children's, if asked)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLK_TCK


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def postgres_cpu_seconds() -> float:
    """CPU of the project's PostgreSQL: the postmaster with its reaped children plus the live ones."""
    pidfile = common.ROOT / ".run" / "pg" / "data" / "postmaster.pid"
    try:
        master = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")
    total = cpu_seconds(master, children=True)
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == master:
                total += cpu_seconds(int(proc.name))
    return total


def redis_pid() -> int | None:
    try:
        return int((common.ROOT / ".run" / "redis.pid").read_text().strip())
    except (OSError, ValueError):
        return None


class Meter:
    """CPU seconds of named processes between two points in time, and peak RSS sampled once a second."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))

    def snapshot(self) -> dict[str, float]:
        snap = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        snap["postgres"] = postgres_cpu_seconds()
        rpid = redis_pid()
        snap["redis"] = cpu_seconds(rpid) if rpid else float("nan")
        snap["_wall"] = time.monotonic()
        return snap

    @staticmethod
    def cpu_percent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        wall = after["_wall"] - before["_wall"]
        return {k: 100 * (after[k] - before[k]) / wall for k in before if k != "_wall"}

    def stop(self) -> None:
        self._stop.set()


# --- Daphne -------------------------------------------------------------------------------------


class Daphnes:
    """Two `daphne sirkel.asgi:application` processes (production settings) on free ports,
    stopped by their own pids on exit, whatever happens."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        count: int = 2,
        profile: bool = False,
        cprofile: bool = False,
        handshake_timeout: int = 30,
    ):
        self.profile = profile
        self.cprofile = cprofile
        self.handshake_timeout = handshake_timeout
        self.database_url = database_url
        self.redis_url = redis_url
        self.ports = [common.free_port() for _ in range(count)]
        self.processes: list[subprocess.Popen] = []
        self.logs = []

    def __enter__(self) -> Daphnes:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sirkel.settings.production",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CHANNEL_PREFIX": PREFIX,
            "CACHE_KEY_PREFIX": PREFIX,
            "LOG_LEVEL": "WARNING",
            # One loopback address sends all the load: the per-IP limits would answer 429.
            "RATE_LIMITS_ENABLED": "false",
        }
        try:
            for i, port in enumerate(self.ports):
                log_path = common.ROOT / ".run" / f"bench-chat-daphne-{i}.log"
                log = open(log_path, "wb")
                self.logs.append(log)
                command = [sys.executable, "-m", "daphne"]
                if self.profile and i == 0:  # every thread sampled; see bench/_sampler.py
                    command[1:1] = [str(Path(__file__).parent / "_sampler.py"), str(PROFILE_PATH)]
                elif self.cprofile and i == 0:  # the event loop's thread, where the chat work runs
                    command[1:1] = ["-m", "cProfile", "-o", str(CPROFILE_PATH)]
                self.processes.append(
                    subprocess.Popen(
                        [
                            *command,
                            "-b",
                            "127.0.0.1",
                            "-p",
                            str(port),
                            "--websocket_connect_timeout",
                            str(self.handshake_timeout),
                            "sirkel.asgi:application",
                        ],
                        cwd=common.ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            for i, port in enumerate(self.ports):
                self._wait_ready(i, port)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self, i: int, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[i].poll() is not None:
                raise RuntimeError(f"Daphne {i} exited; see .run/bench-chat-daphne-{i}.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)  # polling a starting process
        raise RuntimeError(f"Daphne {i} did not answer within {timeout} s")

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


# --- The load generator (one asyncio process per loader) ----------------------------------------


@dataclass(eq=False)
class Client:
    user_id: int
    url: str
    origin: str
    cookie: str
    ws: object = None
    reader: asyncio.Task | None = None
    last_id: int = 0
    close_code: int | None = None


@dataclass
class LoaderState:
    phase: str = "idle"
    sent: dict[str, tuple[float, int]] = field(default_factory=dict)  # client_id -> (time, sender)
    delivered: Counter = field(default_factory=Counter)
    echoed: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # send time of each latencies_ms entry
    echo_ms: list[float] = field(default_factory=list)
    first_delivery: float = 0.0
    last_delivery: float = 0.0
    error_frames: Counter = field(default_factory=Counter)
    send_failed: int = 0  # frames not sent: the socket was closed
    resumed: int = 0  # frames replayed by `resume` after the storm
    resumed_known: int = 0  # ... of messages this client had already received (would be duplicates)
    unexpected_closes: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)  # (user_id, message id) seen by a client

    def reset(self, phase: str) -> None:
        self.phase = phase
        self.sent.clear()
        self.delivered.clear()
        self.echoed.clear()
        self.latencies_ms.clear()
        self.sent_at.clear()
        self.echo_ms.clear()
        self.first_delivery = self.last_delivery = 0.0
        self.error_frames.clear()
        self.send_failed = 0
        self.unexpected_closes.clear()


def loader_process(spec: dict, conn) -> None:
    """Entry point of a loader process (multiprocessing, spawn)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    asyncio.run(_loader(spec, conn))


async def _loader(spec: dict, conn) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    loop = asyncio.get_running_loop()
    state = LoaderState()
    pairs: list[tuple[Client, Client]] = []
    for conversation_id, low, high in spec["pairs"]:
        two = []
        for user_id, cookie, server in (low, high):
            base = spec["servers"][server]
            two.append(Client(user_id, f"ws://{base}/ws/chat/{conversation_id}/", f"http://{base}", cookie))
        pairs.append((two[0], two[1]))
    clients = [c for pair in pairs for c in pair]

    async def read(client: Client) -> None:
        ws = client.ws
        try:
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message":
                    key = (client.user_id, frame["id"])
                    replay = state.phase == "resume"
                    if replay:
                        state.resumed += 1
                        state.resumed_known += key in state.seen
                    state.seen.add(key)
                    client.last_id = max(client.last_id, frame["id"])
                    cid = frame.get("client_id")
                    sent = state.sent.get(cid)
                    if sent is None:
                        continue
                    if frame["sender"]["id"] == client.user_id:
                        state.echoed[cid] += 1
                        if state.echoed[cid] == 1:
                            state.echo_ms.append((now - sent[0]) * 1000)
                    else:
                        state.delivered[cid] += 1
                        if state.delivered[cid] == 1:
                            state.latencies_ms.append((now - sent[0]) * 1000)
                            state.sent_at.append(sent[0])
                            state.first_delivery = state.first_delivery or now
                            state.last_delivery = now
                elif kind == "error":
                    state.error_frames[frame.get("code")] += 1
        except Exception:  # noqa: S110 (a dropped socket shows up as its close code below)
            pass
        client.close_code = ws.close_code
        if state.phase not in ("closing", "idle"):
            state.unexpected_closes[str(ws.close_code)] += 1

    async def open_one(client: Client, timeout: float, errors: Counter, times: list[float]) -> None:
        start = time.perf_counter()
        try:
            client.ws = await connect(
                client.url,
                origin=client.origin,
                additional_headers={"Cookie": client.cookie},
                open_timeout=timeout,
                ping_interval=None,  # the run is shorter than any idle timeout
                close_timeout=10,
                max_queue=None,
            )
        except Exception as error:
            status = getattr(getattr(error, "response", None), "status_code", None)
            errors[f"{type(error).__name__}{f' {status}' if status else ''}"] += 1
            client.ws = None
            return
        times.append((time.perf_counter() - start) * 1000)
        client.close_code = None
        client.reader = asyncio.create_task(read(client))

    async def open_all(timeout: float, concurrency: int | None) -> dict:
        errors: Counter = Counter()
        times: list[float] = []
        gate = asyncio.Semaphore(concurrency or len(clients))

        async def gated(client):
            async with gate:
                await open_one(client, timeout, errors, times)

        started = time.perf_counter()
        await asyncio.gather(*(gated(c) for c in clients))
        return {
            "errors": dict(errors),
            "connect_ms": times,
            "wall_s": time.perf_counter() - started,
        }

    async def wait_settled(grace: float) -> None:
        """Until every sent message has been delivered and echoed, or `grace` seconds."""
        deadline = time.perf_counter() + grace
        while time.perf_counter() < deadline:
            if len(state.delivered) >= len(state.sent) and len(state.echoed) >= len(state.sent):
                return
            await asyncio.sleep(0.05)

    async def send(sender: Client, n: int) -> None:
        cid = str(uuid.uuid4())
        state.sent[cid] = (time.perf_counter(), sender.user_id)
        try:
            await sender.ws.send(
                json.dumps({"type": "message", "body": f"Bench message {n}", "client_id": cid})
            )
        except ConnectionClosed:  # the server closed this socket: counted with its close code
            del state.sent[cid]
            state.send_failed += 1

    async def load(rate: float, duration: float, start_at: float, grace: float, phase: str) -> dict:
        state.reset(phase)
        live = [p for p in pairs if p[0].ws is not None and p[1].ws is not None]
        total = int(rate * duration)
        lags: list[float] = []
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        t0 = time.perf_counter()
        i = 0
        while i < total and live:
            due_now = min(total, int((time.perf_counter() - t0) * rate) + 1)
            while i < due_now:
                low, high = live[i % len(live)]
                sender = (low, high)[(i // len(live)) % 2]  # the participants take turns
                lags.append((time.perf_counter() - (t0 + i / rate)) * 1000)
                await send(sender, i)
                i += 1
            await asyncio.sleep(0.002)
        send_s = time.perf_counter() - t0
        await wait_settled(grace)
        return _load_result(state, lags, send_s, t0, live)

    async def one_each(grace: float) -> dict:
        """One message in every conversation (after the storm): do the sockets work?"""
        state.reset("verify")
        live = [p for p in pairs if p[0].ws is not None and p[1].ws is not None]
        t0 = time.perf_counter()
        for n, (low, _high) in enumerate(live):
            await send(low, n)
        await wait_settled(grace)
        return _load_result(state, [], time.perf_counter() - t0, t0, live)

    async def close_all() -> None:
        state.phase = "closing"
        await asyncio.gather(*(c.ws.close() for c in clients if c.ws is not None), return_exceptions=True)
        await asyncio.gather(*(c.reader for c in clients if c.reader is not None), return_exceptions=True)

    async def resume_all(wait_s: float) -> dict:
        state.phase = "resume"
        state.resumed = state.resumed_known = 0
        for c in clients:
            if c.ws is not None:
                await c.ws.send(json.dumps({"type": "resume", "after": c.last_id}))
        await asyncio.sleep(wait_s)
        state.phase = "idle"
        return {
            "resumed": state.resumed,
            "resumed_known": state.resumed_known,
            "closed": dict(state.unexpected_closes),
            "error_frames": dict(state.error_frames),
        }

    while True:
        command, args = await loop.run_in_executor(None, conn.recv)
        if command == "open":
            result = await open_all(**args)
        elif command == "load":
            result = await load(**args)
        elif command == "verify":
            result = await one_each(**args)
        elif command == "close":
            await close_all()
            result = {}
        elif command == "resume":
            result = await resume_all(**args)
        elif command == "stop":
            await close_all()
            conn.send({})
            return
        else:
            result = {"error": f"unknown command {command}"}
        conn.send(result)


def _load_result(state: LoaderState, lags, send_s, t0, live) -> dict:
    sent = set(state.sent)
    return {
        "pairs": len(live),
        "sent": len(sent),
        "send_s": send_s,
        "late_sends": sum(1 for lag in lags if lag > 10),
        "lag_p99_ms": common.percentile(lags, 99),
        "latencies_ms": state.latencies_ms,
        "send_offsets_s": [t - t0 for t in state.sent_at],
        "echo_ms": state.echo_ms,
        "lost": len(sent - set(state.delivered)),
        "duplicated": sum(1 for n in state.delivered.values() if n > 1),
        "echo_lost": len(sent - set(state.echoed)),
        "echo_duplicated": sum(1 for n in state.echoed.values() if n > 1),
        "delivery_window_s": (state.last_delivery - t0) if state.last_delivery else float("nan"),
        "error_frames": dict(state.error_frames),
        "closed": dict(state.unexpected_closes),
        "send_failed": state.send_failed,
    }


class Loaders:
    """`n` loader processes, each holding a share of the conversations (both participants)."""

    def __init__(self, pairs: list[Pair], servers: list[str], n: int):
        ctx = multiprocessing.get_context("spawn")
        self.processes = []
        self.conns = []
        for i in range(n):
            share = [
                (p.conversation_id, (p.low.user_id, p.low.cookie, p.low.server),
                 (p.high.user_id, p.high.cookie, p.high.server))
                for p in pairs[i::n]
            ]  # fmt: skip
            parent, child = ctx.Pipe()
            process = ctx.Process(target=loader_process, args=({"pairs": share, "servers": servers}, child))
            process.start()
            self.processes.append(process)
            self.conns.append(parent)

    def pids(self) -> dict[str, int]:
        return {f"loader {i}": p.pid for i, p in enumerate(self.processes)}

    def all(self, command: str, **args) -> list[dict]:
        """Send the command to every loader at once, return their answers."""
        for conn in self.conns:
            conn.send((command, args))
        return [conn.recv() for conn in self.conns]

    def stop(self) -> None:
        for conn, process in zip(self.conns, self.processes, strict=True):
            if process.is_alive():
                with contextlib.suppress(OSError, EOFError):
                    conn.send(("stop", {}))
        for process in self.processes:
            process.join(timeout=20)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            if process.is_alive():
                process.kill()


def merge(results: list[dict]) -> dict:
    """Sum the loaders' answers (lists concatenated, counters added)."""
    out: dict = {}
    for result in results:
        for key, value in result.items():
            if isinstance(value, list):
                out.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                counter = out.setdefault(key, Counter())
                counter.update(value)
            elif key in ("send_s", "delivery_window_s", "wall_s", "lag_p99_ms"):
                out[key] = max(out.get(key, value), value)
            else:
                out[key] = out.get(key, 0) + value
    return out


# --- Baseline: the channel layer alone ------------------------------------------------------------


def baseline_process(spec: dict, conn) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_baseline(spec, conn))


async def _baseline(spec: dict, conn) -> None:
    """One "server" of the baseline: a RedisPubSubChannelLayer with one channel per client of
    this side, each channel in its conversation's group; it sends this side's share of the
    messages with group_send and receives on every channel, as a Daphne process would."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    loop = asyncio.get_running_loop()
    layer = RedisPubSubChannelLayer(
        hosts=[{"address": spec["redis_url"], "max_connections": 500}], prefix=spec["prefix"]
    )
    side, n_pairs = spec["side"], spec["pairs"]
    received: Counter = Counter()
    latencies: list[float] = []
    echoes: Counter = Counter()

    async def listen(channel: str) -> None:
        while True:
            message = await layer.receive(channel)
            now = time.monotonic()  # CLOCK_MONOTONIC: one clock for the whole machine
            mid = message["frame"]["client_id"]
            if message["side"] == side:
                echoes[mid] += 1
            else:
                received[mid] += 1
                if received[mid] == 1:
                    latencies.append((now - message["sent"]) * 1000)

    channels = []
    for j in range(n_pairs):
        channel = await layer.new_channel()
        await layer.group_add(f"conversation.{j}", channel)
        channels.append(channel)
    readers = [asyncio.create_task(listen(c)) for c in channels]
    conn.send({"ready": True})

    _command, args = await loop.run_in_executor(None, conn.recv)
    rate, duration, start_at = args["rate"], args["duration"], args["start_at"]
    total = int(rate * duration)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    t0 = time.perf_counter()
    sent = []
    i = 0
    while i < total:
        due_now = min(total, int((time.perf_counter() - t0) * rate) + 1)
        while i < due_now:
            # The global message number is 2i + side; conversations and senders as in the real run.
            number = 2 * i + side
            mid = f"{side}-{i}"
            frame = {
                "type": "message", "id": number, "conversation": number % n_pairs,
                "sender": {"id": number, "display_name": "Bench"}, "kind": "text",
                "body": f"Bench message {number}", "sent_at": "2026-01-01T00:00:00+00:00",
                "client_id": mid,
            }  # fmt: skip
            await layer.group_send(
                f"conversation.{number % n_pairs}",
                {"type": "chat.message", "frame": frame, "side": side, "sent": time.monotonic()},
            )
            sent.append(mid)
            i += 1
        await asyncio.sleep(0.002)
    await asyncio.sleep(args["grace"])
    for task in readers:
        task.cancel()
    conn.send({"sent": sent, "received": dict(received), "latencies_ms": latencies, "echoes": dict(echoes)})
    await layer.flush()


def run_baseline(*, redis_url: str, n_pairs: int, rate: float, duration: float, grace: float) -> dict:
    ctx = multiprocessing.get_context("spawn")
    prefix = f"bench-raw-{uuid.uuid4().hex[:8]}"
    processes, conns = [], []
    try:
        for side in (0, 1):
            parent, child = ctx.Pipe()
            spec = {"redis_url": redis_url, "prefix": prefix, "side": side, "pairs": n_pairs}
            process = ctx.Process(target=baseline_process, args=(spec, child))
            process.start()
            processes.append(process)
            conns.append(parent)
        for conn in conns:
            conn.recv()
        meter = Meter({f"layer {i}": p.pid for i, p in enumerate(processes)})
        before = meter.snapshot()
        start_at = time.monotonic() + 1.0
        for conn in conns:
            conn.send(("go", {"rate": rate / 2, "duration": duration, "start_at": start_at, "grace": grace}))
        results = [conn.recv() for conn in conns]
        after = meter.snapshot()
        meter.stop()
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    latencies, lost, duplicated, echo_lost = [], 0, 0, 0
    for side in (0, 1):
        mine, other = results[side], results[1 - side]
        latencies += other["latencies_ms"]
        lost += sum(1 for mid in mine["sent"] if mid not in other["received"])
        duplicated += sum(1 for n in other["received"].values() if n > 1)
        echo_lost += sum(1 for mid in mine["sent"] if mid not in mine["echoes"])
    return {
        "sent": sum(len(r["sent"]) for r in results),
        "latencies_ms": latencies,
        "lost": lost,
        "duplicated": duplicated,
        "echo_lost": echo_lost,
        "cpu": Meter.cpu_percent(before, after),
    }


# --- Main -----------------------------------------------------------------------------------------


def raise_fd_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < needed:
        print(f"warning: open-file limit {want} is below the ~{needed} this run needs", flush=True)
    return want


def timeline(load: dict, slices: int = 6) -> str:
    """p50/p99 of the deliveries by the part of the run their message was sent in."""
    pairs = list(zip(load["send_offsets_s"], load["latencies_ms"], strict=True))
    if not pairs:
        return "-"
    span = max(offset for offset, _ in pairs) + 1e-9
    parts = []
    for i in range(slices):
        lo, hi = span * i / slices, span * (i + 1) / slices
        chunk = [lat for offset, lat in pairs if lo <= offset < hi]
        parts.append(
            f"{lo:.0f}-{hi:.0f} s {common.percentile(chunk, 50):.0f} / {common.percentile(chunk, 99):.0f}"
        )
    return ", ".join(parts)


def fmt_pct(p: dict) -> str:
    return ", ".join(f"{k} {v:.0f} %" for k, v in p.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5000, help="WebSocket clients, even (5000)")
    parser.add_argument("--rate", type=float, default=1000.0, help="deliveries per second in total (1000)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load (60)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured load first (5)")
    parser.add_argument("--loaders", type=int, default=2, help="load-generator processes (2)")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to wait for late deliveries (10)")
    parser.add_argument(
        "--connect-concurrency", type=int, default=100, help="handshakes in flight at first connect (100)"
    )
    parser.add_argument(
        "--storm-timeout", type=float, default=60.0, help="handshake timeout in the storm (60)"
    )
    parser.add_argument(
        "--handshake-timeout", type=int, default=30,
        help="Daphne's --websocket_connect_timeout: handshakes not accepted by then get 403 "
        "(30, as scripts/entrypoint.sh runs it; Daphne's own default is 5)",
    )  # fmt: skip
    parser.add_argument("--skip-storm", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--baseline-only", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help=f"sample every thread of Daphne 0 into {PROFILE_PATH.name}"
    )
    parser.add_argument(
        "--cprofile",
        action="store_true",
        help=f"cProfile Daphne 0's main thread (the event loop) into {CPROFILE_PATH.name}",
    )
    args = parser.parse_args()
    if args.clients < 2 or args.clients % 2:
        sys.exit("--clients must be an even number >= 2")
    n_pairs = args.clients // 2
    fd_limit = raise_fd_limit(args.clients + 1000)

    os.environ["SECRET_KEY"] = SECRET_KEY  # sessions are signed with the servers' key
    url = common.bench_database_url("sirkel_bench_chat")
    common.ensure_database(url)
    common.setup_django(url)
    from django.conf import settings
    from django.db import connection

    redis_url = settings.REDIS_URL
    load_before = os.getloadavg()
    started = time.monotonic()
    print(
        f"chat benchmark: {args.clients:,} clients in {n_pairs:,} conversations, {args.rate:g} deliveries/s"
        f" for {args.duration:g} s (+{args.warmup:g} s warm-up), {args.loaders} loader processes,"
        f" open-file limit {fd_limit}; load average {load_before[0]:.2f} {load_before[1]:.2f}"
        f" {load_before[2]:.2f} ({os.cpu_count()} CPUs)",
        flush=True,
    )
    out: dict = {}
    if not args.baseline_only:
        t = time.monotonic()
        pairs = seed(n_pairs)
        connection.close()
        print(
            f"seeded {2 * n_pairs:,} users, {n_pairs:,} conversations, sessions"
            f" in {time.monotonic() - t:.1f} s"
        )
        out = run_django(args, url, redis_url, pairs)
        out["stored"] = messages_in_database()
        connection.close()
    if not args.skip_baseline:
        print("baseline: the same load through RedisPubSubChannelLayer alone ...", flush=True)
        out["baseline"] = run_baseline(
            redis_url=redis_url, n_pairs=n_pairs, rate=args.rate, duration=args.duration, grace=args.grace
        )
    load_after = os.getloadavg()
    report(args, out, load_before, load_after, time.monotonic() - started, url)


def run_django(args, url: str, redis_url: str, pairs: list[Pair]) -> dict:
    out: dict = {}
    loaders = None
    with Daphnes(
        database_url=url,
        redis_url=redis_url,
        profile=args.profile,
        cprofile=args.cprofile,
        handshake_timeout=args.handshake_timeout,
    ) as daphnes:
        try:
            servers = [f"127.0.0.1:{port}" for port in daphnes.ports]
            loaders = Loaders(pairs, servers, args.loaders)
            pids = {f"daphne {i}": p.pid for i, p in enumerate(daphnes.processes)} | loaders.pids()
            meter = Meter(pids)
            daphne_names = [n for n in pids if n.startswith("daphne")]
            out["rss_idle"] = {n: rss_mb(pids[n]) for n in daphne_names}

            print(f"connecting {args.clients:,} clients ({args.connect_concurrency} at a time) ...",
                  flush=True)  # fmt: skip
            out["connect"] = merge(loaders.all("open", timeout=60.0, concurrency=args.connect_concurrency))
            out["rss_connected"] = {n: rss_mb(pids[n]) for n in daphne_names}
            if args.warmup:
                print(f"warm-up: {args.warmup:g} s ...", flush=True)
                warmup = merge(loaders.all("load", **_load_args(args, args.warmup, "warmup")))

            print(f"load: {args.rate:g} deliveries/s for {args.duration:g} s ...", flush=True)
            before = meter.snapshot()
            out["load"] = merge(loaders.all("load", **_load_args(args, args.duration, "load")))
            out["sent_all"] = out["load"]["sent"] + (warmup["sent"] if args.warmup else 0)
            after = meter.snapshot()
            out["cpu"] = Meter.cpu_percent(before, after)
            out["rss_loaded"] = {n: rss_mb(pids[n]) for n in daphne_names}
            out["rss_peak_load"] = {n: meter.peak[n] for n in daphne_names}

            if not args.skip_storm:
                print(
                    f"storm: closing all {args.clients:,} sockets, then all reconnect at once ...", flush=True
                )
                loaders.all("close")
                time.sleep(3)  # let the servers run their disconnect handlers
                before = meter.snapshot()
                out["storm"] = merge(loaders.all("open", timeout=args.storm_timeout, concurrency=None))
                out["storm_cpu"] = Meter.cpu_percent(before, meter.snapshot())
                out["resume"] = merge(loaders.all("resume", wait_s=3.0))
                out["verify"] = merge(loaders.all("verify", grace=args.grace))
                out["rss_storm"] = {n: rss_mb(pids[n]) for n in daphne_names}
            out["rss_peak"] = {n: max(meter.peak[n], rss_mb(pids[n], "VmHWM")) for n in daphne_names}
            meter.stop()
            out["servers_alive"] = all(p.poll() is None for p in daphnes.processes)
        finally:
            if loaders is not None:
                loaders.stop()
    return out


def _load_args(args, duration: float, phase: str) -> dict:
    return {
        "rate": args.rate / args.loaders,
        "duration": duration,
        "start_at": time.monotonic() + 0.5,
        "grace": args.grace,
        "phase": phase,
    }


def report(args, out: dict, load_before, load_after, elapsed: float, url: str) -> None:
    line = "=" * 100
    print(
        f"\n{line}\nChat benchmark, database {url.rsplit('/', 1)[-1]},"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(
        f"{args.clients:,} clients / {args.clients // 2:,} conversations, 2 Daphne processes, {args.loaders}"
        f" loader processes (websockets asyncio clients), target {args.rate:g} deliveries/s for"
        f" {args.duration:g} s"
    )
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in load_before)};"
        f" after: {' '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} CPUs, shared with the"
        f" load generator, PostgreSQL, Redis and whatever else runs here); {elapsed:.0f} s in all"
    )
    rows = []
    if "load" in out:
        c = out["connect"]
        print(
            f"\nconnect: {len(c['connect_ms']):,} connected in {c['wall_s']:.1f} s,"
            f" handshake p50 {common.percentile(c['connect_ms'], 50):.0f} ms"
            f" p99 {common.percentile(c['connect_ms'], 99):.0f} ms, errors: {dict(c['errors']) or 0}"
        )
        load = out["load"]
        lat = common.summary(load["latencies_ms"])
        echo = common.summary(load["echo_ms"])
        achieved = len(load["latencies_ms"]) / load["delivery_window_s"]
        print(
            f"load: {load['sent']:,} sent in {load['send_s']:.1f} s by {load['pairs']:,} conversations;"
            f" {len(load['latencies_ms']):,} delivered, achieved {achieved:.0f} deliveries/s;"
            f" late sends (>10 ms behind schedule) {load['late_sends']:,}, send lag p99"
            f" {load['lag_p99_ms']:.1f} ms"
        )
        print(
            f"      echo to the sender: p50 {echo['p50']:.1f} p95 {echo['p95']:.1f} p99 {echo['p99']:.1f} ms,"
            f" lost {load['echo_lost']}, duplicated {load['echo_duplicated']};"
            f" error frames {dict(load['error_frames']) or 0}; closed sockets {dict(load['closed']) or 0};"
            f" sends refused by a closed socket {load['send_failed']:,}"
        )
        print("      delivery latency by when the message was sent (p50 / p99 ms): " + timeline(load))
        stored, distinct = out["stored"]
        print(
            f"      messages stored in PostgreSQL by the end of the run (all phases): {stored:,}"
            f" ({distinct:,} distinct client_ids); sent in warm-up + load: {out['sent_all']:,}"
        )
        print("cpu during the load (% of one core): " + fmt_pct(out["cpu"]))
        for key, label in (
            ("rss_idle", "RSS before connecting"),
            ("rss_connected", "RSS connected, idle"),
            ("rss_loaded", "RSS after the load"),
            ("rss_storm", "RSS after the storm"),
            ("rss_peak", "RSS peak (VmHWM)"),
        ):
            if key in out:
                print(f"{label}: " + ", ".join(f"{n} {v:.0f} MB" for n, v in out[key].items()))
        rows += [
            ("delivery latency p50 (ms)", lat["p50"], "", ""),
            ("delivery latency p95 (ms)", lat["p95"], "", ""),
            (
                "delivery latency p99 (ms)",
                lat["p99"],
                TARGET_P99_MS,
                common.verdict(lat["p99"], TARGET_P99_MS),
            ),
            ("delivery latency max (ms)", lat["max"], "", ""),
            (
                "achieved deliveries/s",
                achieved,
                args.rate,
                "PASS" if achieved >= 0.99 * args.rate else "FAIL",
            ),
            (
                f"lost (not there {args.grace:g} s after)",
                load["lost"],
                0,
                "PASS" if not load["lost"] else "FAIL",
            ),
            ("duplicated", load["duplicated"], 0, "PASS" if load["duplicated"] == 0 else "FAIL"),
        ]
        for name, value in out["rss_peak"].items():
            rows.append((f"RSS peak {name} (MB)", value, TARGET_RSS_MB, common.verdict(value, TARGET_RSS_MB)))
    if "storm" in out:
        s, r, v = out["storm"], out["resume"], out["verify"]
        storm_errors = sum(s["errors"].values()) + sum(r["closed"].values()) + sum(r["error_frames"].values())
        print(
            f"\nstorm: {len(s['connect_ms']):,} reconnected in {s['wall_s']:.1f} s (all at once), handshake"
            f" p50 {common.percentile(s['connect_ms'], 50):.0f} ms"
            f" p99 {common.percentile(s['connect_ms'], 99):.0f}"
            f" ms max {max(s['connect_ms'], default=float('nan')):.0f} ms; errors {dict(s['errors']) or 0};"
            f" closed after connect {dict(r['closed']) or 0}; resume replayed {r['resumed']} frames"
            f" ({r['resumed_known']} already seen); cpu {fmt_pct(out['storm_cpu'])}"
        )
        print(
            f"after the storm, one message per conversation: {v['sent']:,} sent, lost {v['lost']},"
            f" duplicated {v['duplicated']}, latency p99 {common.percentile(v['latencies_ms'], 99):.1f} ms"
        )
        rows.append(("storm errors", storm_errors, 0, "PASS" if storm_errors == 0 else "FAIL"))
        verify_verdict = "n/a" if not v["sent"] else ("PASS" if v["lost"] == 0 else "FAIL")
        rows.append(("lost after the storm", v["lost"], 0, verify_verdict))
    if "baseline" in out:
        b = out["baseline"]
        blat = common.summary(b["latencies_ms"])
        print(
            f"\nbaseline (2 processes, RedisPubSubChannelLayer alone, group_send/receive):"
            f" {b['sent']:,} sent,"
            f" lost {b['lost']}, duplicated {b['duplicated']}, echo lost {b['echo_lost']};"
            f" p50 {blat['p50']:.2f} p95 {blat['p95']:.2f} p99 {blat['p99']:.2f} ms; cpu {fmt_pct(b['cpu'])}"
        )
        if "load" in out:
            lat = common.summary(out["load"]["latencies_ms"])
            for p in ("p50", "p95", "p99"):
                rows.append(
                    (f"{p}: Django / layer alone", lat[p] / blat[p], "", f"{lat[p]:.1f} / {blat[p]:.2f} ms")
                )
    if rows:
        print()
        print(common.table(["figure", "value", "target", "ratio"], rows))
    if "load" in out and not out.get("servers_alive", True):
        print("WARNING: a Daphne process died during the run; see .run/bench-chat-daphne-*.log")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted")
