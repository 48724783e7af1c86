"""Listing search benchmark: seeds N active listings (dense town clusters in Oslo and Bærum,
Norwegian titles with common and rare words), then measures the search selector
(marketplace.selectors.listing_search) in-process, hand-written SQL for the same queries, and
`GET /api/v1/listings` through gunicorn (the production topology) at a fixed request rate.

Run (after `make test` or `make run` has set up .venv and the services):

    .venv/bin/python bench/search.py --n 100000          # quick: about 2 minutes
    .venv/bin/python bench/search.py --n 1000000         # headline run: about 10 minutes

It uses its own database (`sirkel_bench` on the project's server, created if missing, migrated
if needed; or BENCH_DATABASE_URL, whose name must contain "bench"): the dev and test databases
are never touched. Seeding is skipped when the database already holds the same data set (same
N and seed version); `--reseed` forces it. `--skip-http` measures only in-process.

Targets ("baseline") from the issue; the script prints each figure with its ratio to the target:
- radius only, nearest first: database p95 <= 5 ms; HTTP p95 <= 40 ms at 200 requests/s;
- radius + text in the densest area: selector p95 <= 40 ms for common and rare terms alike, and
  within 1.5x of the best hand-written SQL for the same query;
- HTTP mix at 50 requests/s: p95 <= 150 ms, p99 <= 300 ms; dense-area counts capped ("1000+");
- EXPLAIN shows the GiST (public_location) and GIN (search vector / trigram) indexes in use.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402

SEED_VERSION = 1
BENCH_USERS = 300
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

    User = get_user_model()  # noqa: N806
    existing = set(User.objects.filter(email__endswith="@bench.invalid").values_list("email", flat=True))
    new = [
        User(email=f"bench-{i:04d}@bench.invalid", password="!", is_active=True)  # "!": unusable password
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
    """"Sofa" -> "sofa" inside a sentence; "TV", "PC-skjerm" and "iPhone" stay as they are."""
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
        sentences.insert(0, f"{rng.choice(['Fin', 'Grei', 'Solid', 'Pen'])} {generic} fra {rng.choice(BRANDS)}.")
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
        yield "\t".join(
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
        ) + "\n"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings to seed (default 1,000,000)")
    parser.add_argument("--reseed", action="store_true", help="seed even if the data set is there")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()

    url = common.bench_database_url()
    common.ensure_database(url)
    common.setup_django(url)
    if args.reseed or seeded_marker() != _marker(args.n):
        print(f"seeding {args.n:,} listings ...", flush=True)
        print(json.dumps(seed(args.n), indent=1))
    else:
        print(f"data set present ({_marker(args.n)}): not reseeding")


if __name__ == "__main__":
    main()
