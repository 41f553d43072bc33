"""Roster import speed: a 100,000-member person list against python-calamine merely reading it.

Measured in one run: calamine reading the workbook (to_python), the full import into an empty
database, and the re-import of the same file (nothing changes). Target: import <= 2x the read,
peak RSS < 1 GB, re-import <= first import. The roster (about 22,000 households, layout (a)) is
synthesised with a fixed seed and cached in benchmarks/results/.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import CACHE, peak_rss_mb, report

MEMBERS = 100_000
SEED = 2019
REPEAT = 3


def roster_path(members: int = MEMBERS, seed: int = SEED) -> Path:
    """The synthetic roster workbook, written once (openpyxl write-only) and reused."""
    from openpyxl import Workbook

    from povdesk.domain import idnumber
    from povdesk.exchange.roster_export import PERSON_LIST

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"roster-{members}-{seed}.xlsx"
    if path.exists():
        return path
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("贫困人口花名册")
    ws.append([h for h, _, _ in PERSON_LIST])
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
            ws.append([
                "雷波县", townships[t], village, group, no, f"{no}{k + 1:02d}",
                surname + rng.choice(given), pid, size, "户主" if k == 0 else rng.choice(relations),
                "彝族", rng.choice(["小学", "初中", "文盲或半文盲", None]),
                rng.choice(["非在校生", "小学", "七年级"]), rng.choice(["健康", "长期慢性病", "残疾"]),
                rng.choice(["普通劳动力", "无劳动力", "丧失劳动力"]), rng.choice(["乡(镇)内务工", "省外务工", None]),
                rng.randrange(0, 13), rng.choice(["是", "否"]), status,
                2018 if status != "未脱贫" else None, "一般贫困户", cause, dangerous, "是", "否", income, phone,
            ])
            written += 1
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    tmp.rename(path)
    return path


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


def main() -> int:
    from povdesk.services.database import Database
    from povdesk.services.importer import ImportService

    t0 = time.perf_counter()
    path = roster_path()
    built = time.perf_counter() - t0
    reads, imports, reimports = [], [], []
    phases: list[dict[str, float]] = []
    cpu: dict[str, list[float]] = {"read": [], "import": [], "reimport": []}
    result = again = None
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEAT):
            t, c = time.perf_counter(), time.process_time()
            n = calamine_read(path)
            reads.append(time.perf_counter() - t)
            cpu["read"].append(time.process_time() - c)
            db = Database.open(Path(tmp) / f"bench-{i}.sqlite", user="bench", backups=Path(tmp) / "b")
            service = ImportService(db=db)
            clock = PhaseClock()
            t, c = time.perf_counter(), time.process_time()
            result = service.run(path, progress=clock)
            imports.append(time.perf_counter() - t)
            phases.append(clock.phases())
            cpu["import"].append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            again = service.run(path)
            reimports.append(time.perf_counter() - t)
            cpu["reimport"].append(time.process_time() - c)
            db.close()
    assert result is not None and again is not None
    read_s, import_s, reimport_s = (statistics.median(x) for x in (reads, imports, reimports))
    report("import_roster", rows=n - 1, households=result.households_new, members=result.members_new,
           file_mb=round(path.stat().st_size / 1e6, 1), build_file_s=round(built, 1),
           calamine_read_s=round(read_s, 3), import_s=round(import_s, 3),
           ratio=round(import_s / read_s, 2), reimport_s=round(reimport_s, 3),
           reimport_changes=again.fields_changed + again.members_new + again.households_new,
           runs_read=[round(x, 3) for x in reads], runs_import=[round(x, 3) for x in imports],
           runs_reimport=[round(x, 3) for x in reimports],
           cpu_read_s=round(statistics.median(cpu["read"]), 3),
           cpu_import_s=round(statistics.median(cpu["import"]), 3),
           cpu_ratio=round(statistics.median(cpu["import"]) / statistics.median(cpu["read"]), 2),
           cpu_reimport_s=round(statistics.median(cpu["reimport"]), 3), peak_rss_mb=round(peak_rss_mb(), 1),
           import_phases_median_s={name: round(statistics.median(p[name] for p in phases), 3)
                                   for _, name in PHASES},
           target="import <= 2x read, RSS < 1024 MB, reimport <= import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
