"""Change requests on the 20,000-household county (issue 11 §7).

* approving 1,000 correction requests, each applied, journalled and its household re-checked
  (target: 5 s in all): as one batch (`approve_many`, what `changes approve ID ID ...` does) and,
  for the window's one approval at a time, `--single` more by `approve` (median per approval);
* the window's queues (`queue`: my drafts, returned to me, awaiting my review, awaiting sign-off;
  `queue_counts`, the four counted in one query) and `list(status=...)`, `list(period=...)` with
  10,000 requests in the database (target: 300 ms);
* opening a household as printed from its QR payload, the service call (target: 200 ms).

The scale county is copied first: the cached one stays untouched.
Run: `.venv/bin/python -m benchmarks.bench_changes [--requests N]`.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import pstats
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.common import percentile, report, scale_county_path
from povdesk.config import Settings
from povdesk.db.base import utcnow
from povdesk.db.models import ChangeEvent, ChangeField, ChangeRequest, Household
from povdesk.demo.service import DEMO_PASSWORD
from povdesk.domain import changes as cr
from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.printing import PrintSelection, PrintService
from povdesk.services.users import UserService


def _as(db: Database, login: str) -> Database:
    other = dataclasses.replace(db, user=login, authenticated=False)
    if other.has_logins():
        UserService(db=other).authenticate(login, DEMO_PASSWORD)
    return other


def _filler(db: Database, count: int, household_ids: list[int]) -> None:
    """`count` more requests, written directly (drafts, submitted and approved) for the queues."""
    states = (cr.DRAFT, cr.SUBMITTED, cr.APPROVED, cr.RETURNED)
    with db.transaction() as s:
        for i in range(count):
            status = states[i % len(states)]
            r = ChangeRequest(type=cr.CORRECT, household_id=household_ids[i % len(household_ids)], status=status,
                              based_on_version=1, source="typed", maker="clerk",
                              reviewer="reviewer" if status == cr.APPROVED else None,
                              period="2020-01" if status == cr.APPROVED else None)
            r.fields.append(ChangeField(entity="household", field="household.phone", before=None,
                                        after=f"139{i:08d}"))
            r.events.append(ChangeEvent(at=utcnow(), user="clerk", from_status=None, to_status=status))
            s.add(r)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="profile the approvals (cProfile, top 25)")
    parser.add_argument("--single", type=int, default=100, help="requests approved one by one (approve)")
    parser.add_argument("--queue", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "county.sqlite"
        shutil.copy(scale_county_path(), path)
        db = Database.open(path, user="bench", backups=Path(folder))
        try:
            clerk, reviewer = _as(db, "clerk"), _as(db, "reviewer")
            with db.reading() as s:
                rows = s.execute(select(Household.id, Household.household_no).where(Household.active)
                                 .order_by(Household.id)).all()
            wanted = args.requests + args.single
            step = max(1, len(rows) // wanted)
            chosen = rows[::step][:wanted]
            making = ChangeRequestService(db=clerk)
            ids = []
            t0 = time.perf_counter()
            for n, (_, no) in enumerate(chosen):
                r = making.make("correct", household_no=no, sets={"household.phone": f"137{n:08d}"},
                                reason="入户核实")
                making.submit(r.id)
                ids.append(r.id)
            made_s = time.perf_counter() - t0
            batch, singles = ids[:args.requests], ids[args.requests:]
            approving = ChangeRequestService(db=reviewer)
            per: list[float] = []
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            results = approving.approve_many(batch)
            total, cpu = time.perf_counter() - t0, time.process_time() - c0
            per_cpu: list[float] = []
            for rid in singles:
                t1, c1 = time.perf_counter(), time.process_time()
                approving.approve(rid)
                per.append(time.perf_counter() - t1)
                per_cpu.append(time.process_time() - c1)
            if profiler is not None:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            report("changes.approve_many", requests=len(batch), approved=sum(r.ok for r in results),
                   total_s=round(total, 2), cpu_s=round(cpu, 2), target_s=5.0, make_and_submit_s=round(made_s, 2))
            if per:
                report("changes.approve", requests=len(per), total_s=round(sum(per), 2),
                       median_ms=round(statistics.median(per) * 1000, 2),
                       cpu_median_ms=round(statistics.median(per_cpu) * 1000, 2),
                       p95_ms=round(percentile(per, 95) * 1000, 2), target_ms=100)

            _filler(clerk, max(0, args.queue - len(ids)), [h for h, _ in rows])
            me = "clerk"
            calls = {
                "my_drafts": lambda: approving.queue(cr.DRAFT, maker=me),
                "returned_to_me": lambda: approving.queue(cr.RETURNED, maker=me),
                "awaiting_review": lambda: approving.queue(cr.SUBMITTED, not_maker="reviewer"),
                "awaiting_signoff": lambda: approving.queue(cr.APPROVED),
            }
            queues: dict[str, list[float]] = {}
            counts: dict[str, int] = {}
            for name, call in calls.items():
                for _ in range(5):
                    t1 = time.perf_counter()
                    counts[name] = len(call())
                    queues.setdefault(name, []).append(time.perf_counter() - t1)
            every = [statistics.median(v) for v in queues.values()]
            counted: list[float] = []
            for _ in range(5):
                t1 = time.perf_counter()
                tally = approving.queue_counts(me)
                counted.append(time.perf_counter() - t1)
            assert (tally.my_drafts, tally.returned_to_me, tally.awaiting_signoff) == (
                counts["my_drafts"], counts["returned_to_me"], counts["awaiting_signoff"])
            report("changes.queues", requests=args.queue, all_queues_median_s=round(sum(every), 3), target_s=0.3,
                   **{f"{k}_median_ms": round(statistics.median(v) * 1000, 1) for k, v in queues.items()},
                   queue_counts_median_ms=round(statistics.median(counted) * 1000, 1),
                   **{f"{k}_count": v for k, v in counts.items()})
            listed: dict[str, list[float]] = {}
            sizes: dict[str, int] = {}
            period = cr.period_of(dt.date.today())
            for name, call in {f"list_{s}": (lambda s=s: approving.list(status=s))
                               for s in (cr.DRAFT, cr.SUBMITTED, cr.APPROVED)}.items() | {
                    "list_period": lambda: approving.list(period=period)}.items():
                for _ in range(3):
                    t1 = time.perf_counter()
                    sizes[name] = len(call())
                    listed.setdefault(name, []).append(time.perf_counter() - t1)
            report("changes.list", requests=args.queue,
                   **{f"{k}_median_ms": round(statistics.median(v) * 1000, 1) for k, v in sorted(listed.items())},
                   **{f"{k}_count": v for k, v in sorted(sizes.items())})

            printer = PrintService(db=_as(db, "director"), settings=Settings())
            done = printer.print_batch(PrintSelection(household_nos=tuple(no for _, no in rows[:50])),
                                       pdf=Path(folder) / "forms.pdf")
            from povdesk.reports.forms import form_payload

            with db.reading() as s:
                versions = dict(s.execute(select(Household.household_no, Household.version)
                                          .where(Household.household_no.in_(done.household_nos))).all())
            opened: list[float] = []
            for no in done.household_nos:
                payload = form_payload(done.batch_id, no, versions[no])
                t1 = time.perf_counter()
                printer.find_snapshot(payload)
                opened.append(time.perf_counter() - t1)
            report("changes.open_as_printed", samples=len(opened), median_ms=round(statistics.median(opened) * 1000, 2),
                   p95_ms=round(percentile(opened, 95) * 1000, 2), target_ms=200)
        finally:
            db.close()


if __name__ == "__main__":
    main()
