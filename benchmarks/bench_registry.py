"""Registry at county scale: demo build time, search latency, listing and detail, peak memory.

Targets (issue #2 part 10, measured, never asserted): demo of 20,000 households <= 30 s; search
p95 <= 50 ms (issue 13 §2: for every kind of search text, with the first page's matched members);
RSS <= 400 MB. `--search-only` leaves out the fresh demo build.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypinyin import lazy_pinyin
from sqlalchemy import select

from benchmarks.common import (
    CACHE,
    SCALE_HOUSEHOLDS,
    SCALE_SEED,
    demo_login,
    peak_rss_mb,
    percentile,
    report,
    scale_county_path,
    timed,
)
from povdesk.db.models import Household, Member
from povdesk.demo.service import DemoService
from povdesk.services.database import Database
from povdesk.services.registry import HouseholdQuery, RegistryService

#: The kinds of search text measured (issue 13 §2 added all but the first three).
KINDS = ("name", "id", "household_no", "name_part", "pinyin", "initials", "id_tail", "household_tail")


def _queries(db: Database, n: int = 400, seed: int = 1) -> list[tuple[str, str]]:
    """Realistic search texts: name prefixes, ID-number prefixes (6-18 chars), household numbers;
    any part of a name, its pinyin from a syllable on, its initials, an ID number's last 4-6
    digits, a household number's last 4-6 digits."""
    rng = random.Random(seed)
    with db.reading() as s:
        names = list(s.scalars(select(Member.name).order_by(Member.id)))
        ids = [x for x in s.scalars(select(Member.id_number).order_by(Member.id)) if x]
        numbers = list(s.scalars(select(Household.household_no).order_by(Household.id)))
    out: list[tuple[str, str]] = []
    for k in range(n):
        kind = KINDS[k % len(KINDS)]
        if kind == "name":
            name = rng.choice(names)
            out.append((kind, name[: rng.randint(2, len(name))]))
        elif kind == "id":
            out.append((kind, rng.choice(ids)[: rng.randint(6, 18)]))
        elif kind == "household_no":
            out.append((kind, rng.choice(numbers)[: rng.randint(12, 17)]))
        elif kind == "name_part":
            name = rng.choice(names)
            start = rng.randint(1, max(1, len(name) - 2))
            out.append((kind, name[start:start + 2]))
        elif kind in ("pinyin", "initials"):
            name = rng.choice(names)
            syllables = [lazy_pinyin(c)[0] for c in name]
            start = rng.randint(0, len(syllables) - 2)
            part = syllables[start:]
            out.append((kind, "".join(part) if kind == "pinyin" else "".join(x[0] for x in part).upper()))
        elif kind == "id_tail":
            out.append((kind, rng.choice(ids)[-rng.randint(4, 6):]))
        else:
            out.append((kind, rng.choice(numbers)[-rng.randint(4, 6):]))
    return out


def main() -> None:
    cached = (CACHE / f"scale-{SCALE_HOUSEHOLDS}-{SCALE_SEED}.sqlite").exists()
    t0 = time.perf_counter()
    path = scale_county_path()
    if not cached:
        report("demo_build_scale_county", households=SCALE_HOUSEHOLDS, seconds=round(time.perf_counter() - t0, 2))

    db = Database.open(path, user="bench")
    demo_login(db)
    registry = RegistryService(db=db)

    whole, runs = timed(lambda: registry.household_ids(), repeat=5)
    ids = registry.household_ids()
    report("household_ids_whole_county", households=len(ids), median_ms=round(whole * 1000, 1),
           runs_ms=[round(r * 1000, 1) for r in runs])

    rng = random.Random(2)
    sample = rng.sample(ids, 30)
    detail_runs = []
    for hid in sample:
        t = time.perf_counter()
        registry.household(hid)
        detail_runs.append(time.perf_counter() - t)
    report("household_detail", median_ms=round(statistics.median(detail_runs) * 1000, 2),
           p95_ms=round(percentile(detail_runs, 95) * 1000, 2))

    queries = _queries(db)
    registry.household_ids(HouseholdQuery(text=queries[0][1]))  # warm the cache once
    latencies: dict[str, list[float]] = {"all": [], **{k: [] for k in KINDS}}
    cpu: dict[str, list[float]] = {"all": [], **{k: [] for k in KINDS}}
    hits = []
    for kind, text in queries:
        t, c = time.perf_counter(), time.process_time()
        found = registry.household_ids(HouseholdQuery(text=text))
        registry.household_rows(found[:50])
        registry.search_matches(found[:50], text)  # the list's first page says which member matched
        dt_, dc = time.perf_counter() - t, time.process_time() - c
        for k in ("all", kind):
            latencies[k].append(dt_)
            cpu[k].append(dc)
        hits.append(len(found))
    # wall clock, and the CPU time of this process (SQLite runs in it): on a shared machine the wall
    # clock is mostly waiting for a core
    report("search", queries=len(queries), median_ms=round(statistics.median(latencies["all"]) * 1000, 2),
           p95_ms=round(percentile(latencies["all"], 95) * 1000, 2),
           max_ms=round(max(latencies["all"]) * 1000, 2),
           cpu_median_ms=round(statistics.median(cpu["all"]) * 1000, 2),
           cpu_p95_ms=round(percentile(cpu["all"], 95) * 1000, 2),
           by_kind_p95_ms={k: round(percentile(v, 95) * 1000, 2) for k, v in latencies.items() if k != "all"},
           by_kind_cpu_p95_ms={k: round(percentile(v, 95) * 1000, 2) for k, v in cpu.items() if k != "all"},
           median_hits=statistics.median(hits))
    report("rss_after_search", peak_rss_mb=round(peak_rss_mb(), 1))
    db.close()
    if "--search-only" in sys.argv:
        return

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Database.open(Path(tmp) / "fresh.sqlite", user="bench", backups=Path(tmp) / "backups")
        summary = DemoService(db=fresh).build(households=SCALE_HOUSEHOLDS, seed=SCALE_SEED + 1)
        fresh.close()
    report("demo_build_fresh", households=summary.households, members=summary.members,
           faults=summary.faults, seconds=summary.seconds, peak_rss_mb=round(peak_rss_mb(), 1))


if __name__ == "__main__":
    main()
