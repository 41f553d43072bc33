"""Five desks on one PostgreSQL database at once (issue 16 §5), each a process of its own.

Three clerks make correction requests on a small set of busy households (read the household, make
the request with the version read, sometimes edit the draft, submit), one reviewer approves what is
submitted (a conflict is rejected back), one desk searches, opens households and runs a village's
check. After the run the registry must equal the initial data with exactly the approved requests
applied, in the order they were approved: any other value is a lost update (must be 0).

    python -m benchmarks.bench_desks                        # 60 s on the scale county (20,000 households)
    python -m benchmarks.bench_desks --seconds 5 --households 200 --url URL   # the short run of the test

Without `--url` a throw-away PostgreSQL server is started (tests/helpers/postgres.py). Prints one
JSON line: per kind of operation its count, ops/s and p95 latency (ms); conflicts; lost updates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, SCALE_HOUSEHOLDS, SCALE_SEED

CLERKS = ("clerk1", "clerk2", "clerk3")
REVIEWER = "reviewer"  # the demo county's reviewer
SEARCHER = "searcher"
#: the busy households the clerks all work on (so their requests meet); the rest stay as imported
HOT = 40
FIELDS = ("household.phone", "household.bank_account")


# ------------------------------------------------------------------ set-up and verification (parent)
def _setup(url: str, households: int) -> dict[str, Any]:
    from sqlalchemy import select

    from povdesk.db.models import AppUser, Household
    from povdesk.demo.service import DEMO_PASSWORD, DemoService
    from povdesk.services.database import Database
    from povdesk.services.users import UserService

    db = Database.open(url, user="director")
    try:
        DemoService(db=db).build(households=households, seed=SCALE_SEED)
        UserService(db=db).authenticate("director", DEMO_PASSWORD)
        with db.transaction() as s:  # the desks' logins share the demo's password hash (hashing is slow)
            hashed = s.scalar(select(AppUser.password_hash).where(AppUser.login == "clerk"))
            s.add_all(AppUser(login=login, display_name=login, role=role, password_hash=hashed)
                      for login, role in [*((c, "clerk") for c in CLERKS), (SEARCHER, "clerk")])
        with db.reading() as s:
            rows = s.execute(select(Household.id, Household.phone, Household.bank_account)
                             .order_by(Household.id)).all()
    finally:
        db.close()
    return {"initial": {hid: {FIELDS[0]: phone, FIELDS[1]: account} for hid, phone, account in rows},
            "hot": [r[0] for r in rows[:HOT]]}


def _verify(url: str, initial: dict[int, dict[str, str | None]]) -> dict[str, int]:
    """Lost updates: households whose registry value is not the initial one with exactly the approved
    requests applied in approval order."""
    from sqlalchemy import select

    from povdesk.db.models import ChangeEvent, ChangeField, ChangeRequest, Household
    from povdesk.domain import changes as cr
    from povdesk.services.database import Database

    db = Database.open(url, user="verify")
    try:
        with db.reading(snapshot=True) as s:
            order = [r for (r,) in s.execute(select(ChangeEvent.request_id)
                                             .where(ChangeEvent.to_status == cr.APPROVED).order_by(ChangeEvent.id))]
            fields: dict[int, list[tuple[str, str | None]]] = {}
            target: dict[int, int] = {}
            for rid, hid, field, after in s.execute(
                    select(ChangeRequest.id, ChangeRequest.household_id, ChangeField.field, ChangeField.after)
                    .join(ChangeField, ChangeField.request_id == ChangeRequest.id)
                    .where(ChangeRequest.status == cr.APPROVED)):
                if hid is not None:
                    fields.setdefault(rid, []).append((field, after))
                    target[rid] = hid
            now = {hid: {FIELDS[0]: phone, FIELDS[1]: account} for hid, phone, account in
                   s.execute(select(Household.id, Household.phone, Household.bank_account))}
    finally:
        db.close()
    expected = {hid: dict(values) for hid, values in initial.items()}
    for rid in order:
        for field, after in fields.get(rid, []):
            expected[target[rid]][field] = after
    lost = sum(1 for hid, values in expected.items()
               if any((now[hid][f] or None) != (values[f] or None) for f in FIELDS))
    return {"approved": len(order), "lost_updates": lost}


# ------------------------------------------------------------------ one desk (a child process)
class _Timer:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.counts: dict[str, int] = {}

    def time(self, kind: str, started: float) -> None:
        self.times.setdefault(kind, []).append(time.perf_counter() - started)

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1


def _desk(role: str, login: str, url: str, signals: Path, seconds: float, hot: list[int], seed: int) -> dict[str, Any]:
    from povdesk.demo.service import DEMO_PASSWORD
    from povdesk.domain import changes as cr
    from povdesk.errors import Busy, Conflict
    from povdesk.services.changes import ChangeRequestService
    from povdesk.services.checks import CheckService
    from povdesk.services.database import Database
    from povdesk.services.registry import HouseholdQuery, RegistryService
    from povdesk.services.users import UserService

    rng = random.Random(seed)
    db = Database.open(url, user=login, lock_wait=10)
    UserService(db=db).authenticate(login, DEMO_PASSWORD)
    registry, changes, checks = RegistryService(db=db), ChangeRequestService(db=db), CheckService(db=db)
    t = _Timer()
    villages = [v.id for c in registry.navigator() for tw in c.townships for v in tw.villages if v.households]
    (signals / f"ready-{login}").touch()
    go = signals / "go"
    while not go.exists():  # every desk imported, logged in and waiting: then all start at once
        time.sleep(0.01)
    end = time.time() + seconds
    next_check = time.time() + 1.0
    while time.time() < end:
        began = time.perf_counter()
        try:
            if role == "clerk":
                hid = rng.choice(hot)
                version = registry.household(hid, history_limit=0).household["version"]
                t.time("read", began)
                field = rng.choice(FIELDS)
                began = time.perf_counter()
                made = changes.make(cr.CORRECT, household_id=hid, sets={field: f"139{rng.randrange(10**8):08d}"},
                                    reason="走访核实", expected_version=version)
                t.time("make", began)
                if rng.random() < 0.3:
                    began = time.perf_counter()
                    changes.edit(made.id, sets={field: f"138{rng.randrange(10**8):08d}"})
                    t.time("edit", began)
                began = time.perf_counter()
                changes.submit(made.id)
                t.time("submit", began)
            elif role == "reviewer":
                waiting = changes.queue(cr.SUBMITTED, not_maker=login)
                if not waiting:
                    time.sleep(0.02)
                    continue
                request_id = waiting[0].id
                began = time.perf_counter()
                try:
                    changes.approve(request_id)
                    t.time("approve", began)
                except Conflict:
                    t.count("conflict")
                    changes.reject(request_id, "冲突：请按当前数据重新申请")
                    t.time("approve refused, rejected", began)
            else:
                if time.time() >= next_check:
                    checks.run(village_id=rng.choice(villages))
                    t.time("check village", began)
                    next_check = time.time() + 2.0
                    continue
                text = rng.choice(["5134", "沙", "吉", "阿", "51343720"])
                ids = registry.household_ids(HouseholdQuery(text=text, village_id=rng.choice(villages)))
                registry.household_rows(ids[:100])
                t.time("search", began)
                if ids:
                    began = time.perf_counter()
                    registry.household(rng.choice(ids))
                    t.time("open household", began)
        except Conflict:
            t.count("conflict")  # a clerk read a household that changed before the request: read again
        except Busy:
            t.count("busy")
    db.close()
    return {"times": t.times, "counts": t.counts}


# ------------------------------------------------------------------ the run
def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def run(url: str, *, seconds: float, households: int) -> dict[str, Any]:
    set_up = time.perf_counter()
    prepared = _setup(url, households)
    setup_s = time.perf_counter() - set_up
    desks = [("clerk", c) for c in CLERKS] + [("reviewer", REVIEWER), ("searcher", SEARCHER)]
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for k, (role, login) in enumerate(desks):
            out = Path(tmp) / f"{login}.json"
            args = {"role": role, "login": login, "url": url, "signals": tmp, "seconds": seconds,
                    "hot": prepared["hot"], "seed": k, "out": str(out)}
            procs.append((out, subprocess.Popen([sys.executable, "-m", "benchmarks.bench_desks", "--desk",
                                                 json.dumps(args)], cwd=ROOT, env=env)))
        deadline = time.monotonic() + 300
        while not all((Path(tmp) / f"ready-{login}").exists() for _, login in desks):
            if any(p.poll() is not None for _, p in procs) or time.monotonic() > deadline:
                raise SystemExit("a desk failed to start")
            time.sleep(0.02)
        (Path(tmp) / "go").touch()
        results = []
        for out, proc in procs:
            if proc.wait(timeout=seconds + 120) != 0:
                raise SystemExit(f"a desk failed ({proc.returncode})")
            results.append(json.loads(out.read_text(encoding="utf-8")))
    times: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for r in results:
        for kind, values in r["times"].items():
            times.setdefault(kind, []).extend(values)
        for kind, n in r["counts"].items():
            counts[kind] = counts.get(kind, 0) + n
    verified = _verify(url, {int(k): v for k, v in prepared["initial"].items()})
    return {"bench": "desks", "households": households, "seconds": seconds, "setup_s": round(setup_s, 1),
            "ops": {kind: {"count": len(v), "ops_per_s": round(len(v) / seconds, 2),
                           "p95_ms": round(_p95(v) * 1000, 1)} for kind, v in sorted(times.items())},
            "conflicts": counts.get("conflict", 0), "busy": counts.get("busy", 0), **verified}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throw-away server)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--households", type=int, default=SCALE_HOUSEHOLDS)
    parser.add_argument("--desk", help=argparse.SUPPRESS)  # a child: one desk's work, as JSON
    args = parser.parse_args(argv)
    if args.desk:
        d = json.loads(args.desk)
        result = _desk(d["role"], d["login"], d["url"], Path(d["signals"]), d["seconds"], d["hot"], d["seed"])
        Path(d["out"]).write_text(json.dumps(result), encoding="utf-8")
        return
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from tests.helpers.postgres import temporary_server

            url = stack.enter_context(temporary_server())
        print(json.dumps(run(url, seconds=args.seconds, households=args.households), ensure_ascii=False))


if __name__ == "__main__":
    main()
