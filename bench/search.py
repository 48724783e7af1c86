"""Listing search benchmark: seeds N active listings (dense town clusters in Oslo and Bærum,
Norwegian titles with common and rare words), then measures the search selector
(marketplace.selectors.listing_search) in-process, hand-written SQL for the same queries, and
`GET /api/v1/listings` through gunicorn (the production topology) at a fixed request rate.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/search.py --n 100000          # quick: about 10 minutes
    .venv/bin/python bench/search.py --n 1000000         # headline run: about 15-20 minutes

It uses its own database (`sirkel_bench` on the project's server, created if missing, migrated
if needed; or BENCH_DATABASE_URL, whose name must contain "bench"): the dev and test databases
are never touched. Seeding is skipped when the database already holds the same data set (same
N and seed version); `--reseed` forces it. `--skip-http` measures only in-process.

The selector chooses its access path per search (marketplace/selectors.py); the hand-written
variants below show what each path costs, so the choice can be checked against the best one.

Targets ("baseline") from the issue; the script prints each figure with its ratio to the target:
- radius only, nearest first: database p95 <= 5 ms; HTTP p95 <= 40 ms at 200 requests/s;
- radius + text in the densest area: selector p95 <= 40 ms for common and rare terms alike, and
  within 1.5x of the best hand-written SQL for the same query;
- HTTP mix at 50 requests/s: p95 <= 150 ms, p99 <= 300 ms; dense-area counts capped ("1000+");
- EXPLAIN shows the GiST (public_location) and GIN (search vector / trigram) indexes in use.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import math
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common

SEED_VERSION = 1
BENCH_USERS = 300
UNUSABLE = "!"  # what set_unusable_password() stores: nobody can log in as a bench user
TABLE = "marketplace_listing"

# --- The data set -------------------------------------------------------------------------------

# Oslo districts (centre of the built-up area, weight ~ population, spread in km).
OSLO = [
    ("Sentrum", 59.9133, 10.7389, 3, 0.6),
    ("Grünerløkka", 59.9236, 10.7590, 6, 0.7),
    ("Frogner", 59.9170, 10.7080, 6, 0.8),
    ("Majorstuen", 59.9290, 10.7170, 4, 0.6),
    ("St. Hanshaugen", 59.9270, 10.7410, 4, 0.6),
    ("Gamle Oslo", 59.9080, 10.7720, 5, 0.8),
    ("Sagene", 59.9370, 10.7530, 4, 0.7),
    ("Nordre Aker", 59.9500, 10.7600, 5, 1.0),
    ("Bjerke", 59.9380, 10.8100, 3, 0.9),
    ("Ullern", 59.9250, 10.6600, 3, 0.9),
    ("Vestre Aker", 59.9550, 10.6700, 5, 1.2),
    ("Nordstrand", 59.8650, 10.7950, 5, 1.1),
    ("Søndre Nordstrand", 59.8350, 10.8000, 4, 1.0),
    ("Østensjø", 59.8900, 10.8350, 5, 1.0),
    ("Alna", 59.9300, 10.8800, 5, 1.1),
    ("Grorud", 59.9610, 10.8800, 3, 0.8),
    ("Stovner", 59.9630, 10.9250, 3, 0.8),
]
# Other towns (a thinner layer, so the map is not only Oslo and Bærum).
OTHER_TOWNS = [
    ("Asker", 59.8331, 10.4350, 4, 1.5),
    ("Drammen", 59.7440, 10.2045, 5, 2.0),
    ("Lillestrøm", 59.9560, 11.0490, 3, 1.5),
    ("Ski", 59.7190, 10.8370, 2, 1.5),
    ("Moss", 59.4340, 10.6580, 2, 1.5),
    ("Fredrikstad", 59.2180, 10.9300, 3, 2.0),
    ("Tønsberg", 59.2670, 10.4080, 2, 1.5),
    ("Hamar", 60.7945, 11.0680, 2, 1.5),
    ("Bergen", 60.3913, 5.3221, 10, 3.0),
    ("Trondheim", 63.4305, 10.3951, 8, 3.0),
    ("Stavanger", 58.9690, 5.7331, 6, 2.5),
    ("Kristiansand", 58.1467, 7.9956, 4, 2.0),
]
# Shares of N: Oslo, Bærum (the gazetteer's places), other towns, scattered over the region.
SHARES = (0.42, 0.33, 0.13, 0.12)
REGION = (59.55, 60.25, 10.15, 11.25)  # lat min/max, lon min/max: greater Oslo

# Items: (word as written, category slug, weight, generic noun put in descriptions or "").
# Weights are relative; the resulting share of listings per word is printed (document frequency).
ITEMS = [
    # bikes: "sykkel" ends up in ~10 % of listings (title or description): the common term.
    ("Sykkel", "bicycles", 3.0, "sykkel"),
    ("Damesykkel", "bicycles", 1.5, "sykkel"),
    ("Herresykkel", "bicycles", 1.5, "sykkel"),
    ("Terrengsykkel", "bicycles", 0.8, "sykkel"),
    ("Barnesykkel", "childrens-bikes", 2.0, "sykkel"),
    ("Elsykkel", "e-bikes", 1.0, "sykkel"),
    ("Lastesykkel", "cargo-bikes", 0.3, "sykkel"),
    ("Sykkelhjelm", "bike-parts", 0.6, ""),
    ("Sykkelvogn", "bike-parts", 0.3, ""),
    ("Sykkelpumpe", "bike-parts", 0.2, ""),
    # furniture
    ("Sofa", "sofas", 2.5, "sofa"),
    ("Hjørnesofa", "sofas", 0.6, "sofa"),
    ("Lenestol", "sofas", 1.0, "stol"),
    ("Spisebord", "tables-chairs", 1.5, "bord"),
    ("Spisestoler", "tables-chairs", 1.5, "stol"),
    ("Sofabord", "tables-chairs", 0.8, "bord"),
    ("Seng", "beds", 1.2, ""),
    ("Madrass", "beds", 1.0, ""),
    ("Bokhylle", "storage", 1.2, "hylle"),
    ("Kommode", "storage", 1.0, ""),
    ("Garderobeskap", "storage", 0.6, "skap"),
    ("Skrivebord", "office-furniture", 1.0, "bord"),
    ("Kontorstol", "office-furniture", 0.8, "stol"),
    # clothes
    ("Vinterjakke", "outerwear", 2.0, "jakke"),
    ("Regnjakke", "outerwear", 1.0, "jakke"),
    ("Dunjakke", "outerwear", 0.8, "jakke"),
    ("Bukser", "mens-clothes", 1.0, ""),
    ("Dress", "mens-clothes", 0.4, ""),
    ("Kjole", "womens-clothes", 1.0, ""),
    ("Genser", "womens-clothes", 1.5, ""),
    ("Joggesko", "shoes", 1.5, "sko"),
    ("Støvler", "shoes", 1.0, "sko"),
    ("Ryggsekk", "bags-accessories", 0.8, ""),
    ("Håndveske", "bags-accessories", 0.6, ""),
    ("Armbåndsur", "watches-jewellery", 0.2, ""),
    # children
    ("Barnevogn", "prams-car-seats", 1.5, "vogn"),
    ("Bilstol", "prams-car-seats", 1.2, ""),
    ("Barneseng", "childrens-furniture", 0.8, "seng"),
    ("Tripp Trapp-stol", "childrens-furniture", 0.8, "stol"),
    ("Lego", "toys", 2.0, "leker"),
    ("Duplo", "toys", 0.8, "leker"),
    ("Dukkehus", "toys", 0.4, "leker"),
    ("Leker", "toys", 1.5, ""),
    ("Babyklær", "childrens-clothes", 1.5, "klær"),
    ("Babycall", "baby-equipment", 0.4, ""),
    # sports and outdoor
    ("Langrennsski", "skiing", 1.5, "ski"),
    ("Slalomski", "skiing", 0.8, "ski"),
    ("Skisko", "skiing", 0.6, "ski"),
    ("Snowboard", "skiing", 0.4, ""),
    ("Telt", "camping-hiking", 0.6, ""),
    ("Sovepose", "camping-hiking", 0.6, ""),
    ("Truger", "camping-hiking", 0.1, ""),
    ("Kajakk", "water-sports", 0.05, "padling"),  # the rare term (~0.05 %)
    ("Padlebrett", "water-sports", 0.15, "padling"),
    ("Fotball", "ball-sports", 0.5, ""),
    ("Manualer", "fitness", 0.5, "trening"),
    ("Treningsbenk", "fitness", 0.4, "trening"),
    # electronics
    ("Mobiltelefon", "phones-tablets", 1.0, "mobil"),
    ("iPhone", "phones-tablets", 0.8, "mobil"),
    ("Nettbrett", "phones-tablets", 0.8, ""),
    ("Bærbar PC", "computers", 1.2, "pc"),
    ("PC-skjerm", "computers", 0.8, "skjerm"),
    ("TV", "tv-audio", 1.2, ""),
    ("Høyttaler", "tv-audio", 0.6, ""),
    ("Hodetelefoner", "tv-audio", 0.6, ""),
    ("Platespiller", "tv-audio", 0.05, ""),  # rare
    ("PlayStation", "gaming", 0.6, "spill"),
    ("Kamera", "cameras", 0.4, ""),
    # white goods
    ("Vaskemaskin", "washing-machines", 1.2, ""),
    ("Tørketrommel", "washing-machines", 0.6, ""),
    ("Kjøleskap", "fridges-freezers", 1.2, ""),
    ("Fryser", "fridges-freezers", 0.6, ""),
    ("Oppvaskmaskin", "dishwashers", 0.8, ""),
    ("Komfyr", "stoves-ovens", 0.6, ""),
    # tools
    ("Drill", "power-tools", 1.0, "verktøy"),
    ("Sirkelsag", "power-tools", 0.4, "verktøy"),
    ("Høytrykkspyler", "power-tools", 0.6, ""),
    ("Verktøykasse", "hand-tools", 0.8, "verktøy"),
    ("Stige", "ladders", 0.8, ""),
    ("Terrassebord", "building-materials", 0.5, "materialer"),
    ("Maling", "building-materials", 0.6, ""),
    # garden
    ("Hagemøbler", "garden-furniture", 1.0, "hage"),
    ("Grill", "garden-furniture", 1.0, ""),
    ("Gressklipper", "lawn-mowers", 1.0, "hage"),
    ("Blomsterpotter", "plants-seeds", 0.8, "hage"),
    ("Stauder", "plants-seeds", 0.6, "hage"),
    ("Trillebår", "garden-tools", 0.5, "hage"),
    # books and media
    ("Bøker", "books", 2.0, ""),
    ("Kokebøker", "books", 0.5, "bøker"),
    ("Donald-blader", "comics", 0.8, "tegneserier"),
    ("Vinylplater", "music-vinyl", 0.8, "musikk"),
    ("DVD-filmer", "films", 0.8, "film"),
    # kitchen
    ("Kjøkkenutstyr", "kitchenware", 1.0, ""),
    ("Kaffetrakter", "small-appliances", 0.8, ""),
    ("Servise", "tableware", 1.0, ""),
    ("Vinglass", "tableware", 0.6, "glass"),
    ("Mikrobølgeovn", "small-appliances", 0.8, ""),
    ("Brødbakemaskin", "small-appliances", 0.1, ""),
    # interior
    ("Taklampe", "lamps", 0.8, "lampe"),
    ("Gulvlampe", "lamps", 0.8, "lampe"),
    ("Teppe", "textiles-rugs", 1.0, ""),
    ("Gardiner", "textiles-rugs", 0.8, ""),
    ("Speil", "mirrors-pictures", 0.8, ""),
    ("Bilder og rammer", "mirrors-pictures", 0.5, ""),
    # hobby
    ("Gitar", "instruments", 0.8, "instrument"),
    ("Piano", "instruments", 0.3, "instrument"),
    ("Trompet", "instruments", 0.01, "instrument"),  # very rare
    ("Symaskin", "crafts-sewing", 0.1, ""),  # rare
    ("Vevstol", "crafts-sewing", 0.003, ""),  # rarest: a few dozen in a million
    ("Strikkegarn", "crafts-sewing", 0.6, "garn"),
    ("Brettspill", "board-games", 1.0, "spill"),
    ("Puslespill", "board-games", 0.8, "spill"),
    # other
    ("Flyttesker", "other", 1.0, ""),
    ("Diverse småting", "other", 0.5, ""),
]
BRANDS = [
    "IKEA", "Bergans", "Helly Hansen", "Norrøna", "DBS", "Trek", "Samsung", "Apple", "Bosch",
    "Electrolux", "Makita", "Stokke", "Jøtul", "Bohus", "Fjällräven", "Madshus", "Sony", "Philips",
]  # fmt: skip
COLOURS = ["grå", "svart", "hvit", "blå", "rød", "grønn", "beige", "eik", "brun", "rosa"]
ADJECTIVES = ["Pent brukt", "Lite brukt", "Fin", "Stor", "Liten", "Eldre", "Nesten ny", "Gammel", "Solid"]
SENTENCES = [
    "Pent brukt og i god stand.",
    "Noe slitasje, men fungerer fint.",
    "Må hentes innen helgen.",
    "Røykfritt og dyrefritt hjem.",
    "Gis bort gratis til den som henter først.",
    "Kan leveres i nærheten.",
    "Selges ikke, gis bort til noen som trenger det.",
    "Har stått på loftet noen år.",
    "Rydder i boden og trenger plassen.",
    "Send melding hvis du er interessert.",
    "Ingen skader, bare litt støv.",
    "Passer fint på hytta.",
    "Barna har vokst fra den.",
    "Flytter og kan ikke ta med alt.",
]
ROOMS = ["stua", "barnerommet", "hytta", "kjøkkenet", "gangen", "kontoret", "boden"]
WANTS = ["kaffe og kake", "en flaske vin", "planter", "bøker", "barneklær", "hjelp med flytting"]


@dataclass
class Cluster:
    name: str
    lat: float
    lon: float
    weight: float
    spread_km: float
    area_id: int | None = None


@dataclass
class DataSet:
    clusters: list[Cluster]
    category_ids: dict[str, int]
    owner_ids: list[int]
    place_points: dict[str, tuple[float, float]] = field(default_factory=dict)


def _prepare(rng: random.Random) -> DataSet:
    from django.contrib.auth import get_user_model

    from catalog.models import Category
    from places.models import Place

    User = get_user_model()
    existing = set(User.objects.filter(email__endswith="@bench.invalid").values_list("email", flat=True))
    new = [
        User(email=f"bench-{i:04d}@bench.invalid", password=UNUSABLE, is_active=True)
        for i in range(BENCH_USERS)
        if f"bench-{i:04d}@bench.invalid" not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    owner_ids = list(User.objects.filter(email__endswith="@bench.invalid").values_list("pk", flat=True))

    category_ids = dict(Category.objects.values_list("slug", "pk"))
    missing = {slug for _, slug, _, _ in ITEMS} - category_ids.keys()
    if missing:
        sys.exit(f"Categories missing from the catalog (catalog/data/categories.json): {sorted(missing)}")

    clusters = [Cluster(n, la, lo, w, s) for n, la, lo, w, s in OSLO]
    for place in Place.objects.all():
        weight, spread = (6, 0.7) if place.kind == Place.Kind.TOWN_CENTRE else (3, 0.6)
        clusters.append(Cluster(place.name, place.lat, place.lon, weight, spread, area_id=place.pk))
    clusters += [Cluster(n, la, lo, w, s) for n, la, lo, w, s in OTHER_TOWNS]
    places = {p.name: (p.lat, p.lon) for p in Place.objects.all()}
    return DataSet(clusters=clusters, category_ids=category_ids, owner_ids=owner_ids, place_points=places)


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320.0, lon + east_m / (111_320.0 * math.cos(math.radians(lat)))


def _fuzz(rng: random.Random, lat: float, lon: float) -> tuple[float, float]:
    """What places.geo.fuzz_point does (40-100 % of 250 m in some direction), with a random
    instead of a keyed direction: the public point only has to differ from the exact one."""
    from places.geo import FUZZ_MIN_SHARE, FUZZ_RADIUS_M

    bearing = rng.random() * 2 * math.pi
    inner = FUZZ_MIN_SHARE**2
    dist = FUZZ_RADIUS_M * math.sqrt(inner + (1 - inner) * rng.random())
    return _offset(lat, lon, dist * math.cos(bearing), dist * math.sin(bearing))


def _lower(word: str) -> str:
    """ "Sofa" -> "sofa" inside a sentence; "TV", "PC-skjerm" and "iPhone" stay as they are."""
    return word if word[:2].isupper() or word[0].islower() else word[0].lower() + word[1:]


def _text(
    rng: random.Random, item: tuple[str, str, float, str], other: str, kind: str, place: str
) -> tuple[str, str, str]:
    word, _, _, generic = item
    lower = _lower(word)
    r = rng.random()
    if kind == "wanted":
        title = rng.choice([f"Ønskes: {lower}", f"Noen som har {lower}?", f"Trenger {lower}"])
    elif kind == "swap":
        title = f"Bytter {lower} mot {_lower(other)}"
    elif r < 0.35:
        title = word
    elif r < 0.6:
        title = f"{rng.choice(ADJECTIVES)} {lower}"
    elif r < 0.8:
        title = f"{word} fra {rng.choice(BRANDS)}"
    else:
        title = f"{word}, {rng.choice(COLOURS)}"
    sentences = rng.sample(SENTENCES, rng.randint(1, 3))
    if generic:
        sentences.insert(
            0, f"{rng.choice(['Fin', 'Grei', 'Solid', 'Pen'])} {generic} fra {rng.choice(BRANDS)}."
        )
    if rng.random() < 0.4:
        sentences.append(f"Passer fint i {rng.choice(ROOMS)}.")
    if rng.random() < 0.3:
        sentences.append(f"Hentes på {place}.")
    wants = rng.choice(WANTS) if kind == "swap" else ""
    return title[:100], " ".join(sentences), wants


COLUMNS = (
    "owner_id", "kind", "title", "description", "category_id", "condition", "wants", "pickup_notes",
    "location", "public_location", "fuzz_seed", "area_id", "status", "hidden_reason",
    "created_at", "updated_at", "published_at", "expires_at",
)  # fmt: skip


def _rows(n: int, data: DataSet, rng: random.Random):
    """COPY text-format lines for n listings (the generated search_vector fills itself)."""
    now = datetime.now(UTC)
    cluster_weights, clusters = [], []
    for share, group in zip(SHARES[:3], _groups(data.clusters), strict=True):
        total = sum(c.weight for c in group)
        for c in group:
            clusters.append(c)
            cluster_weights.append(share * c.weight / total)
    clusters.append(None)  # scattered over the region
    cluster_weights.append(SHARES[3])
    item_weights = [w for _, _, w, _ in ITEMS]
    conditions = ["as_new", "good", "good", "used", "used", "needs_repair"]
    picks_cluster = rng.choices(clusters, cluster_weights, k=n)
    picks_item = rng.choices(ITEMS, item_weights, k=n)
    picks_other = rng.choices(ITEMS, item_weights, k=n)  # what a swap asks for, as common as offered
    picks_kind = rng.choices(["give", "swap", "wanted"], [0.6, 0.25, 0.15], k=n)
    for i in range(n):
        cluster, item, kind = picks_cluster[i], picks_item[i], picks_kind[i]
        if cluster is None:
            lat = REGION[0] + rng.random() * (REGION[1] - REGION[0])
            lon = REGION[2] + rng.random() * (REGION[3] - REGION[2])
            area, place = "\\N", "Østlandet"
        else:
            lat, lon = _offset(
                cluster.lat,
                cluster.lon,
                rng.gauss(0, cluster.spread_km * 1000),
                rng.gauss(0, cluster.spread_km * 1000),
            )
            area = str(cluster.area_id) if cluster.area_id else "\\N"
            place = cluster.name
        plat, plon = _fuzz(rng, lat, lon)
        title, description, wants = _text(rng, item, picks_other[i][0], kind, place)
        published = now - timedelta(seconds=rng.random() * 60 * 86400)
        expires = now + timedelta(seconds=(1 + rng.random() * 29) * 86400)
        yield (
            "\t".join(
                (
                    str(rng.choice(data.owner_ids)),
                    kind,
                    title,
                    description,
                    str(data.category_ids[item[1]]),
                    "" if kind == "wanted" else rng.choice(conditions),
                    wants,
                    "",
                    f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
                    f"SRID=4326;POINT({plon:.6f} {plat:.6f})",
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    area,
                    "active",
                    "",
                    published.isoformat(),
                    published.isoformat(),
                    published.isoformat(),
                    expires.isoformat(),
                )
            )
            + "\n"
        )


def _groups(clusters: list[Cluster]) -> tuple[list[Cluster], list[Cluster], list[Cluster]]:
    oslo = {n for n, *_ in OSLO}
    towns = {n for n, *_ in OTHER_TOWNS}
    return (
        [c for c in clusters if c.name in oslo],
        [c for c in clusters if c.name not in oslo and c.name not in towns],
        [c for c in clusters if c.name in towns],
    )


def _marker(n: int) -> str:
    return f"bench-search n={n} v={SEED_VERSION}"


def seeded_marker() -> str | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT obj_description(%s::regclass, 'pg_class')", [TABLE])
        return cur.fetchone()[0]


def seed(n: int) -> dict[str, float]:
    """Truncate listings and COPY n new ones. Secondary indexes are dropped during the load and
    rebuilt afterwards from their own definitions (much faster than maintaining them row by
    row); foreign-key triggers are skipped for the load (session_replication_role) since every
    id comes from the tables just read. Ends with VACUUM ANALYZE."""
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    rng = random.Random(20_240_601 + n)
    t0 = time.perf_counter()
    call_command("load_places", verbosity=0)
    data = _prepare(rng)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
            [TABLE, "%_pkey"],
        )
        indexes = cur.fetchall()
        cur.execute(f"TRUNCATE {TABLE}, marketplace_listingimage RESTART IDENTITY CASCADE")
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET session_replication_role = replica")
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        t1 = time.perf_counter()
        with raw.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            buffer, size = io.StringIO(), 0
            for i, line in enumerate(_rows(n, data, rng), 1):
                buffer.write(line)
                size += 1
                if size == 20_000:
                    copy.write(buffer.getvalue())
                    buffer, size = io.StringIO(), 0
                if i % 200_000 == 0:
                    print(f"  copied {i:,} rows ({time.perf_counter() - t1:.0f} s)", flush=True)
            copy.write(buffer.getvalue())
        cur.execute("SET session_replication_role = DEFAULT")
        timings["copy_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            t = time.perf_counter()
            cur.execute(definition)
            timings[f"index {name}_s"] = time.perf_counter() - t
        timings["indexes_s"] = time.perf_counter() - t2
        cur.execute(f"COMMENT ON TABLE {TABLE} IS %s", [_marker(n)])
    t3 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {TABLE}")
    timings["vacuum_analyze_s"] = time.perf_counter() - t3
    timings["total_s"] = time.perf_counter() - t0
    return timings


# --- The queries --------------------------------------------------------------------------------

RADIUS_KM = 5.0
PAGE_SIZE = 20
COUNT_CAP = 1000
COMMON, RARE, RAREST = "sykkel", "kajakk", "vevstol"
CATEGORY, CATEGORY_TERM = "furniture", "sofa"
BAERUM_PLACES = ["Sandvika", "Bekkestua", "Stabekk", "Lysaker"]
TERMS = [COMMON, "sofa", "barnevogn", RARE, "symaskin", RAREST]


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    q: str = ""
    category: str = ""
    place: bool = False
    page: int = 1
    text_target: bool = False  # held to the radius + text targets (40 ms, 1.5x of raw SQL)
    http: bool = True  # part of the HTTP mix


CASES = [
    Case("radius", "radius 5 km, nearest first"),
    Case("common", f"radius + common term '{COMMON}'", q=COMMON, text_target=True),
    Case("rare", f"radius + rare term '{RARE}'", q=RARE, text_target=True),
    Case("rarest", f"radius + rarest term '{RAREST}'", q=RAREST, text_target=True),
    Case(
        "category", f"radius + category '{CATEGORY}' + '{CATEGORY_TERM}'", q=CATEGORY_TERM, category=CATEGORY
    ),
    Case("place", "place name (Bærum), nearest first", place=True),
    # A common word in a category it hardly occurs in: nearest-first walks find few matches.
    Case("mismatch", f"radius + category 'books' + '{COMMON}'", q=COMMON, category="books", http=False),
    Case("page5", "radius, nearest first, page 5", page=5),
]


def _density_centre() -> tuple[str, float, float, int]:
    """The cluster centre with the most listings within RADIUS_KM: the densest area."""
    from django.db import connection

    best = ("", 0.0, 0.0, -1)
    candidates = [(n, la, lo) for n, la, lo, *_ in OSLO]
    candidates += [(p, *pt) for p, pt in _place_points().items()]
    with connection.cursor() as cur:
        for name, lat, lon in candidates:
            box = "l.public_location && _st_expand(%(pt)s::geography, %(r)s)"
            cur.execute(  # the bounding box is close enough to rank the areas
                f"SELECT count(*) FROM {TABLE} l WHERE {box}",  # noqa: S608
                {"pt": _ewkt(lat, lon), "r": RADIUS_KM * 1000},
            )
            count = cur.fetchone()[0]
            if count > best[3]:
                best = (name, lat, lon, count)
    return best


def _place_points() -> dict[str, tuple[float, float]]:
    from places.models import Place

    return {p.name: (p.lat, p.lon) for p in Place.objects.all()}


def _spots(lat: float, lon: float, k: int = 8) -> list[tuple[float, float]]:
    """The densest centre and points around it (up to 800 m away), so repeated queries do not
    all hit exactly the same index pages."""
    rng = random.Random(7)
    spots = [(lat, lon)]
    for _ in range(k - 1):
        bearing, dist = rng.random() * 2 * math.pi, 200 + rng.random() * 600
        spots.append(_offset(lat, lon, dist * math.cos(bearing), dist * math.sin(bearing)))
    return spots


def _searches(case: Case, spots: list[tuple[float, float]]):
    from catalog.selectors import category_with_descendants
    from marketplace.selectors import ListingSearch
    from places.geo import GeoQuery, make_point, parse_geo_params

    cats = tuple(category_with_descendants(case.category)) if case.category else ()
    if case.place:
        geos = [parse_geo_params(place=name, radius_km=RADIUS_KM) for name in BAERUM_PLACES]
    else:
        geos = [GeoQuery(point=make_point(lat, lon), radius_km=RADIUS_KM) for lat, lon in spots]
    return [ListingSearch(q=case.q, category_ids=cats, geo=geo) for geo in geos]


# --- Hand-written SQL for the same queries --------------------------------------------------------
# Same filters and meaning as listing_search (active, not hidden, category ids, every word through
# the search vector or a title trigram, within the radius of the public point), nearest first,
# plus the images of the page (what the selector's prefetch fetches). The variants differ only
# in the access path they leave the planner:
#   knn         - walk the GiST index nearest first; every other condition checked per row;
#   text-first  - GIN (search vector, title trigrams) first, the radius checked per row, sorted;
#   planner     - everything indexable; the planner picks (with a radius it estimates well);
#   two-step    - knn over the nearest WINDOW listings; if they hold too few matches, text-first;
#   by-estimate - the planner's row estimate for the text decides: knn if common, else text-first.
# The radius is `&& _st_expand(...) AND _st_dwithin(...)`, which is what ST_DWithin expands to,
# but estimated from the column statistics: ST_DWithin on geography is estimated at ~10 rows
# whatever the radius holds, so the planner never walks the index nearest-first (see README).

GEO_BOX = (
    "{a}.public_location && _st_expand(%(pt)s::geography, %(r)s)"
    " AND _st_dwithin({a}.public_location, %(pt)s::geography, %(r)s, true)"
)
GEO_NO_INDEX = "(ST_DWithin({a}.public_location, %(pt)s::geography, %(r)s)) IS TRUE"
ORDER_KNN = "ORDER BY {a}.public_location <-> %(pt)s::geography"
PAGE_COLUMNS = (
    "l.id, l.owner_id, l.kind, l.title, l.description, l.category_id, l.condition, l.wants,"
    " l.pickup_notes, l.public_location, l.fuzz_seed, l.area_id, l.status, l.reserved_for_id,"
    " l.hidden_at, l.hidden_reason, l.created_at, l.updated_at, l.published_at, l.expires_at,"
    " l.reminded_at, l.completed_at, c.id, c.slug, c.name_nb, c.name_en, c.parent_id, c.sort_order,"
    " p.id, p.name, p.kind, p.point, p.search_key"
)
IMAGES_SQL = (
    "SELECT id, listing_id, position, alt_text, original, width, height, renditions, sha256, created_at"
    " FROM marketplace_listingimage WHERE listing_id = ANY(%(ids)s) ORDER BY position, id"
)
WINDOW = 1000
PAGE_VARIANTS = ("knn", "text-first", "planner", "two-step", "by-estimate")
COUNT_VARIANTS = ("knn", "text-first", "planner", "by-estimate")
TEXT_ONLY_VARIANTS = ("text-first", "two-step", "by-estimate")


def _ewkt(lat: float, lon: float) -> str:
    return f"SRID=4326;POINT({lon!r} {lat!r})"


def _text_sql(q: str, params: dict, a: str) -> list[str]:
    from core.search import SEARCH_CONFIG, query_words, word_tsquery

    parts = []
    params["cfg"] = SEARCH_CONFIG
    for j, word in enumerate(query_words(q)):
        params[f"tq{j}"], params[f"w{j}"] = word_tsquery(word), word
        parts.append(
            f"(numnode(to_tsquery(%(cfg)s::regconfig, %(tq{j})s)) = 0"
            f" OR {a}.search_vector @@ to_tsquery(%(cfg)s::regconfig, %(tq{j})s)"
            f" OR {a}.title %%> %(w{j})s)"
        )
    return parts


def _filters_sql(search, params: dict, *, a: str = "l", indexable: bool = True) -> str:
    """Everything but the radius. `indexable=False` wraps it in coalesce(..., false): no index can
    serve it, and the planner estimates it at half the rows (instead of multiplying the shares of
    correlated conditions such as "sofa" and "furniture"), so ORDER BY <-> LIMIT k walks the GiST
    index nearest-first and stops after k matches."""
    parts = [f"{a}.status = 'active'", f"{a}.hidden_at IS NULL"]
    if search.kind:
        params["kind"] = search.kind
        parts.append(f"{a}.kind = %(kind)s")
    if search.condition:
        params["cond"] = search.condition
        parts.append(f"{a}.condition = %(cond)s")
    if search.category_ids:
        params["cats"] = list(search.category_ids)
        parts.append(f"{a}.category_id = ANY(%(cats)s)")
    parts += _text_sql(search.q, params, a)
    where = " AND ".join(parts)
    return where if indexable else f"coalesce(({where}), false)"


def _params(search, **extra) -> dict:
    point = search.geo.point
    return {"pt": _ewkt(point.y, point.x), "r": search.geo.radius_km * 1000, **extra}


def _where(search, params: dict, access: str, a: str = "l") -> str:
    geo = (GEO_NO_INDEX if access == "text-first" else GEO_BOX).format(a=a)
    return f"{geo} AND {_filters_sql(search, params, a=a, indexable=access != 'knn')}"


def _page_sql(ids_sql: str) -> str:
    return (
        f"WITH ids AS ({ids_sql}) SELECT {PAGE_COLUMNS} FROM ids"  # noqa: S608 - no user text in SQL
        f" JOIN {TABLE} l ON l.id = ids.id JOIN catalog_category c ON c.id = l.category_id"
        " LEFT JOIN places_place p ON p.id = l.area_id ORDER BY ids.d"
    )


def raw_page_sql(search, access: str, offset: int) -> tuple[str, dict]:
    """One page, nearest first, through `access` (knn, text-first or planner)."""
    params = _params(search, lim=PAGE_SIZE, off=offset)
    ids = (
        f"SELECT l.id, l.public_location <-> %(pt)s::geography AS d FROM {TABLE} l"  # noqa: S608
        f" WHERE {_where(search, params, access)} {ORDER_KNN.format(a='l')} LIMIT %(lim)s OFFSET %(off)s"
    )
    return _page_sql(ids), params


def raw_window_sql(search, offset: int) -> tuple[str, dict]:
    """The first `offset + PAGE_SIZE` matches among the WINDOW nearest listings in the box."""
    params = _params(search, win=WINDOW, need=offset + PAGE_SIZE)
    box = "l.public_location && _st_expand(%(pt)s::geography, %(r)s)"
    ids = (
        "SELECT w.id, w.d FROM ("  # noqa: S608
        f" SELECT l.*, l.public_location <-> %(pt)s::geography AS d FROM {TABLE} l"
        f" WHERE {box} {ORDER_KNN.format(a='l')} LIMIT %(win)s) w"
        f" WHERE _st_dwithin(w.public_location, %(pt)s::geography, %(r)s, true)"
        f" AND {_filters_sql(search, params, a='w')} LIMIT %(need)s"
    )
    return _page_sql(ids), params


def raw_count_sql(search, access: str) -> tuple[str, dict]:
    """min(matches, COUNT_CAP + 1), like the capped paginator; knn walks nearest first."""
    params = _params(search, cap=COUNT_CAP + 1)
    order = ORDER_KNN.format(a="l") if access == "knn" else ""
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} l"  # noqa: S608
        f" WHERE {_where(search, params, access)} {order} LIMIT %(cap)s) s"
    )
    return sql, params


_RELTUPLES: dict[str, float] = {}


def text_is_common(search, *, need: int = PAGE_SIZE, factor: float = 4) -> bool:
    """The planner's estimate (EXPLAIN, no execution) of the text matches, or of the other
    conditions if there is no text, against the point where walking nearest-first stops paying:
    it visits ~need / share rows, text-first reads every match; walk when the estimate is at
    least sqrt(factor * need * rows in the table) (see _common_in_orm)."""
    if not (search.q or search.category_ids or search.kind or search.condition):
        return True
    if search.q:
        search = dataclasses.replace(search, category_ids=(), kind="", condition="")
    params: dict = {}
    plan = _run_sql(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} l WHERE {_filters_sql(search, params)}",  # noqa: S608
        params,
    )
    raw = plan[0][0]
    estimate = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]["Plan Rows"]
    return estimate >= math.sqrt(factor * need * _reltuples())


def _reltuples() -> float:
    if "n" not in _RELTUPLES:
        _RELTUPLES["n"] = max(
            1.0, _run_sql("SELECT reltuples FROM pg_class WHERE relname = %s", [TABLE])[0][0]
        )
    return _RELTUPLES["n"]


def _images(rows: list[tuple]) -> None:
    if rows:
        _run_sql(IMAGES_SQL, {"ids": [r[0] for r in rows]})


def raw_page(search, variant: str, offset: int) -> list[tuple]:
    """Run one hand-written variant for a page: listings rows and their images."""
    if variant == "two-step":
        rows = _run_sql(*raw_window_sql(search, offset))
        if len(rows) >= offset + PAGE_SIZE:
            rows = rows[offset:]
        else:
            rows = _run_sql(*raw_page_sql(search, "text-first", offset))
    elif variant == "by-estimate":
        access = "knn" if text_is_common(search, need=offset + PAGE_SIZE) else "text-first"
        rows = _run_sql(*raw_page_sql(search, access, offset))
    else:
        rows = _run_sql(*raw_page_sql(search, variant, offset))
    _images(rows)
    return rows


def raw_count(search, variant: str) -> int:
    if variant == "by-estimate":
        variant = "knn" if text_is_common(search, need=COUNT_CAP + 1, factor=20) else "text-first"
    return _run_sql(*raw_count_sql(search, variant))[0][0]


# --- In-process measurements ----------------------------------------------------------------------


def _executed_sql(fn) -> list[str]:
    """The SQL statements `fn` sends, exactly as sent (captured once, not while timing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries]


