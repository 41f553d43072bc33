"""Five desks at once on PostgreSQL for a few seconds (benchmarks/bench_desks.py's short run): no
lost update, every kind of work done. Runs in the PostgreSQL pass only (the bench is PostgreSQL's)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.common import ROOT
from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(TEST_DB != "postgresql", reason="the desks bench runs on PostgreSQL "
                                                                "(its pass of the gate)")


def test_five_desks_for_five_seconds_lose_no_update(db_url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_desks", "--url", db_url, "--seconds", "5",
                           "--households", "200"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["lost_updates"] == 0
    assert result["approved"] > 0
    assert {"make", "submit", "approve", "search", "check village"} <= set(result["ops"])
