"""scripts/services.sh: ports of its own per checkout, never the machine's defaults."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ports_for(checkout: Path, **env) -> str:
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "services.sh", checkout / "scripts" / "services.sh")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SIRKEL_")}
    result = subprocess.run(
        ["bash", str(checkout / "scripts" / "services.sh"), "ports"],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **env},
    )
    return result.stdout.strip()


def test_two_checkouts_get_different_ports(tmp_path):
    first, second = ports_for(tmp_path / "a"), ports_for(tmp_path / "b")
    assert first != second
    for line in (first, second):
        pg, redis = (int(part.split("=")[1]) for part in line.split())
        assert pg not in (5432, 6379) and redis not in (5432, 6379)
        assert 1024 < pg < 65536 and redis == pg + 1


def test_ports_can_be_set_by_the_environment(tmp_path):
    assert (
        ports_for(tmp_path / "c", SIRKEL_PG_PORT="31000", SIRKEL_REDIS_PORT="31001")
        == "postgresql=31000 redis=31001"
    )


def test_external_services_are_used_as_given(tmp_path):
    checkout = tmp_path / "d"
    ports_for(checkout)  # creates the copy
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://x@db.example:5432/sirkel",
        "REDIS_URL": "redis://cache.example:6379/0",
    }
    status = subprocess.run(
        ["bash", str(checkout / "scripts" / "services.sh"), "status"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "postgresql: external" in status and "redis: external" in status
    subprocess.run(["bash", str(checkout / "scripts" / "services.sh"), "start"], env=env, check=True)
    written = (checkout / ".run" / "services.env").read_text()
    assert "DATABASE_URL=postgres://x@db.example:5432/sirkel" in written
    assert "REDIS_URL=redis://cache.example:6379/0" in written