def _run_sql(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def explain(sql: str, params=None) -> str:
    rows = _run_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return "\n".join(r[0] for r in rows)


def indexes_in(plan: str) -> list[str]:
    import re

    names = re.findall(
        r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)", plan
    )
    return sorted(set(names))


def _kind_of_index(name: str) -> str:
    if "public_location" in name:
        return "GiST"
    if name in ("listing_search_gin", "listing_title_trgm"):
        return "GIN"
    return "btree"


def measure(fn, count: int, *, iterations: int, budget_s: float, warmup: int = 2) -> list[float]:
    """Milliseconds per call of fn(i), cycling i over `count` inputs; stops after `iterations`
    calls or `budget_s` seconds (at least 3 calls; one warm-up call only if it was slow)."""
    for i in range(warmup):
        if common.time_ms(lambda i=i: fn(i % count)) > 1000:
            break
    times: list[float] = []
    start = time.perf_counter()
    i = 0
    while i < iterations and (i < 3 or time.perf_counter() - start < budget_s):
        k = i % count
        times.append(common.time_ms(lambda k=k: fn(k)))
        i += 1
    return times


@dataclass
class CaseResult:
    case: Case
    timings: dict[str, list[float]] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    count: tuple[int, bool] = (0, False)
    page_rows: int = 0
    mismatches: list[str] = field(default_factory=list)

    def p95(self, key: str) -> float:
        return common.percentile(self.timings.get(key, []), 95)

    def _best(self, prefix: str, variants) -> tuple[str, float]:
        options = [(v, self.p95(f"{prefix} {v}")) for v in variants if f"{prefix} {v}" in self.timings]
        return min(options, key=lambda o: o[1]) if options else ("-", float("nan"))

    def best_raw(self) -> tuple[str, float]:
        return self._best("raw", PAGE_VARIANTS)

    def best_count(self) -> tuple[str, float]:
        return self._best("count", COUNT_VARIANTS)


