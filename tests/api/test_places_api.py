import pytest

pytestmark = pytest.mark.usefixtures("places")

EN = {"accept-language": "en"}


def test_places_lookup_is_accent_and_case_insensitive(client):
    response = client.get("/api/v1/places", {"q": "BARUMS verk"})
    assert response.status_code == 200
    assert response.json()[0] == {
        "name": "Bærums Verk",
        "kind": "area",
        "lat": 59.9433,
        "lon": 10.5044,
        "distance_km": None,
    }


def test_places_unknown_query_is_an_empty_list(client):
    assert client.get("/api/v1/places", {"q": "qwxz"}).json() == []


def test_places_near_a_place_carry_distance(client):
    body = client.get("/api/v1/places", {"place": "Stabekk", "radius_km": "2"}).json()
    assert body[0]["name"] == "Stabekk" and body[0]["distance_km"] == 0.0
    assert all(p["distance_km"] <= 2 for p in body)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "garbage"}, "near"),
        ({"near": "95,10"}, "near"),
        ({"near": "59.9,10.5", "radius_km": "0"}, "radius_km"),
        ({"near": "59.9,10.5", "radius_km": "500"}, "radius_km"),
        ({"near": "59.9,10.5", "radius_km": "x"}, "radius_km"),
    ],
)
def test_bad_geo_parameters_are_400_with_the_error_shape(client, params, field):
    response = client.get("/api/v1/places", params, headers=EN)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"] and body["errors"][field]


def test_unknown_place_parameter_is_404_with_a_message(client):
    response = client.get("/api/v1/places", {"place": "Atlantis"}, headers=EN)
    assert response.status_code == 404
    assert "Atlantis" in response.json()["errors"]["place"][0]


def test_errors_follow_the_requested_language(client):
    english = client.get("/api/v1/places", {"near": "x"}, headers=EN).json()["detail"]
    norwegian = client.get("/api/v1/places", {"near": "x"}, headers={"accept-language": "nb"}).json()[
        "detail"
    ]
    assert "Use the form LAT,LON" in english
    assert "LAT,LON" in norwegian and norwegian != english


@pytest.mark.parametrize("path", ["/api/v1/listings", "/api/v1/repairers"])
@pytest.mark.parametrize("q", ["-", "'", "&", "!", ":*", "  .  "])
def test_best_match_ordering_with_a_query_of_no_words_is_an_ordinary_search(client, path, q):
    # A query without any word to match (only punctuation) has no relevance to order by; it
    # was a 500 (Hypothesis found it: tests/core/test_parser_properties.py).
    response = client.get(path, {"q": q, "ordering": "relevance"})
    assert response.status_code == 200
    assert "results" in response.json()
