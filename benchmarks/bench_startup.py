"""Window start to a usable household list, scrolling the whole list, and peak memory (issue #2 §10).

Each run is a fresh process (interpreter start, imports, database open, QApplication offscreen,
MainWindow) timed from the parent until the child reports that the list shows its first rows.
Targets (measured, never asserted): start to usable list <= 1.5 s; RSS <= 400 MB (issue 17: <= 600 MB
on a 250,000-member county with a million open problems); opening the problems panel <= 1 s.

    .venv/bin/python -m benchmarks.bench_startup [--db PATH] [--runs 5] [--problems 1000000]

`--problems N` opens a copy of the county with N synthetic open problems added (built once by
`with_problems`, cached under benchmarks/results), so the window is measured at a million problems
without running the checks. `--code DIR` runs another checkout's povdesk (main's, exported with
`git archive`) in the same run, for a ratio. Reported: wall and CPU seconds to the usable list,
opening the problems panel (wall and CPU), when the navigator's problem counts arrived (off the
GUI thread), peak RSS, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import CACHE, ROOT, report, scale_county_path

#: (rule, every k-th current member or household): a thin roster's avalanches first (every member,
#: every household), then rules that fire here and there; rows are added in this order up to N.
SYNTHETIC_RULES = (("HLT-001", 1), ("HLT-002", 1), ("LAB-005", 1), ("HH-015", 1), ("HH-008", 7),
                   ("LAB-001", 11), ("HH-006", 13), ("LAB-010", 17), ("HH-013", 23), ("LAB-003", 29),
                   ("HLT-001", 1))


def with_problems(db: Path, problems: int) -> Path:
    """A copy of the county `db` with `problems` open problems inserted by INSERT ... SELECT (real
    rule codes, one problem per member or household and rule, like a run's), built once and kept
    next to it. Only the problem table is filled: no check run, no events."""
    import shutil
    import sqlite3

    from povdesk.domain.rules.base import MEMBER
    from povdesk.domain.rules.catalogue import by_code

    path = CACHE / f"{db.stem}-problems{problems}.sqlite"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    shutil.copyfile(db, tmp)
    rules = by_code()
    con = sqlite3.connect(tmp)
    try:
        left = problems - con.execute("SELECT count(*) FROM problem WHERE status = 'open'").fetchone()[0]
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000")
        round_no = 0
        while left > 0:  # a small county takes several rounds of the rules to reach N
            code, every = SYNTHETIC_RULES[round_no % len(SYNTHETIC_RULES)]
            round_no += 1
            rule = rules[code]
            if rule.scope == MEMBER:
                source = ("SELECT m.household_id AS hid, m.id AS mid FROM member m "
                          "JOIN household h ON h.id = m.household_id WHERE h.active = 1 AND m.id % ? = 0 "
                          "ORDER BY m.id LIMIT ?")
            else:
                source = ("SELECT h.id AS hid, NULL AS mid FROM household h WHERE h.active = 1 AND h.id % ? = 0 "
                          "ORDER BY h.id LIMIT ?")
            cur = con.execute(
                "INSERT INTO problem (rule, category, severity, household_id, member_id, fingerprint, fields, "
                "message_zh, message_en, status, opened_at) "
                f"SELECT ?, ?, ?, hid, mid, ? || ':' || hid || ':' || coalesce(mid, '') || ':' || ?, '', ?, ?, "
                f"'open', ? FROM ({source})",
                (code, rule.category, rule.severity, code, round_no, f"{rule.title_zh}（合成）",
                 f"{rule.title('en')} (synthetic)", now, every, left))
            left -= cur.rowcount
        con.commit()
    finally:
        con.close()
    tmp.rename(path)
    return path

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
path, scroll = sys.argv[1], sys.argv[2] == "1"
T0 = float(sys.argv[3])
from PySide6.QtCore import QTimer
from povdesk.ui import navigator
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.ui.application import create_application
from povdesk.ui.main_window import MainWindow

counted = {}
_set_counts = navigator.NavigatorModel.set_problem_counts
def set_counts(model, problems):  # the navigator's counts arrive off the GUI thread
    counted.setdefault("s", time.time() - T0)
    _set_counts(model, problems)
    if "done" in figures:
        QTimer.singleShot(0, app.quit)
navigator.NavigatorModel.set_problem_counts = set_counts

app = create_application([sys.argv[0]], language="zh_CN")
window = MainWindow(services=Services(db=Database.open(path, user="bench")))
window.show()
figures = {}

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def scroll_all():
    window.resize(1440, 900)
    app.processEvents()
    model, table = window.table_model, window.table
    rows = model.rowCount()
    visible = max(1, table.viewport().height() // table.verticalHeader().defaultSectionSize())
    worst, total, steps = 0.0, 0.0, 0
    t_all = time.perf_counter()
    for row in range(0, rows, visible):
        t0 = time.perf_counter()
        table.scrollTo(model.index(min(row + visible - 1, rows - 1), 0),
                       table.ScrollHint.PositionAtBottom)
        table.viewport().grab()  # paints the visible rows: every cell's data() as on screen
        dt = time.perf_counter() - t0
        worst, total, steps = max(worst, dt), total + dt, steps + 1
    figures.update(rows=rows, visible_rows=visible, scroll_steps=steps,
                   scroll_worst_step_ms=round(worst * 1000, 2),
                   scroll_mean_step_ms=round(total / max(steps, 1) * 1000, 3),
                   scroll_total_s=round(time.perf_counter() - t_all, 2),
                   page_fetches=model.page_fetches, cached_pages=model.cached_pages())

def ready(count):
    window.table_model.loaded.disconnect(ready)
    window.table_model.index(0, 0).data()
    window.table.viewport().repaint()
    figures["start_cpu_s"] = round(time.process_time(), 3)  # this process's CPU to the usable list
    print("READY", count, flush=True)
    panel = getattr(window, "problems_panel", None)
    if panel is not None:  # opening the problems panel: its grouped counts, read again
        t0, c0 = time.perf_counter(), time.process_time()
        panel.show_all() if hasattr(panel, "show_all") else panel.reload()
        figures["problems_panel_s"] = round(time.perf_counter() - t0, 3)
        figures["problems_panel_cpu_s"] = round(time.process_time() - c0, 3)
        figures["problems_shown"] = panel.summary.text()
    if scroll:
        scroll_all()
    figures["done"] = True
    if counted or not window.navigator_model.has_problem_column():
        QTimer.singleShot(0, app.quit)
    else:  # wait for the navigator's counts (20 s at most: then not measured), so they are measured too
        QTimer.singleShot(20_000, app.quit)

def finish():
    figures.pop("done", None)
    figures["navigator_counts_s"] = round(counted["s"], 3) if counted else None
    figures["peak_rss_mb"] = round(peak_mb(), 1)
    print("FIGURES", json.dumps(figures), flush=True)

app.aboutToQuit.connect(finish)

window.table_model.loaded.connect(ready)
app.exec()
"""


def one_run(db: Path, *, scroll: bool, data_dir: str, code: Path = ROOT) -> tuple[float, dict[str, Any]]:
    # as installed: the modules' byte code is kept (the first, warming run writes it)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", POVDESK_DATA_DIR=data_dir, PYTHONPATH=str(code))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), "1" if scroll else "0", str(time.time())],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=code)
    assert proc.stdout is not None
    ready = None
    figures: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("READY") and ready is None:
            ready = time.perf_counter() - t0
        elif line.startswith("FIGURES"):
            figures = json.loads(line.split(" ", 1)[1])
            break
    try:  # a count still running off the GUI thread keeps the process alive: not measured
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if ready is None:
        raise RuntimeError(f"the window never showed its list (exit code {proc.returncode})")
    return ready, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to open (default: the scale county)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-scroll", action="store_true", help="skip the run that scrolls the whole list")
    parser.add_argument("--problems", type=int, default=0,
                        help="open problems the county should hold (synthetic rows added to a copy)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose povdesk the window runs (another branch's, to compare)")
    args = parser.parse_args(argv)
    db = args.db or scale_county_path()
    if args.problems:
        db = with_problems(db, args.problems)
    with tempfile.TemporaryDirectory() as data_dir:
        one_run(db, scroll=False, data_dir=data_dir, code=args.code)  # warm the OS file cache (and migrate) once
        runs = [one_run(db, scroll=False, data_dir=data_dir, code=args.code) for _ in range(args.runs)]
        starts = [r[0] for r in runs]
        figures: dict[str, Any] = {}
        if not args.no_scroll:
            _start, figures = one_run(db, scroll=True, data_dir=data_dir, code=args.code)
            figures.pop("problems_shown", None)  # the start runs' is reported (the report refused a second)
    def median(key: str) -> float | None:
        values = [r[1][key] for r in runs if r[1].get(key) is not None]
        return round(statistics.median(values), 3) if values else None

    report("startup_to_usable_list", database=db.name, code=str(args.code), runs=args.runs,
           load_average=[round(x, 2) for x in os.getloadavg()],
           median_s=round(statistics.median(starts), 3), min_s=round(min(starts), 3),
           max_s=round(max(starts), 3), target_s=1.5, start_cpu_median_s=median("start_cpu_s"),
           start_peak_rss_mb=max(r[1].get("peak_rss_mb", 0) for r in runs),
           problems_panel_median_s=median("problems_panel_s"), problems_panel_target_s=1.0,
           problems_panel_cpu_median_s=median("problems_panel_cpu_s"),
           navigator_counts_median_s=median("navigator_counts_s"),
           problems_shown=runs[-1][1].get("problems_shown"), **figures, rss_target_mb=600)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
