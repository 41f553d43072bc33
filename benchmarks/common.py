"""Shared benchmark helpers: the scale county, medians, peak memory, one JSON line per result.

Benchmarks measure; they never assert. Each `bench_*.py` has `main()` and can run alone
(`python -m benchmarks.bench_registry`); `python -m benchmarks.run` runs them all.

A county of any size, as a complete or a thin first roster leaves it, is built once and cached:
`python -m benchmarks.common --households 52000 --columns-missing` prints its path.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / "results"
SCALE_HOUSEHOLDS = 20_000
SCALE_SEED = 2019


#: The county of hardening issue 9, item 13: a first import of a thin roster, ~227,000 open problems
MISSING_HOUSEHOLDS = 22_000
#: The largest registered-poor counties (issue 17): ~52,000 households, ~240,000 members; built with
#: the columns missing it opens about half a million problems on the first run
LARGE_HOUSEHOLDS = 52_000
#: What a thin first roster lacks: the members' medical insurance columns and every cadre (pairing)
#: row. (The pension columns stay: with them empty too HLT-012 adds ~67,000 more, ~290,000 in all.)
MISSING_MEMBER_COLUMNS = ("ins_medical", "ins_employee_medical", "ins_major_illness", "ins_commercial",
                          "medical_assistance")


def scale_county_path(households: int = SCALE_HOUSEHOLDS, seed: int = SCALE_SEED, *,
                      columns_missing: bool = False) -> Path:
    """A demo county of `households`, built once and reused (same seed, same database).

    `columns_missing`: the county as a thin first roster leaves it: the members' medical insurance
    columns empty and no assistance cadres, which opens two problems on nearly every member and one
    on every household (22,000 households: ~223,000 problems)."""
    from povdesk.demo.service import DemoService
    from povdesk.services.database import Database

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"scale-{households}-{seed}{'-missing' if columns_missing else ''}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for p in tmp.parent.glob(tmp.name + "*"):
            p.unlink()
        db = Database.open(tmp, user="bench")
        DemoService(db=db).build(households=households, seed=seed)
        if columns_missing:
            _leave_columns_empty(db)
        db.close()
        tmp.rename(path)
    return path


def demo_login(db: Any) -> None:
    """Log a benchmark's session in as the demo county's director (its writes need a login)."""
    from povdesk.demo.service import DEMO_PASSWORD
    from povdesk.services.users import UserService

    if db.has_logins():
        UserService(db=db).authenticate("director", DEMO_PASSWORD)


def _leave_columns_empty(db: Any) -> None:
    from sqlalchemy import delete, update

    from povdesk.db.models import Cadre, Member, Pairing

    with db.transaction() as s:
        s.execute(update(Member).values({c: None for c in MISSING_MEMBER_COLUMNS}))
        s.execute(delete(Pairing))
        s.execute(delete(Cadre))


def main(argv: list[str] | None = None) -> None:
    """Build (once) the county of a size, complete or thin, and print its path."""
    import argparse

    parser = argparse.ArgumentParser(description="build and cache a benchmark county")
    parser.add_argument("--households", type=int, default=SCALE_HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=SCALE_SEED)
    parser.add_argument("--columns-missing", action="store_true",
                        help="leave the insurance columns and every cadre empty, as a thin roster would")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    path = scale_county_path(args.households, args.seed, columns_missing=args.columns_missing)
    report("county", households=args.households, columns_missing=args.columns_missing, path=str(path),
           seconds=round(time.perf_counter() - t0, 1), mb=round(path.stat().st_size / 2**20, 1))


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, list[float]]:
    """Median seconds over `repeat` runs, and all runs."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), runs


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes); with
    `resource.RUSAGE_CHILDREN`, of its largest child process that has ended (a check run's helper)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def children_cpu_s() -> float:
    """Processor time of this process's child processes that have ended (a check run's helper)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(name: str, **figures: Any) -> dict[str, Any]:
    row = {"benchmark": name, "python": platform.python_version(), "cpus": os.cpu_count(), **figures}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


if __name__ == "__main__":
    main()
