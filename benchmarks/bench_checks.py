"""Check engine speed: the whole catalogue over the 20,000-household county (target <= 3 s) and one
household after an edit (target <= 50 ms). Runs on a copy so the cached county stays clean.

`checks.missing_columns`: the 22,000-household county of a thin first roster (no medical insurance,
no cadres: ~223,000 open problems, issue 9 item 13): the engine's first run, the whole
`check --format json --out` (first and, nothing changed, again) and `check --summary` (target <= 8 s),
each in a fresh process with its peak memory, and the problems panel opened on it.
`--columns-missing [--households 52000] [--runs N] [--no-panel]` runs this section only, on a thin
county of that size (issue 17: 52,000 households, whole command <= 30 s and <= 1 GB).

`first_run_median_s` is the median of three first recorded runs, each in a fresh process (they open
every problem); peak memory is theirs. Compare with a baseline tree run alternately on the same
machine, not with a figure from another day."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    MISSING_HOUSEHOLDS,
    MISSING_MEMBER_COLUMNS,
    children_cpu_s,
    demo_login,
    peak_rss_mb,
    percentile,
    report,
    scale_county_path,
    timed,
)


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
        demo_login(db)
        t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu_s()
        CheckService(db=db).run()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        db.close()
    # children: the run's helper process (a county of 8,000 households or more), its CPU and peak
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_rss_mb": peak_rss_mb(),
                      "children_cpu_s": children_cpu_s() - k0,
                      "children_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}))


def _child(*args: str) -> dict:
    """Run this module with `args` in a fresh process; the JSON line it printed last (a tree without
    the feature measured, e.g. a baseline without `--summary`: {"failed": ...})."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_checks", *args], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    if out.returncode != 0 or not out.stdout.strip():
        return {"failed": (out.stderr.strip().splitlines() or ["?"])[-1], "seconds": float("nan"), "cpu_s": float("nan"),
                "peak_rss_mb": float("nan"), "out_mb": 0.0}
    return json.loads(out.stdout.strip().splitlines()[-1])


def command_only(source: Path, *argv: str, again: bool = False) -> None:
    """`povdesk check ARGV` on a fresh copy of the county, timed in this process. `again`: run it
    once untimed first, then time the second run (nothing changed: every problem carried forward)."""
    from povdesk.cli import main as cli
    from povdesk.demo.service import DEMO_PASSWORD

    os.environ["POVDESK_PASSWORD"] = DEMO_PASSWORD  # the demo county's director logs in
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        shutil.copy(source, path)
        out = Path(tmp) / "problems.json"
        args = ["--db", str(path), "--data-dir", tmp, "--lang", "zh_CN", "--user", "director", "check",
                *[str(out) if a == "OUT" else a for a in argv]]
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
            if again:
                cli(args)
            t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu_s()
            code = cli(args)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = out.stat().st_size if out.exists() else 0
    # cpu_s: this process's own processor time (on a shared, loaded machine the wall time is not its own);
    # children: the check run's helper process
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_rss_mb": peak_rss_mb(), "exit": code,
                      "out_mb": size / 2**20, "children_cpu_s": children_cpu_s() - k0,
                      "children_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}))


