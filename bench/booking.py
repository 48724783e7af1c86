"""Lending bookings under contention, through gunicorn (the production topology).

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/booking.py                 # about 2 minutes
    .venv/bin/python bench/booking.py --racers 50     # a smaller race

It uses its own database (`sirkel_bench_booking` on the project's server, created and migrated
if missing; or BENCH_DATABASE_URL, whose name must contain "bench") and empties its lending
tables first. Measures, with the targets from the issue:
1. the race: R concurrent POST /api/v1/items/{id}/reservations for overlapping periods of one
   single-unit item → exactly 1 × 201, R-1 × 409, 0 × 5xx; conflict answers p95 <= 50 ms;
2. 1,000 random bookings (16 clients in parallel) over 100 items × 3 units within 60 days → zero
   overlapping active bookings of a unit, by an independent SQL self-join; p95 booking latency;
3. the availability queries on a 10,000-item catalogue with ~30,000 bookings: GET
   /api/v1/items/{id}/availability and the "free from–to" item search, p95 <= 30 ms.
Latency is measured twice: by the client (from when the request was sent, so in the race it
includes waiting behind the other requests for one of the gunicorn workers) and by gunicorn's
access log (%(D)s, from when a worker took the request: the server's answer time).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

OSLO = ZoneInfo("Europe/Oslo")
ACCESS_LOG = common.ROOT / ".run" / "bench-booking-access.log"


def reset_and_seed(*, racers: int, catalogue: int, rng: random.Random) -> dict:
    """Empty the lending tables and seed: bench users with API tokens, a hub, the race item (one
    unit), 100 items × 3 units, and a catalogue of items with existing bookings."""
    from django.contrib.gis.geos import Point
    from django.db import connection

    from accounts.models import Profile, User
    from accounts.services import api_token_create
    from catalog.models import Category
    from sharing.models import Hub, Item, Reservation, Unit

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE sharing_reservation, sharing_unit, sharing_item, sharing_hubstaff, sharing_hub"
            " RESTART IDENTITY CASCADE"
        )
    User.objects.filter(email__endswith="@bench-booking.invalid").delete()
    users = User.objects.bulk_create(
        # "!" is Django's unusable password: these users cannot sign in.
        User(email=f"borrower{n:04d}@bench-booking.invalid", password="!")  # noqa: S106
        for n in range(max(racers, 200))
    )
    Profile.objects.bulk_create(Profile(user=u, display_name=f"Låner {n}") for n, u in enumerate(users))
    tokens = [api_token_create(user=u, name="bench")[1] for u in users]
    hub = Hub.objects.create(
        name="Bench-sentralen",
        slug="bench-sentralen",
        address="Benkveien 1",
        location=Point(10.627, 59.896, srid=4326),
        max_active_per_user=10_000,  # the bench books far more per person than the default 3
    )
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))

    def items(n: int, title: str, units: int) -> list[Item]:
        made = Item.objects.bulk_create(
            Item(
                hub=hub,
                title=f"{title} {i}",
                category_id=categories[i % len(categories)],
                max_loan_days=14,
                location=hub.location,
                public_location=hub.location,
            )
            for i in range(n)
        )
        Unit.objects.bulk_create(Unit(item=it, label=f"{it.title} #{u}") for it in made for u in range(units))
        return made

    race_item = items(1, "Kappløpskajakk", 1)[0]
    contested = items(100, "Elsykkel", 3)
    catalogue_items = items(catalogue, "Katalogting", 2)
    # Existing bookings in the catalogue: per unit, back-to-back-free sequences over 60 days.
    now = datetime.now(OSLO).replace(minute=0, second=0, microsecond=0)
    rows = []
    for unit_id in Unit.objects.filter(item__in=catalogue_items).values_list("pk", "item_id"):
        start = now + timedelta(hours=rng.randint(1, 72))
        while start < now + timedelta(days=60) and len(rows) < catalogue * 3:
            end = start + timedelta(hours=rng.randint(4, 96))
            rows.append(
                Reservation(
                    item_id=unit_id[1],
                    unit_id=unit_id[0],
                    borrower=users[len(rows) % len(users)],
                    start=start,
                    end=end,
                    status=Reservation.Status.CONFIRMED,
                )
            )
            start = end + timedelta(hours=rng.randint(0, 240))
    Reservation.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE sharing_item; ANALYZE sharing_unit; ANALYZE sharing_reservation")
    return {
        "tokens": tokens,
        "race_item": race_item.pk,
        "contested": [i.pk for i in contested],
        "catalogue": [i.pk for i in catalogue_items],
        "catalogue_bookings": len(rows),
        "seconds": time.perf_counter() - t0,
    }


def post_json(port: int, path: str, body: dict, token: str) -> tuple[int, float]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    status, _ = common.http_get(port, path, timeout=120)
    return status, (time.perf_counter() - started) * 1000


def access_log() -> list[tuple[str, int, float]]:
    """(path, status, server ms) per request from gunicorn's access log."""
    rows = []
    if ACCESS_LOG.exists():
        for line in ACCESS_LOG.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit():
                rows.append((parts[0], int(parts[1]), int(parts[2]) / 1000))
    return rows


