"""The CI contract: `.ci/run` is `make test`, and a failing test makes it fail."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_pytest_step(tmp_path: Path, test_body: str) -> subprocess.CompletedProcess:
    """Run the Makefile's pytest step on a one-test file outside the suite."""
    (tmp_path / "test_canary.py").write_text(f"def test_canary():\n    {test_body}\n")
    args = f"PYTEST_ARGS={tmp_path} -p no:django -p no:xdist -o addopts= --rootdir={tmp_path}"
    return subprocess.run(
        ["make", "--no-print-directory", "pytest", args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ci_runs_make_test_and_nothing_else():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    assert commands[-1] == "exec make test"
    assert "|| true" not in script


def test_a_failing_test_makes_the_pytest_step_fail(tmp_path):
    result = run_pytest_step(tmp_path, "assert 1 == 2")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "1 failed" in result.stdout


def test_a_passing_test_makes_the_pytest_step_pass(tmp_path):
    result = run_pytest_step(tmp_path, "assert 1 == 1")
    assert result.returncode == 0, result.stdout + result.stderr
