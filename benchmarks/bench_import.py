"""Roster import speed and memory: a person list (layout (a)) against merely reading it.

Measured in one run: reading the file (calamine's to_python for a workbook, the csv module for a
CSV; the import itself streams an .xlsx), the full import into an empty database, and the
re-import of the same file (nothing changes). Each import runs in a child process of its own, so
its peak RSS (`own_peak_mb`, the child's VmHWM) is the import's alone. Targets: import <= 2x the
read, re-import <= first import, peak RSS <= 1.5 GB at 600,000 rows (issue 17 §1).

The roster (one household per ~4.5 members) is synthesised with a fixed seed and cached in
benchmarks/results/: ``--members 600000`` sets its size (100,000 by default), ``--csv`` writes it as
a GBK CSV (the issue's roster was one) instead of an .xlsx workbook.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import CACHE, ROOT, peak_rss_mb, report

MEMBERS = 100_000
SEED = 2019
REPEAT = 3


def roster_rows(members: int = MEMBERS, seed: int = SEED) -> Iterator[list[Any]]:
    """The synthetic roster's rows, its header first (the same rows for a workbook and a CSV)."""
    from povdesk.domain import idnumber
    from povdesk.exchange.roster_export import PERSON_LIST

    yield [h for h, _, _ in PERSON_LIST]
    rng = random.Random(seed)
    townships = ["帕哈乡", "锦城镇", "西宁镇", "汶水镇", "黄琅镇", "金沙镇", "海湾乡", "杉树堡乡", "箐口乡"]
    surnames = ["沙马", "曲比", "吉克", "阿约", "吉木", "阿力", "马海", "阿鲁", "贾巴", "吉尔"]
    given = ["拉则", "日哈", "尔古", "木呷", "伍呷", "阿呷莫", "史布莫", "阿依莫", "阿果", "阿芝"]
    relations = ["配偶", "之子", "之女", "之孙子", "之孙女", "之父", "之母"]
    written = hh = 0
    while written < members:
        hh += 1
        t = rng.randrange(len(townships))
        village = f"试点{rng.randrange(12) + 1}村"
        group = f"{rng.randrange(1, 8)}组"
        phone = f"139{rng.randrange(10**8):08d}"
        no = f"513437{t:03d}{hh:08d}"
        size = min(rng.choice([2, 3, 3, 4, 4, 5, 5, 6, 7]), members - written)
        status = rng.choice(["未脱贫", "已脱贫(享受政策)"])
        income = round(rng.uniform(2500, 9000), 2)
        surname = rng.choice(surnames)
        dangerous, cause = rng.choice(["是", "否", "否", "否"]), rng.choice(["缺技术", "因病", "缺资金"])
        for k in range(size):
            born = dt.date(rng.randrange(1940, 2018), rng.randrange(1, 13), rng.randrange(1, 29))
            pid = idnumber.make("513437", born, rng.randrange(1, 999))
            yield [
                "雷波县", townships[t], village, group, no, f"{no}{k + 1:02d}",
                surname + rng.choice(given), pid, size, "户主" if k == 0 else rng.choice(relations),
                "彝族", rng.choice(["小学", "初中", "文盲或半文盲", None]),
                rng.choice(["非在校生", "小学", "七年级"]), rng.choice(["健康", "长期慢性病", "残疾"]),
                rng.choice(["普通劳动力", "无劳动力", "丧失劳动力"]), rng.choice(["乡(镇)内务工", "省外务工", None]),
                rng.randrange(0, 13), rng.choice(["是", "否"]), status,
                2018 if status != "未脱贫" else None, "一般贫困户", cause, dangerous, "是", "否", income, phone,
            ]
            written += 1


def roster_path(members: int = MEMBERS, seed: int = SEED, *, as_csv: bool = False) -> Path:
    """The synthetic roster, written once and reused: an .xlsx (openpyxl write-only) or, with
    `as_csv`, a GBK CSV as provincial systems export it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"roster-{members}-{seed}.{'csv' if as_csv else 'xlsx'}"
    if path.exists():
        return path
    tmp = path.with_suffix(".part")
    if as_csv:
        with tmp.open("w", encoding="gbk", newline="") as fh:
            csv.writer(fh).writerows(roster_rows(members, seed))
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("贫困人口花名册")
        for row in roster_rows(members, seed):
            ws.append(row)
        wb.save(tmp)
    tmp.rename(path)
    return path


def plain_read(path: Path) -> int:
    """Rows in the file as merely reading it gives them (calamine for a workbook, csv for a CSV)."""
    if path.suffix == ".csv":
        with path.open("r", encoding="gb18030", newline="") as fh:
            return sum(1 for _ in csv.reader(fh))
    return calamine_read(path)


def calamine_read(path: Path) -> int:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    wb.close()
    return len(rows)


#: Progress marks (permille) the import reports at the end of each phase, and the phases' names.
PHASES = ((600, "read_parse"), (650, "match_places"), (850, "households"), (930, "members"),
          (960, "yearly_journal"), (1000, "commit"))


class PhaseClock:
    """Seconds spent in each import phase, from the progress the import reports anyway."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.ends: dict[str, float] = {}

    def __call__(self, done: int, total: int) -> None:
        permille = done * 1000 // max(total, 1)
        now = time.perf_counter()
        for mark, name in PHASES:
            if permille >= mark and name not in self.ends:
                self.ends[name] = now

    def phases(self) -> dict[str, float]:
        out, last = {}, self.start
        for _, name in PHASES:
            end = self.ends.get(name, last)
            out[name] = end - last
            last = end
        return out


