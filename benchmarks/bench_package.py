"""The monthly package on the 20,000-household county (issue 12 §6).

* exporting a package of 10,000 signed-off changes (read, changes.jsonl, workbook, sign-off sheet,
  manifest, signature, zip, recorded) (target: 3 s);
* verifying it (signature, every file's hash and size, the schema of every line) (target: 1 s).

The requests are written directly (one insert per table), signed off in 2020-01 on households with
no open error-level problem, so the export is not blocked. Each export is undone afterwards (its
package rows deleted) so that the next run exports the same 10,000 again; medians are reported.
The scale county is copied first: the cached one stays untouched.
Wall time and this process's CPU time are both reported (on a shared machine the CPU time is
the steadier figure).
Run: `.venv/bin/python -m benchmarks.bench_package [--changes N] [--repeat N] [--profile]`.
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

from sqlalchemy import delete, insert, select

from benchmarks.common import report, scale_county_path
from povdesk.db.models import (
    ChangeEvent,
    ChangeField,
    ChangePackage,
    ChangePackageItem,
    ChangeRequest,
    Household,
    Problem,
)
from povdesk.demo.service import DEMO_PASSWORD
from povdesk.domain import changes as cr
from povdesk.services.database import Database
from povdesk.services.packages import PackageService
from povdesk.services.users import UserService

PERIOD = "2020-01"


def _director(db: Database) -> Database:
    other = dataclasses.replace(db, user="director", authenticated=False)
    if other.has_logins():
        UserService(db=other).authenticate("director", DEMO_PASSWORD)
    elif UserService(db=db).role_of("director") != "director":  # a scale county built before the demo logins
        UserService(db=db).save("director", role="director")
    return other


def _signed_off(db: Database, count: int) -> None:
    """`count` signed-off corrections of 2020-01, written directly."""
    with db.reading() as s:
        blocked = select(Problem.household_id).where(Problem.status == "open", Problem.severity == "error")
        households = list(s.execute(select(Household.id, Household.phone).where(
            Household.active, Household.id.not_in(blocked)).order_by(Household.id)))
        first = (s.scalar(select(ChangeRequest.id).order_by(ChangeRequest.id.desc()).limit(1)) or 0) + 1
    at = dt.datetime(2020, 1, 31, 9, 0)
    requests, fields, events = [], [], []
    for i in range(count):
        hid, phone = households[i % len(households)]
        rid = first + i
        requests.append({"id": rid, "type": cr.CORRECT, "household_id": hid, "status": cr.SIGNED_OFF,
                         "based_on_version": 1, "reason": "入户核实", "source": "typed", "maker": "clerk",
                         "reviewer": "reviewer", "signer": "director", "period": PERIOD, "notice": {},
                         "created_at": at, "updated_at": at})
        fields.append({"request_id": rid, "entity": "household", "field": "household.phone", "member_id": None,
                       "before": phone, "after": f"137{i:08d}"})
        for n, (frm, to, user) in enumerate(((None, cr.DRAFT, "clerk"), (cr.DRAFT, cr.SUBMITTED, "clerk"),
                                             (cr.SUBMITTED, cr.APPROVED, "reviewer"),
                                             (cr.APPROVED, cr.SIGNED_OFF, "director"))):
            events.append({"request_id": rid, "at": at + dt.timedelta(minutes=n), "user": user,
                           "from_status": frm, "to_status": to, "comment": None})
    with db.transaction() as s:
        s.execute(insert(ChangeRequest), requests)
        s.execute(insert(ChangeField), fields)
        s.execute(insert(ChangeEvent), events)


def _undo(db: Database) -> None:
    with db.transaction() as s:
        s.execute(delete(ChangePackageItem))
        s.execute(delete(ChangePackage))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one export (cProfile, top 25)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "county.sqlite"
        shutil.copy(scale_county_path(), path)
        db = Database.open(path, user="bench", backups=Path(folder))
        try:
            director = _director(db)
            _signed_off(director, args.changes)
            service = PackageService(db=director)
            service.ensure_key(DEMO_PASSWORD)
            exports: list[float] = []
            verifies: list[float] = []
            export_cpu: list[float] = []
            verify_cpu: list[float] = []
            size = 0
            for run in range(args.repeat):
                out = Path(folder) / f"out{run}"
                profiler = cProfile.Profile() if args.profile and run == 0 else None
                if profiler is not None:
                    profiler.enable()
                t0, c0 = time.perf_counter(), time.process_time()
                done = service.export(PERIOD, out, password=DEMO_PASSWORD)
                exports.append(time.perf_counter() - t0)
                export_cpu.append(time.process_time() - c0)
                if profiler is not None:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
                assert done.file is not None and done.changes == args.changes
                size = done.file.stat().st_size
                t0, c0 = time.perf_counter(), time.process_time()
                check = service.verify(done.file)
                verifies.append(time.perf_counter() - t0)
                verify_cpu.append(time.process_time() - c0)
                assert check.ok, check.problems[:3]
                _undo(director)
            report("package.export", changes=args.changes, median_s=round(statistics.median(exports), 2),
                   runs_s=[round(x, 2) for x in exports], cpu_median_s=round(statistics.median(export_cpu), 2), target_s=3.0, zip_mb=round(size / 2**20, 2))
            report("package.verify", changes=args.changes, median_s=round(statistics.median(verifies), 3),
                   runs_s=[round(x, 3) for x in verifies], cpu_median_s=round(statistics.median(verify_cpu), 3),
                   target_s=1.0)
        finally:
            db.close()


if __name__ == "__main__":
    main()