def measure_case(case: Case, spots, *, iterations: int, budget_s: float, plans: bool) -> CaseResult:
    from marketplace.selectors import listing_search, listing_search_count

    searches = _searches(case, spots)
    offset = (case.page - 1) * PAGE_SIZE
    result = CaseResult(case)
    n = len(searches)
    page_variants = [v for v in PAGE_VARIANTS if case.q or v not in TEXT_ONLY_VARIANTS]
    count_variants = [v for v in COUNT_VARIANTS if case.q or v not in TEXT_ONLY_VARIANTS]

    def page(i):
        return list(listing_search(searches[i])[offset : offset + PAGE_SIZE])

    def count(i):  # counted afresh each time: the remembered "1000+" is measured separately
        return listing_search_count(searches[i], remember=False)

    def remembered_count(i):
        return listing_search_count(searches[i])

    def timed(key, fn):
        result.timings[key] = measure(fn, n, iterations=iterations, budget_s=budget_s)

    # The statements the selector sends, captured once per input: any access-path probe or estimate
    # it does not remember yet, the slice (one statement with the rows, categories, areas and cover
    # photos; a second and third only when a nearest-first window falls short); the count.
    # (GeoDjango may look up spatial_ref_sys the first time: not part of the search.)
    page(0), count(0)
    page_sql = [_executed_sql(lambda i=i: page(i)) for i in range(n)]
    count_sql = [_executed_sql(lambda i=i: count(i)) for i in range(n)]

    def run_all(statements):
        for statement in statements:
            _run_sql(statement)

    # Same answers? Every variant against the selector, for every input.
    result.count = count(0)
    for i in range(min(n, 2)):
        expected = [obj.pk for obj in page(i)]
        expected_count = min(count(i)[0], COUNT_CAP)
        result.page_rows = result.page_rows or len(expected)
        for v in page_variants:
            ids = [row[0] for row in raw_page(searches[i], v, offset)]
            if ids != expected:
                result.mismatches.append(f"page {v}, input {i}: {ids[:4]}... != {expected[:4]}...")
        for v in count_variants:
            got = min(raw_count(searches[i], v), COUNT_CAP)
            if got != expected_count:
                result.mismatches.append(f"count {v}, input {i}: {got} != {expected_count}")

    timed("selector", page)
    timed("selector count", count)
    timed("remembered count", remembered_count)
    timed("orm sql", lambda i: run_all(page_sql[i]))
    timed("orm count sql", lambda i: run_all(count_sql[i]))
    for v in page_variants:
        timed(f"raw {v}", lambda i, v=v: raw_page(searches[i], v, offset))
    for v in count_variants:
        timed(f"count {v}", lambda i, v=v: raw_count(searches[i], v))
    if plans:
        best = result.best_raw()[0]
        access = best if best in ("knn", "text-first", "planner") else "knn"
        if best == "by-estimate" and case.q and not text_is_common(searches[0]):
            access = "text-first"
        result.plans[f"hand-written page SQL ({access})"] = explain(
            *raw_page_sql(searches[0], access, offset)
        )
        main_page = next(q for q in page_sql[0] if ") page JOIN " in q)  # the slice's one statement
        result.plans["selector page (ORM SQL)"] = explain(main_page)
        result.plans["selector count (ORM SQL)"] = explain(next(q for q in count_sql[0] if "COUNT(" in q))
    return result


