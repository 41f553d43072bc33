"""Check engine speed: the whole catalogue over the 20,000-household county (target <= 3 s) and one
household after an edit (target <= 50 ms). Runs on a copy so the cached county stays clean.

`first_run_median_s` is the median of three first recorded runs, each in a fresh process (they open
every problem); peak memory is theirs. Compare with a baseline tree run alternately on the same
machine, not with a figure from another day."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import peak_rss_mb, percentile, report, scale_county_path, timed


def first_run_elsewhere(source: Path) -> tuple[float, float]:
    """A first recorded run in a fresh process, and that process's peak memory."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_checks", "--first-run-only", str(source)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["seconds"], data["peak_rss_mb"]


def first_run_only(source: Path) -> None:
    from povdesk.services.checks import CheckService
    from povdesk.services.database import Database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        shutil.copy(source, path)
        db = Database.open(path, user="bench", backups=Path(tmp))
        t0 = time.perf_counter()
        CheckService(db=db).run()
        seconds = time.perf_counter() - t0
        db.close()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--first-run-only":
        first_run_only(Path(sys.argv[2]))
        return
    from sqlalchemy import select

    from povdesk.db.models import Household
    from povdesk.services.checks import CheckService
    from povdesk.services.database import Database

    # POVDESK_BENCH_COUNTY: measure another county file (e.g. one just built with the current demo)
    source = Path(os.environ.get("POVDESK_BENCH_COUNTY") or scale_county_path())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        shutil.copy(source, path)
        db = Database.open(path, user="bench", backups=Path(tmp))
        checks = CheckService(db=db)
        with db.reading() as s:
            ids = list(s.scalars(select(Household.id).order_by(Household.id)))

        firsts = [first_run_elsewhere(source) for _ in range(3)]  # the machine's noise: a median of three
        first = checks.run()
        evaluate, _ = timed(lambda: checks.evaluate(), repeat=3)
        rerun, _ = timed(lambda: checks.run(), repeat=3)
        report("checks.county", households=len(ids), rules=len(checks.rules()), findings=first.findings,
               first_run_median_s=round(statistics.median(f for f, _ in firsts), 3),
               first_runs_s=[round(f, 3) for f, _ in firsts], evaluate_only_median_s=round(evaluate, 3),
               rerun_median_s=round(rerun, 3), target_s=3.0,
               peak_rss_mb=round(max(m for _, m in firsts), 1))

        sample = ids[:: max(1, len(ids) // 60)][:60]
        runs = []
        for hid in sample:
            t = time.perf_counter()
            checks.run_household(hid)
            runs.append(time.perf_counter() - t)
        report("checks.household", samples=len(runs), median_ms=round(percentile(runs, 50) * 1000, 2),
               p95_ms=round(percentile(runs, 95) * 1000, 2), target_ms=50.0,
               peak_rss_mb=round(peak_rss_mb(), 1))
        db.close()


if __name__ == "__main__":
    main()