def race(port: int, seeded: dict, racers: int) -> dict:
    """All racers want the one unit for periods that overlap each other; released together."""
    day = (datetime.now(OSLO) + timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    barrier = threading.Barrier(racers)
    path = f"/api/v1/items/{seeded['race_item']}/reservations"

    def one(i: int) -> tuple[int, float]:
        start = day + timedelta(minutes=i)
        body = {"start": start.isoformat(), "end": (start + timedelta(hours=6)).isoformat()}
        barrier.wait()
        return post_json(port, path, body, seeded["tokens"][i])

    with ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(one, range(racers)))
    return {"results": results}


def random_bookings(port: int, seeded: dict, n: int, rng: random.Random) -> list[tuple[int, float]]:
    now = datetime.now(OSLO).replace(minute=0, second=0, microsecond=0)
    jobs = []
    for i in range(n):
        start = now + timedelta(hours=rng.randint(2, 60 * 24))
        end = start + timedelta(hours=rng.randint(2, 5 * 24))
        item = rng.choice(seeded["contested"])
        jobs.append((item, start, end, seeded["tokens"][i % len(seeded["tokens"])]))

    def one(job):
        item, start, end, token = job
        return post_json(
            port,
            f"/api/v1/items/{item}/reservations",
            {"start": start.isoformat(), "end": end.isoformat()},
            token,
        )

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, jobs))