def panel_only(source: Path) -> None:
    """The problems panel opened on a checked county (offscreen): to its first rows shown."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from povdesk.services.checks import CheckService
    from povdesk.services.database import Database
    from povdesk.services.facade import Services
    from povdesk.ui.application import create_application
    from povdesk.ui.problems_panel import ProblemsPanel

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        shutil.copy(source, path)
        db = Database.open(path, user="bench", backups=Path(tmp))
        demo_login(db)
        CheckService(db=db).run()
        app = create_application([sys.argv[0]], language="zh_CN")
        rss_before = peak_rss_mb()
        t0 = time.perf_counter()
        panel = ProblemsPanel(services=Services(db=db))
        panel.resize(1400, 500)
        panel.show()
        app.processEvents()
        seconds = time.perf_counter() - t0
        model = panel.model
        groups = getattr(model, "groups", [])  # (a baseline tree's model has none)
        figures = {"seconds": seconds, "rows": model.rowCount(), "groups": [g.rule for g in groups],
                   "grouped_line": model.index(0, model.COLUMNS.index("message")).data() if groups else None,
                   "pages_read": getattr(model, "page_fetches", None), "peak_rss_mb": peak_rss_mb(),
                   "rss_before_panel_mb": rss_before}
        panel.close()
        db.close()
    print(json.dumps(figures, ensure_ascii=False))


def missing_columns(households: int = MISSING_HOUSEHOLDS, runs: int = 3, panel_too: bool = True) -> None:
    """The thin-roster county: ~223,000 problems opened by the first run at 22,000 households,
    about half a million at 52,000 (`--households 52000`). Also the same command run again with
    nothing changed (`json_rerun_*`: every problem carried forward)."""
    source = scale_county_path(households, columns_missing=True)
    firsts = [_child("--first-run-only", str(source)) for _ in range(runs)]
    commands = [_child("--command-only", str(source), "--format", "json", "--out", "OUT") for _ in range(runs)]
    reruns = [_child("--command-again", str(source), "--format", "json", "--out", "OUT") for _ in range(runs)]
    summaries = [_child("--command-only", str(source), "--summary", "--format", "json") for _ in range(runs)]
    panel: dict[str, Any] = (_child("--panel-only", str(source)) if panel_too else
                             {"seconds": float("nan"), "rows": None, "groups": None, "pages_read": None,
                              "grouped_line": None, "peak_rss_mb": float("nan")})

    def median(rows: list[dict], key: str = "seconds") -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    def peak(rows: list[dict], key: str = "peak_rss_mb") -> float:
        return round(max(r.get(key, 0.0) for r in rows), 1)

    def cpu_all(rows: list[dict]) -> float:
        """The median processor time of the process and its helper together."""
        return round(statistics.median(r["cpu_s"] + r.get("children_cpu_s", 0.0) for r in rows), 3)

    report("checks.missing_columns", households=households, cpus=os.cpu_count(),
           memory_gb=round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
           load_average=[round(x, 1) for x in os.getloadavg()],
           columns_missing=[*MISSING_MEMBER_COLUMNS, "cadre", "pairing"], engine_first_run_median_s=median(firsts),
           engine_runs_s=[round(r["seconds"], 3) for r in firsts], engine_cpu_median_s=median(firsts, "cpu_s"),
           engine_peak_rss_mb=peak(firsts), engine_cpu_with_helper_median_s=cpu_all(firsts),
           engine_helper_peak_rss_mb=peak(firsts, "children_peak_rss_mb"),
           json_out_median_s=median(commands), json_out_runs_s=[round(r["seconds"], 3) for r in commands],
           json_out_mb=round(commands[0]["out_mb"], 1),
           json_out_peak_rss_mb=peak(commands), json_out_cpu_median_s=median(commands, "cpu_s"),
           json_out_cpu_with_helper_median_s=cpu_all(commands),
           json_out_helper_peak_rss_mb=peak(commands, "children_peak_rss_mb"),
           json_rerun_median_s=median(reruns), json_rerun_runs_s=[round(r["seconds"], 3) for r in reruns],
           json_rerun_peak_rss_mb=peak(reruns), json_rerun_cpu_median_s=median(reruns, "cpu_s"),
           json_rerun_cpu_with_helper_median_s=cpu_all(reruns),
           summary_median_s=median(summaries), summary_runs_s=[round(r["seconds"], 3) for r in summaries],
           summary_peak_rss_mb=peak(summaries), target_s=8.0,
           panel_open_s=round(panel["seconds"], 3), panel_rows=panel["rows"], panel_groups=panel["groups"],
           panel_pages_read=panel["pages_read"], panel_grouped_line=panel["grouped_line"],
           panel_peak_rss_mb=round(panel["peak_rss_mb"], 1))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--first-run-only":
        first_run_only(Path(sys.argv[2]))
        return
    if len(sys.argv) >= 3 and sys.argv[1] in ("--command-only", "--command-again"):
        command_only(Path(sys.argv[2]), *sys.argv[3:], again=sys.argv[1] == "--command-again")
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--panel-only":
        panel_only(Path(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--columns-missing"]:
        import argparse

        parser = argparse.ArgumentParser(prog="benchmarks.bench_checks --columns-missing")
        parser.add_argument("--households", type=int, default=MISSING_HOUSEHOLDS)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--no-panel", action="store_true", help="leave out the problems panel")
        args = parser.parse_args(sys.argv[2:])
        missing_columns(args.households, args.runs, not args.no_panel)
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
        demo_login(db)
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
    missing_columns()


if __name__ == "__main__":
    main()