def own_peak_mb() -> float:
    """Peak RSS of this process since it started its program: VmHWM where /proc has it. Linux keeps
    in ru_maxrss the peak of the image a child execs from, the parent's memory at the fork, and the
    parent has just read the whole roster with calamine (2 GB at 600,000 rows)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def child(path: Path, db_path: Path) -> dict[str, Any]:
    """In a process of its own: import `path` into a new database, then re-import it. Wall and CPU
    seconds of each, the import's phases, and the peak RSS after each (`own_peak_mb`)."""
    from povdesk.services.database import Database
    from povdesk.services.importer import ImportService

    db = Database.open(db_path, user="bench", backups=db_path.parent / "b")
    service = ImportService(db=db)
    clock = PhaseClock()
    t, c = time.perf_counter(), time.process_time()
    result = service.run(path, progress=clock)
    out: dict[str, Any] = {"import_s": time.perf_counter() - t, "cpu_import_s": time.process_time() - c,
                           "rss_import_mb": own_peak_mb(), "phases": clock.phases(),
                           "households": result.households_new, "members": result.members_new}
    t, c = time.perf_counter(), time.process_time()
    again = service.run(path)
    out.update(reimport_s=time.perf_counter() - t, cpu_reimport_s=time.process_time() - c,
               rss_reimport_mb=own_peak_mb(),
               reimport_changes=again.fields_changed + again.members_new + again.households_new)
    db.close()
    return out


def run_child(path: Path, db_path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_import", "--child", str(path), str(db_path)],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=MEMBERS, help="rows of the roster (default 100,000)")
    parser.add_argument("--csv", action="store_true", help="a GBK CSV person list instead of an .xlsx")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--child", nargs=2, metavar=("ROSTER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))), flush=True)
        return 0

    t0 = time.perf_counter()
    path = roster_path(args.members, as_csv=args.csv)
    built = time.perf_counter() - t0
    reads, cpu_reads, runs = [], [], []
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            n = plain_read(path)
            reads.append(time.perf_counter() - t)
            cpu_reads.append(time.process_time() - c)
            (Path(tmp) / str(i)).mkdir()
            runs.append(run_child(path, Path(tmp) / str(i) / "bench.sqlite"))

    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    read_s, import_s, cpu_read = statistics.median(reads), med("import_s"), statistics.median(cpu_reads)
    report("import_roster", rows=n - 1, kind=path.suffix[1:], households=runs[-1]["households"],
           members=runs[-1]["members"], file_mb=round(path.stat().st_size / 1e6, 1),
           build_file_s=round(built, 1), read_s=round(read_s, 3), import_s=round(import_s, 3),
           ratio=round(import_s / read_s, 2), reimport_s=round(med("reimport_s"), 3),
           reimport_changes=runs[-1]["reimport_changes"],
           runs_read=[round(x, 3) for x in reads], runs_import=[round(r["import_s"], 3) for r in runs],
           runs_reimport=[round(r["reimport_s"], 3) for r in runs],
           cpu_read_s=round(cpu_read, 3), cpu_import_s=round(med("cpu_import_s"), 3),
           cpu_ratio=round(med("cpu_import_s") / cpu_read, 2), cpu_reimport_s=round(med("cpu_reimport_s"), 3),
           peak_rss_import_mb=round(max(r["rss_import_mb"] for r in runs), 1),
           peak_rss_reimport_mb=round(max(r["rss_reimport_mb"] for r in runs), 1),
           peak_rss_parent_mb=round(peak_rss_mb(), 1),
           import_phases_median_s={name: round(statistics.median(r["phases"][name] for r in runs), 3)
                                   for _, name in PHASES},
           target="import <= 2x read, peak RSS <= 1536 MB at 600,000 rows, reimport <= import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
