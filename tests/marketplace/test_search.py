"""The one listing search (selector through the FilterSet), as the HTML list, map and API use it."""

import dataclasses
import math

import pytest

from marketplace.filters import ListingFilter
from marketplace.models import Listing
from tests.factories import make_listing

pytestmark = pytest.mark.usefixtures("places")

BEKKESTUA = (59.9184, 10.5874)


def search(**params) -> list[Listing]:
    filterset = ListingFilter({k: str(v) for k, v in params.items()}, queryset=Listing.objects.none())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def titles(**params) -> list[str]:
    return [listing.title for listing in search(**params)]


def great_circle_km(lat1, lon1, lat2, lon2) -> float:
    """Independent of places.geo: spherical law of cosines."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371.0 * math.acos(
        min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
    )


def test_norwegian_stemming_finds_plural_and_singular(db):
    make_listing(title="Sykkel til jente 8 år")
    make_listing(title="Lampe")
    assert titles(q="sykler") == ["Sykkel til jente 8 år"]


def test_accents_are_ignored(db):
    make_listing(title="Barnevógn", category="prams-car-seats")
    assert titles(q="barnevogn") == ["Barnevógn"]


def test_a_typo_still_finds_the_title(db):
    make_listing(title="Kajakk med åre", category="water-sports")
    assert titles(q="kajak") == ["Kajakk med åre"]


def test_description_is_searched_too(db):
    make_listing(title="Diverse", description="En gammel symaskin som virker")
    assert titles(q="symaskin") == ["Diverse"]


def test_category_includes_children(db):
    make_listing(title="Elsykkel", category="e-bikes")
    make_listing(title="Barnesykkel", category="childrens-bikes")
    make_listing(title="Sofa", category="sofas", lat=59.92, lon=10.59)
    assert sorted(titles(category="bikes")) == ["Barnesykkel", "Elsykkel"]
    assert titles(category="e-bikes") == ["Elsykkel"]


def test_kind_and_condition_filter(db):
    make_listing(title="A", kind="give", condition="good")
    make_listing(title="B", kind="swap", condition="needs_repair")
    make_listing(title="C", kind="wanted", condition="")
    assert titles(kind="swap") == ["B"]
    assert titles(condition="needs_repair") == ["B"]


def test_only_active_unhidden_listings_are_found(db):
    make_listing(title="Utkast", publish=False)
    hidden = make_listing(title="Skjult")
    Listing.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00Z")
    make_listing(title="Synlig")
    assert titles() == ["Synlig"]


def test_distance_ordering_matches_an_independent_great_circle_computation(db):
    spots = [
        (59.8908, 10.5238),
        (59.9131, 10.6364),
        (59.9433, 10.5044),
        (59.9203, 10.5646),
        (59.9087, 10.6106),
    ]
    for n, (lat, lon) in enumerate(spots):
        make_listing(title=f"Ting {n}", lat=lat, lon=lon)
    results = search(near=f"{BEKKESTUA[0]},{BEKKESTUA[1]}", radius_km=50)
    distances = [great_circle_km(*BEKKESTUA, r.public_lat, r.public_lon) for r in results]
    assert len(results) == 5
    assert distances == sorted(distances)


def test_radius_uses_the_public_point(db):
    listing = make_listing(title="Hjemme")
    exact = (listing.location.y, listing.location.x)
    public_km = great_circle_km(*exact, listing.public_lat, listing.public_lon)
    # A radius smaller than the fuzzing distance, centred on the exact home point, finds nothing.
    assert titles(near=f"{exact[0]},{exact[1]}", radius_km=round(public_km * 0.5, 3)) == []
    # Centred on the public point it is found.
    assert titles(near=f"{listing.public_lat},{listing.public_lon}", radius_km=0.05) == ["Hjemme"]


def test_place_parameter_and_radius(db):
    make_listing(title="Nær", lat=59.9186, lon=10.5880)
    make_listing(title="Langt unna", lat=59.8806, lon=10.5991)
    assert titles(place="bekkestua", radius_km=2) == ["Nær"]


def test_newest_first_and_relevance_ordering(db):
    make_listing(title="Gammel stol")
    make_listing(title="Stol stol stol", description="stol")
    assert titles(ordering="-created") == ["Stol stol stol", "Gammel stol"]
    assert titles(q="stol", ordering="relevance")[0] == "Stol stol stol"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "abc"}, "near"),
        ({"near": "91,10"}, "near"),
        ({"near": "59.9,10.5", "radius_km": "0"}, "radius_km"),
        ({"near": "59.9,10.5", "radius_km": "500"}, "radius_km"),
        ({"category": "no-such"}, "category"),
        ({"kind": "sell"}, "kind"),
        ({"condition": "broken"}, "condition"),
        ({"ordering": "price"}, "ordering"),
    ],
)
def test_bad_parameters_are_form_errors(db, params, field):
    filterset = ListingFilter(params, queryset=Listing.objects.none())
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_hostile_query_text_is_just_text(db):
    make_listing(title="Stol")
    for q in ["'; DROP TABLE marketplace_listing; --", "<script>", "a & | ! ( )", "ø" * 500, '"unclosed']:
        search(q=q)  # any text is a valid query: no exception, no SQL error
    assert Listing.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Sykkel til jente", "sykler"),
        ("To sykler", "sykkel"),
        ("Nøkkel", "nøkler"),
        ("Sykler og nøkler", "sykkel nøkkel"),
    ],
)
def test_singular_and_plural_of_el_nouns_find_each_other(db, title, query):
    make_listing(title=title)
    assert titles(q=query) == [title]


def test_every_word_must_match(db):
    make_listing(title="Rød sykkel")
    make_listing(title="Blå sykkel")
    assert titles(q="rød sykkel") == ["Rød sykkel"]


def test_compound_word_part_is_found_by_trigram(db):
    make_listing(title="Sykkelhjelm str M", category="bike-parts")
    assert titles(q="hjelm") == ["Sykkelhjelm str M"]


# --- Access paths: the same results whichever way the database is asked ---------------------------


def _bulk_listings(specs, *, owner=None):
    """Many listings at once (bulk insert, public point = the given point), then ANALYZE so the
    planner's estimates, which choose the access path, reflect them."""
    from django.db import connection

    from catalog.models import Category
    from places.geo import make_point
    from tests.factories import UserFactory

    owner = owner or UserFactory()
    categories = {c.slug: c for c in Category.objects.all()}
    rows = [
        Listing(
            owner=owner,
            kind="give",
            title=title,
            category=categories[category],
            condition="good",
            location=make_point(lat, lon),
            public_location=make_point(lat, lon),
            status=Listing.Status.ACTIVE,
            published_at="2026-11-01T12:00:00Z",
            expires_at="2027-01-01T12:00:00Z",
        )
        for title, category, lat, lon in specs
    ]
    Listing.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE marketplace_listing")