def data_profile(centre: tuple[str, float, float, int]) -> list[tuple]:
    """Document frequency of the benchmark's terms, in the table and within the dense radius."""
    from core.search import SEARCH_CONFIG, word_tsquery

    rows = []
    params = {"pt": _ewkt(centre[1], centre[2]), "r": RADIUS_KM * 1000, "cfg": SEARCH_CONFIG}
    total = _run_sql(f"SELECT count(*) FROM {TABLE}")[0][0]  # noqa: S608
    for term in TERMS:
        params["tq"], params["w"] = word_tsquery(term), term
        match = "(l.search_vector @@ to_tsquery(%(cfg)s::regconfig, %(tq)s) OR l.title %%> %(w)s)"
        everywhere, near = _run_sql(
            f"SELECT count(*), count(*) FILTER (WHERE {GEO_BOX.format(a='l')})"  # noqa: S608
            f" FROM {TABLE} l WHERE {match}",
            params,
        )[0]
        rows.append((term, everywhere, 100 * everywhere / total, near))
    return rows


# --- HTTP through gunicorn ------------------------------------------------------------------------


def _path(case: Case, spots, i: int) -> str:
    params: dict[str, str] = {}
    if case.place:
        params["place"] = BAERUM_PLACES[i % len(BAERUM_PLACES)]
    else:
        lat, lon = spots[i % len(spots)]
        params["near"] = f"{lat:.5f},{lon:.5f}"
    params["radius_km"] = f"{RADIUS_KM:g}"
    if case.q:
        params["q"] = case.q
    if case.category:
        params["category"] = case.category
    if case.page > 1:
        params["page"] = str(case.page)
    return "/api/v1/listings?" + urlencode(params)


