def test_healthz_is_ok_with_database_and_redis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db import OperationalError

    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("sirkel.health.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "redis": "ok"}
