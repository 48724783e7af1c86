"""docs/operations.md's backup and restore, performed: pg_dump of a database holding a known
dataset, DROP DATABASE, a fresh database, pg_restore, and the dataset is all there — rows,
exact points (PostGIS), migrations and the booking constraint."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _tool(name: str) -> str:
    path = PG_BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} (PostgreSQL 15 client) is missing: run scripts/install-system-deps.sh"
    return found


def _env(settings_dict) -> dict:
    env = dict(os.environ)
    env.update(
        PGHOST=settings_dict.get("HOST") or "127.0.0.1",
        PGPORT=str(settings_dict.get("PORT") or 5432),
        PGUSER=settings_dict.get("USER") or "",
        PGPASSWORD=settings_dict.get("PASSWORD") or "",
    )
    return env


def _admin(settings_dict):
    return psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _run(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stderr[-2000:]}"


@pytest.mark.django_db(transaction=True)
def test_backup_drop_restore_keeps_a_known_dataset(tmp_path):
    from catalog.services import categories_load
    from places.services import places_load
    from tests.factories import UserFactory, make_listing

    # Transactional tests run after a flush: load what a listing needs.
    places_load()
    categories_load()
    owner = UserFactory(email="backup-owner@example.test")
    listing = make_listing(owner=owner, title="Sykkel til backup-testen", lat=59.8940, lon=10.5230)
    exact = (listing.location.y, listing.location.x)

    source = connection.settings_dict
    env = _env(source)
    scratch = f"{source['NAME']}_restore"[:63]
    live_dump, backup = tmp_path / "live.dump", tmp_path / "backup.dump"

    with _admin(source) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        # The "production" database: a copy of the test database with the dataset in it.
        _run([_tool("pg_dump"), "--format=custom", f"--file={live_dump}", source["NAME"]], env)
        admin.execute(f'CREATE DATABASE "{scratch}"')
        _run([_tool("pg_restore"), "--no-owner", f"--dbname={scratch}", str(live_dump)], env)
        try:
            # The documented backup, then the disaster, then the documented restore.
            _run([_tool("pg_dump"), "--format=custom", f"--file={backup}", scratch], env)
            admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{scratch}"')
            _run(
                [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={scratch}", str(backup)],
                env,
            )
            with psycopg.connect(
                host=env["PGHOST"],
                port=env["PGPORT"],
                user=env["PGUSER"] or None,
                password=env["PGPASSWORD"] or None,
                dbname=scratch,
            ) as restored:
                row = restored.execute(
                    """SELECT l.title, u.email, ST_Y(l.location::geometry), ST_X(l.location::geometry),
                              c.slug
                       FROM marketplace_listing l
                       JOIN accounts_user u ON u.id = l.owner_id
                       JOIN catalog_category c ON c.id = l.category_id
                       WHERE l.id = %s""",
                    [listing.pk],
                ).fetchone()
                assert row[:2] == ("Sykkel til backup-testen", "backup-owner@example.test")
                assert row[2] == pytest.approx(exact[0], abs=1e-9) and row[3] == pytest.approx(
                    exact[1], abs=1e-9
                )
                assert row[4] == "bicycles"
                applied = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM django_migrations")
                    assert applied == cursor.fetchone()[0]
                # Constraints come back too: the booking exclusion constraint, for one.
                constraints = {
                    name
                    for (name,) in restored.execute(
                        "SELECT conname FROM pg_constraint WHERE contype = 'x'"
                    ).fetchall()
                }
                assert constraints, "the exclusion constraint(s) were not restored"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