def http_checks(port: int, spots) -> list[tuple]:
    """One request per case: status, count, whether the count is capped, rows on the page."""
    rows = []
    for case in CASES:
        if not case.http:
            continue
        status, body = common.http_get(port, _path(case, spots, 0))
        data = json.loads(body) if status == 200 else {}
        count = data.get("count", "-")
        shown = f"{count}+" if data.get("count_capped") else str(count)
        rows.append((case.key, status, shown, len(data.get("results", []))))
    return rows


def http_load(
    url: str,
    spots,
    *,
    workers: int,
    radius_rate: float,
    mix_rate: float,
    seconds: float,
):
    radius_case = CASES[0]
    radius_requests = [(radius_case.key, _path(radius_case, spots, i)) for i in range(len(spots))]
    # The mix: every case in turn, each cycling through its own inputs.
    mix_requests = [(c.key, _path(c, spots, i)) for i in range(len(spots)) for c in CASES if c.http]
    loads = {}
    # A fresh server per load: an overloaded one would otherwise still be working through the
    # previous load's backlog.
    for name, requests, rate in (("radius", radius_requests, radius_rate), ("mix", mix_requests, mix_rate)):
        with common.Gunicorn(database_url=url, workers=workers) as server:
            if name == "radius":
                checks = http_checks(server.port, spots)
            common.open_loop(server.port, requests, rate=min(rate, 50), duration_s=3)  # warm-up, not counted
            loads[name] = common.open_loop(server.port, requests, rate=rate, duration_s=seconds)
    return checks, loads["radius"], loads["mix"]