def _grid(n, title, category="bicycles", *, lat=59.9184, lon=10.5874, step=0.0004):
    side = math.ceil(math.sqrt(n))
    return [(title, category, lat + (i // side) * step, lon + (i % side) * step) for i in range(n)]


@pytest.fixture
def dense_area(db):
    """400 bikes in a dense grid around Bekkestua, 2 kayaks, a sofa, a bookcase and one book about bikes."""
    specs = _grid(400, "Sykkel til salgs") + [
        ("Kajakk med åre", "water-sports", 59.9190, 10.5880),
        ("Kajakk, lite brukt", "water-sports", 59.9300, 10.6000),
        ("Sofa tre seter", "sofas", 59.9195, 10.5890),
        ("Bokhylle", "furniture", 59.9200, 10.5900),
        ("Bok: sykkel i Norge", "books", 59.9250, 10.5950),
    ]
    _bulk_listings(specs)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "sykkel"},
        {"q": "kajakk"},
        {"q": "kajak"},
        {"q": "sofa", "category": "furniture"},
        {"category": "water-sports"},
        {"q": "sykkel", "category": "books"},
        {"q": "sykkel", "ordering": "-created"},
        {"q": "sykkel", "ordering": "relevance"},
        {"kind": "give", "condition": "good"},
    ],
)
def test_both_access_paths_give_the_same_results(dense_area, params):
    from marketplace.selectors import AccessPath, listing_search

    filterset = ListingFilter(
        {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "3", **params},
        queryset=Listing.objects.none(),
    )
    assert filterset.is_valid(), filterset.errors
    walk = listing_search(filterset.search, path=AccessPath.WALK)
    index_first = listing_search(filterset.search, path=AccessPath.INDEX_FIRST)
    # Every match (the querysets), and the first pages (a nearest-first walk is bounded by its
    # window there): the same listings.
    for walked, indexed in [
        (walk.queryset().values_list("pk", flat=True), index_first.queryset().values_list("pk", flat=True)),
        ([listing.pk for listing in walk[0:20]], [listing.pk for listing in index_first[0:20]]),
        ([listing.pk for listing in walk[20:40]], [listing.pk for listing in index_first[20:40]]),
    ]:
        walked, indexed = list(walked), list(indexed)
        if filterset.search.effective_ordering == "distance":
            # Equal distances may come in either order: compare the sets.
            assert sorted(walked) == sorted(indexed)
        else:
            assert walked == indexed
    assert list(walk.queryset()), "each case finds something"