def overlaps_by_sql() -> int:
    """Independent of the constraint: pairs of active bookings of one unit whose periods overlap."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM sharing_reservation a JOIN sharing_reservation b"
            " ON a.unit_id = b.unit_id AND a.id < b.id"
            " AND a.start < b.end AND b.start < a.end"
            " WHERE a.status IN ('held', 'pending', 'confirmed', 'checked_out')"
            " AND b.status IN ('held', 'pending', 'confirmed', 'checked_out')"
        )
        return cur.fetchone()[0]


def availability(port: int, seeded: dict, n: int, rng: random.Random) -> dict[str, list[float]]:
    today = datetime.now(OSLO).date()
    out: dict[str, list[float]] = {"availability": [], "search": [], "selector": []}
    statuses = set()
    for _ in range(n):
        item = rng.choice(seeded["catalogue"])
        start = today + timedelta(days=rng.randint(0, 30))
        status, ms = get(
            port, f"/api/v1/items/{item}/availability?from={start}&to={start + timedelta(days=30)}"
        )
        statuses.add(status)
        out["availability"].append(ms)
        start = today + timedelta(days=rng.randint(1, 50))
        status, ms = get(
            port,
            f"/api/v1/items?available_from={start}&available_to={start + timedelta(days=2)}"
            "&near=59.896,10.627&radius_km=5",
        )
        statuses.add(status)
        out["search"].append(ms)
    from sharing.models import Item
    from sharing.selectors import busy_periods

    for _ in range(n):
        item = Item.objects.get(pk=rng.choice(seeded["catalogue"]))
        start = datetime.combine(today + timedelta(days=rng.randint(0, 30)), datetime.min.time(), OSLO)
        window = (item, start, start + timedelta(days=30))
        out["selector"].append(common.time_ms(lambda window=window: busy_periods(*window)))
    out["statuses"] = sorted(statuses)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--racers", type=int, default=200, help="concurrent requests for one unit (200)")
    parser.add_argument("--bookings", type=int, default=1000, help="random bookings (1000)")
    parser.add_argument("--catalogue", type=int, default=10_000, help="items in the catalogue (10000)")
    parser.add_argument("--queries", type=int, default=200, help="availability queries of each kind (200)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    args = parser.parse_args()

    url = common.bench_database_url("sirkel_bench_booking")
    os.environ["SECRET_KEY"] = common.BENCH_SECRET_KEY  # the API tokens must be gunicorn's
    common.ensure_database(url)
    common.setup_django(url)
    rng = random.Random(11)
    load_before = os.getloadavg()
    print("seeding ...", flush=True)
    seeded = reset_and_seed(racers=args.racers, catalogue=args.catalogue, rng=rng)
    print(
        f"seeded in {seeded['seconds']:.1f} s ({seeded['catalogue_bookings']:,} catalogue bookings)",
        flush=True,
    )

    ACCESS_LOG.unlink(missing_ok=True)
    log_args = ["--access-logfile", str(ACCESS_LOG), "--access-logformat", "%(U)s %(s)s %(D)s"]
    with common.Gunicorn(database_url=url, workers=args.workers, extra_args=log_args) as server:
        print(f"race: {args.racers} concurrent bookings of one unit ...", flush=True)
        raced = race(server.port, seeded, args.racers)
        print(f"{args.bookings} random bookings over 100 items x 3 units ...", flush=True)
        booked = random_bookings(server.port, seeded, args.bookings, rng)
        print(f"availability queries on {args.catalogue:,} items ...", flush=True)
        avail = availability(server.port, seeded, args.queries, rng)
    logged = access_log()

    race_statuses = [s for s, _ in raced["results"]]
    conflicts_client = [ms for s, ms in raced["results"] if s == 409]
    race_path = f"/api/v1/items/{seeded['race_item']}/reservations"
    conflicts_server = [ms for path, s, ms in logged if path == race_path and s == 409]
    booked_statuses = [s for s, _ in booked]
    server_booking = [ms for path, s, ms in logged if path.endswith("/reservations") and path != race_path]
    overlaps = overlaps_by_sql()
    p = common.percentile

    print(
        f"\n{'=' * 90}\nBooking benchmark, database {url.rsplit('/', 1)[-1]}, gunicorn {args.workers} workers"
    )
    print(
        f"load average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"
        f" ({os.cpu_count()} CPUs, shared with whatever else runs on this machine)"
    )
    count = {s: race_statuses.count(s) for s in sorted(set(race_statuses))}
    print(f"\nRace: {args.racers} requests for one unit, overlapping periods: statuses {count}")
    print(
        common.table(
            ["conflict answers (409)", "n", "p50", "p95", "p99", "max"],
            [
                ("client (incl. waiting for a worker)", len(conflicts_client), p(conflicts_client, 50),
                 p(conflicts_client, 95), p(conflicts_client, 99), max(conflicts_client, default=0)),
                ("server (gunicorn %(D)s)", len(conflicts_server), p(conflicts_server, 50),
                 p(conflicts_server, 95), p(conflicts_server, 99), max(conflicts_server, default=0)),
            ],
        )
    )  # fmt: skip
    count = {s: booked_statuses.count(s) for s in sorted(set(booked_statuses))}
    print(f"\nRandom bookings: {args.bookings} over 100 items x 3 units in 60 days: statuses {count}")
    by_status = {s: [ms for st, ms in booked if st == s] for s in set(booked_statuses)}
    rows = [(f"client, {s}", len(v), p(v, 50), p(v, 95), p(v, 99)) for s, v in sorted(by_status.items())]
    rows.append(
        (
            "server, all",
            len(server_booking),
            p(server_booking, 50),
            p(server_booking, 95),
            p(server_booking, 99),
        )
    )
    print(common.table(["booking latency (ms)", "n", "p50", "p95", "p99"], rows))
    print(f"overlapping active bookings of a unit (independent SQL self-join): {overlaps}")
    print(
        f"\nAvailability on {args.catalogue:,} items ({seeded['catalogue_bookings']:,} bookings);"
        f" statuses {avail['statuses']}"
    )
    rows = [
        (
            "GET /items/{id}/availability (30 days), client",
            *(p(avail["availability"], q) for q in (50, 95, 99)),
        ),
        ("GET /items?available_from&to + 5 km, client", *(p(avail["search"], q) for q in (50, 95, 99))),
        ("busy_periods selector, in-process", *(p(avail["selector"], q) for q in (50, 95, 99))),
    ]
    print(common.table(["query (ms)", "p50", "p95", "p99"], rows))

    five_xx = sum(1 for s in race_statuses + booked_statuses if s >= 500) + sum(
        1 for s in avail["statuses"] if s >= 500
    )
    print("\nAgainst the targets (baseline): ratio = measured / target, lower is better")
    checks = [
        ("race: exactly one 201", 1, race_statuses.count(201)),
        (f"race: {args.racers - 1} x 409", args.racers - 1, race_statuses.count(409)),
        ("5xx answers", 0, five_xx),
        ("race: 409 p95, server, ms", 50.0, p(conflicts_server, 95)),
        ("race: 409 p95, client incl. queueing, ms", 50.0, p(conflicts_client, 95)),
        ("random bookings: overlaps found by SQL", 0, overlaps),
        ("availability endpoint p95, ms", 30.0, p(avail["availability"], 95)),
        ("free-period item search p95, ms", 30.0, p(avail["search"], 95)),
    ]
    rows = []
    for name, target, value in checks:
        if isinstance(target, int) and not isinstance(target, bool) and isinstance(value, int):
            rows.append((name, target, value, "PASS" if value == target else "FAIL"))
        else:
            rows.append((name, target, value, common.verdict(value, target)))
    print(common.table(["measure", "target", "measured", "verdict"], rows))


if __name__ == "__main__":
    main()