# --- Report -----------------------------------------------------------------------------------------


def _p(values, p):
    return common.percentile(values, p)


def report_in_process(results: list[CaseResult]) -> None:
    print("\nIn-process (ms). sel = listing_search: list(results[:20]) incl. choosing the access path and")
    print("building the listings with their cover photos; count = the capped count counted afresh (the API")
    print("remembers a '1000+' for 60 s: 'remembered'); SQL = the statements they send, run directly.")
    rows = []
    for r in results:
        t = r.timings
        count = f"{r.count[0]}{'+' if r.count[1] else ''}"
        rows.append(
            (r.case.label, r.page_rows, count, _p(t["selector"], 50), _p(t["selector"], 95),
             _p(t["orm sql"], 95), _p(t["selector count"], 95), _p(t["orm count sql"], 95),
             _p(t["remembered count"], 95))
        )  # fmt: skip
    print(
        common.table(
            ["query", "rows", "count", "sel p50", "sel p95", "SQL p95", "count p95", "count SQL p95",
             "remembered count p95"],
            rows,
        )
    )  # fmt: skip

    print("\nHand-written SQL for the same page and its images (p95 ms; '-' = not applicable)")
    rows = []
    for r in results:
        best, best_p95 = r.best_raw()
        rows.append(
            (r.case.label, *(r.p95(f"raw {v}") for v in PAGE_VARIANTS), best,
             r.p95("selector") / best_p95, r.p95("orm sql") / best_p95)
        )  # fmt: skip
    print(common.table(["query", *PAGE_VARIANTS, "best", "sel/best", "sel SQL/best"], rows))
    rows = []
    for r in results:
        best, best_p95 = r.best_count()
        rows.append(
            (r.case.label, *(r.p95(f"count {v}") for v in COUNT_VARIANTS), best, r.p95("selector count"))
        )
    print("\nCapped count (up to 1001 matches): hand-written and the selector's (p95 ms)")
    print(common.table(["query", *COUNT_VARIANTS, "best", "selector"], rows))
    problems = [f"{r.case.key}: {m}" for r in results for m in r.mismatches]
    if problems:
        print("\nRESULT MISMATCHES (against the selector):")
        for m in problems[:40]:
            print("  " + m)
    else:
        print("\nEvery hand-written variant returned the selector's rows in its order, and its count.")