def _path(**params):
    from marketplace.selectors import listing_access_path

    filterset = ListingFilter(
        {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5", **params},
        queryset=Listing.objects.none(),
    )
    assert filterset.is_valid(), filterset.errors
    return listing_access_path(filterset.search)


def test_a_common_term_walks_nearest_first_and_a_rare_one_uses_the_text_index(dense_area):
    from marketplace.selectors import AccessPath

    assert _path() == AccessPath.WALK
    assert _path(q="sykkel") == AccessPath.WALK
    assert _path(q="kajakk") == AccessPath.INDEX_FIRST
    assert _path(category="water-sports") == AccessPath.INDEX_FIRST


def test_a_common_term_in_a_category_where_it_hardly_occurs_does_not_walk(dense_area):
    """The estimate of "sykkel" alone says walk; ordered newest first, the probe of the nearest
    listings finds too few in books, so the text and category indexes go first."""
    from marketplace.selectors import AccessPath

    assert _path(q="sykkel", category="books", ordering="-created") == AccessPath.INDEX_FIRST


def test_a_nearest_first_walk_stops_at_its_window_and_falls_back_to_the_indexes(dense_area, monkeypatch):
    """Nearest first, a page is looked for among the nearest WALK_WINDOW listings; when they are
    all read and hold too few matches, the page comes from the text and category indexes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace import selectors

    monkeypatch.setattr(selectors, "WALK_WINDOW", 50)  # 405 listings around Bekkestua
    filterset = ListingFilter(
        {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5", "q": "sykkel", "category": "books"},
        queryset=Listing.objects.none(),
    )
    assert filterset.is_valid(), filterset.errors
    results = selectors.listing_search(filterset.search, path=selectors.AccessPath.WALK)
    with CaptureQueriesContext(connection) as queries:
        assert [listing.title for listing in results[0:20]] == ["Bok: sykkel i Norge"]
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("LIMIT 50)" in q for q in sql), "the walk was bounded by the window"
    assert any("IS TRUE" in q for q in sql), "the page came from the indexes"

    # A window that holds the whole radius answers by itself, short page and all.
    small = dataclasses.replace(
        filterset.search, geo=dataclasses.replace(filterset.search.geo, radius_km=0.1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert selectors.listing_search(small, path=selectors.AccessPath.WALK)[0:20] == []
    assert not any("IS TRUE" in q["sql"] for q in queries.captured_queries)


def test_search_results_carry_their_category_area_cover_and_distance_from_one_statement(dense_area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.services import listing_image_add
    from tests.accounts.privacy_world import photo

    with_photos = make_listing(title="Sykkel med bilder", lat=BEKKESTUA[0], lon=BEKKESTUA[1])
    first = listing_image_add(listing=with_photos, image=photo(), alt_text="Forfra")
    listing_image_add(listing=with_photos, image=photo((10, 200, 10)), alt_text="Bakfra")
    filterset = ListingFilter(
        {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5", "q": "sykkel"},
        queryset=Listing.objects.none(),
    )
    assert filterset.is_valid(), filterset.errors
    filterset.qs[0:20]  # the planner's estimates are remembered after the first search
    with CaptureQueriesContext(connection) as queries:
        page = filterset.qs[0:20]
        cards = {
            listing.pk: (listing.category.slug, listing.area, listing.cover, listing.distance)
            for listing in page
        }
    assert len(queries.captured_queries) == 1, [q["sql"][:80] for q in queries.captured_queries]
    assert len(cards) == 20
    assert {card[0] for card in cards.values()} == {"bicycles"}
    assert all(card[2] is None for pk, card in cards.items() if pk != with_photos.pk)
    (found,) = search(near=f"{BEKKESTUA[0]},{BEKKESTUA[1]}", radius_km=5, q="bilder")
    assert found.pk == with_photos.pk and found.cover == first and found.cover.alt_text == "Forfra"
    distances = [listing.distance for listing in page]
    assert distances == sorted(distances)
    for listing in page:
        expected = great_circle_km(BEKKESTUA[0], BEKKESTUA[1], listing.public_lat, listing.public_lon)
        assert abs(listing.distance - expected) <= 0.06


def test_dense_counts_are_capped_and_small_ones_exact(db):
    _bulk_listings(_grid(1010, "Sykkel", step=0.0002) + [("Kajakk", "water-sports", 59.9190, 10.5880)])
    near = {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5"}
    for params, expected in [
        ({}, (1000, True)),
        ({"q": "sykkel"}, (1000, True)),
        ({"q": "sykkel", "ordering": "-created"}, (1000, True)),
        ({"q": "kajakk"}, (1, False)),
        ({"q": "kajakk", "radius_km": "0.01"}, (0, False)),
    ]:
        filterset = ListingFilter({**near, **params}, queryset=Listing.objects.none())
        assert filterset.is_valid(), filterset.errors
        assert filterset.count_capped() == expected, params


def test_a_capped_count_is_remembered_briefly_and_an_exact_one_never(db):
    from marketplace.selectors import listing_search_count

    _bulk_listings(_grid(1005, "Sykkel", step=0.0002))
    filterset = ListingFilter(
        {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5"}, queryset=Listing.objects.none()
    )
    assert filterset.is_valid()
    assert listing_search_count(filterset.search) == (1000, True)
    Listing.objects.filter(pk__in=Listing.objects.values("pk")[:10]).delete()
    # 995 left: the remembered "1000+" still answers; counting afresh gives the exact number.
    assert listing_search_count(filterset.search) == (1000, True)
    assert listing_search_count(filterset.search, remember=False) == (995, False)

    make_listing(title="Ny sykkel")  # exact counts are never remembered: the next count sees it
    params = {"near": f"{BEKKESTUA[0]},{BEKKESTUA[1]}", "radius_km": "5", "q": "ny"}
    small = ListingFilter(params, queryset=Listing.objects.none())
    assert small.is_valid()
    assert listing_search_count(small.search) == (1, False)
    make_listing(title="Ny sykkel igjen")
    assert listing_search_count(small.search) == (2, False)


def test_search_results_slice_like_a_sequence(db):
    from marketplace.selectors import ListingSearch, listing_search

    for n in range(3):
        make_listing(title=f"Lampe {n}")
    results = listing_search(ListingSearch())  # newest first
    assert [listing.title for listing in results] == ["Lampe 2", "Lampe 1", "Lampe 0"]
    assert results[1].title == "Lampe 1"
    assert [listing.title for listing in results[1:]] == ["Lampe 1", "Lampe 0"]
    assert results[2:2] == [] and results[5:9] == []
    with pytest.raises(IndexError):
        results[3]
    with pytest.raises(ValueError):
        results[::2]


def test_a_public_point_assigned_after_the_search_is_the_one_reported(db):
    from django.contrib.gis.geos import Point

    make_listing(title="Lampe", lat=BEKKESTUA[0], lon=BEKKESTUA[1])
    (listing,) = search(near=f"{BEKKESTUA[0]},{BEKKESTUA[1]}", radius_km=5)
    assert abs(listing.public_lat - BEKKESTUA[0]) < 0.01  # from the search's own row
    listing.public_location = Point(10.75, 59.91, srid=4326)
    assert (listing.public_lat, listing.public_lon) == (59.91, 10.75)