def report_plans(results: list[CaseResult]) -> set[str]:
    """Print the plans; return the index kinds the selector's plans use."""
    print("\nEXPLAIN (ANALYZE, BUFFERS), first input of each query")
    kinds: set[str] = set()
    for r in results:
        for title, plan in r.plans.items():
            used = indexes_in(plan)
            if title.startswith("selector"):
                kinds |= {_kind_of_index(n) for n in used}
            jit = " [JIT]" if "JIT:" in plan else ""
            print(f"\n--- {r.case.label}: {title} -- indexes: {', '.join(used) or 'none'}{jit}")
            print("\n".join(line for line in plan.splitlines() if "Buffers:" not in line))
    return kinds


def report_http(checks, radius, mix, *, radius_rate, mix_rate) -> None:
    print("\nHTTP GET /api/v1/listings: gunicorn, production settings; one request per query")
    print(common.table(["query", "status", "count", "rows"], checks))
    rows = []
    for name, res, rate in (("radius only", radius, radius_rate), ("mix of all queries", mix, mix_rate)):
        s = common.summary(res.latencies_ms)
        achieved = f"{res.achieved_rate:.1f}/s"
        rows.append(
            (
                name,
                f"{rate:g}/s",
                achieved,
                s["n"],
                s["p50"],
                s["p95"],
                s["p99"],
                s["max"],
                res.errors,
                res.dropped,
            )
        )
    print("Open-loop load (latency from when each request was due; ms; 'timeout' = not answered)")
    print(
        common.table(
            ["load", "rate", "achieved", "requests", "p50", "p95", "p99", "max", "errors", "dropped"], rows
        )
    )
    rows = [(k, len(v), _p(v, 50), _p(v, 95), _p(v, 99)) for k, v in mix.by_label.items()]
    print("The mix by query")
    print(common.table(["query", "requests", "p50", "p95", "p99"], rows))


def _cell(value, target) -> tuple[object, str]:
    if value is None:
        return "-", ""
    if isinstance(value, bool):
        return ("yes" if value else "no"), ("PASS" if value == target else "FAIL")
    return value, common.verdict(value, target)


def report_baseline(rows: list[tuple]) -> None:
    print("\nAgainst the targets (baseline): ratio = measured / target, lower is better")
    out = []
    for name, target, value in rows:
        shown_value, verdict = _cell(value, target)
        shown = ("yes" if target else "no") if isinstance(target, bool) else target
        out.append((name, shown, shown_value, verdict))
    print(common.table(["measure", "target", "measured", "ratio"], out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings to seed (default 1,000,000)")
    parser.add_argument("--reseed", action="store_true", help="seed even if the same data set is there")
    parser.add_argument("--seed-only", action="store_true", help="seed (if needed) and stop")
    parser.add_argument("--skip-http", action="store_true", help="only the in-process measurements")
    parser.add_argument("--no-plans", action="store_true", help="do not print EXPLAIN plans")
    parser.add_argument("--only", default="", help="comma-separated query keys (radius,common,...)")
    parser.add_argument("--iterations", type=int, default=60, help="timed runs per measurement (default 60)")
    parser.add_argument(
        "--budget", type=float, default=5.0, help="seconds at most per measurement (default 5)"
    )
    parser.add_argument("--http-seconds", type=float, default=30.0, help="seconds per HTTP load (default 30)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--radius-rate", type=float, default=200.0, help="requests/s, radius only (200)")
    parser.add_argument("--mix-rate", type=float, default=50.0, help="requests/s, the mix (50)")
    args = parser.parse_args()

    url = common.bench_database_url()
    common.ensure_database(url)
    common.setup_django(url)
    from core.runtime import freeze_startup_heap

    freeze_startup_heap()  # as the application's processes do at start-up (sirkel/wsgi.py)
    started = time.perf_counter()
    load_before = os.getloadavg()
    seeded: dict[str, float] = {}
    if args.reseed or seeded_marker() != _marker(args.n):
        print(f"seeding {args.n:,} listings ...", flush=True)
        seeded = seed(args.n)
        print(
            f"seeded in {seeded['total_s']:.0f} s (COPY {seeded['copy_s']:.0f} s, indexes"
            f" {seeded['indexes_s']:.0f} s, VACUUM ANALYZE {seeded['vacuum_analyze_s']:.0f} s)"
        )
    else:
        print(f"data set already present ({_marker(args.n)}); --reseed to rebuild it")
    if args.seed_only:
        return

    centre = _density_centre()
    spots = _spots(centre[1], centre[2])
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    results = []
    for case in CASES:
        if only and case.key not in only:
            continue
        print(f"measuring: {case.label} ...", flush=True)
        results.append(
            measure_case(
                case, spots, iterations=args.iterations, budget_s=args.budget, plans=not args.no_plans
            )
        )
    http = None
    if not args.skip_http:
        print(f"HTTP: gunicorn with {args.workers} workers ...", flush=True)
        http = http_load(
            url, spots, workers=args.workers, radius_rate=args.radius_rate, mix_rate=args.mix_rate,
            seconds=args.http_seconds,
        )  # fmt: skip

    print(
        f"\n{'=' * 100}\nSearch benchmark, N = {args.n:,} active listings, database {url.rsplit('/', 1)[-1]}"
    )
    print(f"densest area: {centre[0]} ({centre[1]:.4f}, {centre[2]:.4f}), "
          f"{centre[3]:,} listings in the {RADIUS_KM:g} km box around it")  # fmt: skip
    print(f"queries cycle through {len(spots)} points within 1 km of it (place: {', '.join(BAERUM_PLACES)})")
    print(
        f"load average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"
        f" ({os.cpu_count()} CPUs, shared with whatever else runs on this machine)"
    )
    print("\nTerms (search vector or title trigram match)")
    print(common.table(["term", "listings", "% of all", f"within {RADIUS_KM:g} km"], data_profile(centre)))
    kinds = set() if args.no_plans else report_plans(results)
    report_in_process(results)
    if http:
        checks, radius, mix = http
        report_http(checks, radius, mix, radius_rate=args.radius_rate, mix_rate=args.mix_rate)

    by_key = {r.case.key: r for r in results}
    rows: list[tuple] = []
    if seeded:
        rows.append((f"seeding {args.n:,} rows, s (1M in minutes)", 600 * args.n / 1e6, seeded["total_s"]))
    if "radius" in by_key:
        rows.append(("radius only: database p95, ms (the SQL sent)", 5.0, by_key["radius"].p95("orm sql")))
    for key in ("common", "rare", "rarest", "category"):
        if key not in by_key:
            continue
        r = by_key[key]
        best, best_p95 = r.best_raw()
        rows.append((f"{r.case.label}: in-process p95, ms", 40.0, r.p95("selector")))
        rows.append((f"  ... / best SQL ({best}, {best_p95:.1f} ms)", 1.5, r.p95("selector") / best_p95))
        rows.append(("  ... its SQL only / best SQL", 1.5, r.p95("orm sql") / best_p95))
    if http:
        checks, radius, mix = http
        rows.append(
            (f"HTTP radius only at {args.radius_rate:g}/s: p95, ms", 40.0, _p(radius.latencies_ms, 95))
        )
        rows.append((f"HTTP mix at {args.mix_rate:g}/s: p95, ms", 150.0, _p(mix.latencies_ms, 95)))
        rows.append((f"HTTP mix at {args.mix_rate:g}/s: p99, ms", 300.0, _p(mix.latencies_ms, 99)))
        capped = str(next(row for row in checks if row[0] == "radius")[2]).endswith("+")
        rows.append(("HTTP dense-area count capped ('1000+')", True, capped))
    if kinds:
        rows.append(("EXPLAIN: GiST index used", True, "GiST" in kinds))
        rows.append(("EXPLAIN: GIN index used", True, "GIN" in kinds))
    report_baseline(rows)
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
