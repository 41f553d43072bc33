"""The table of issue 17 (the largest counties) in one command, for each county size asked.

    .venv/bin/python -m benchmarks.bench_largest [--households 20000 52000] [--runs 3]

For each size, on the county a thin first roster leaves (`common.scale_county_path(...,
columns_missing=True)`: no medical insurance, no cadres):

- **import**: a GBK CSV person list of that county's size (4.8 members a household, as the issue's
  250,000-member roster of 52,175 households), into an empty database (`bench_import --csv`);
- **check**: `povdesk check --format json --out`, first run and the same again with nothing
  changed (`bench_checks --columns-missing`);
- **window**: start to a usable household list and opening the problems panel, with the county's
  problems made a million (`bench_startup --problems`).

Then once, whatever the size: one file of 600,000 rows imported as .xlsx and as CSV
(`bench_import --members 600000`), and a print batch of 5,000 households (`bench_forms --memory`).

Each figure comes from the benchmark that owns it, run as a child process (each reports its own
peak memory); this script only runs them and lays their numbers out against the issue's targets,
as the last lines it prints (Markdown). Expect about a quarter of an hour with both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

from benchmarks.common import LARGE_HOUSEHOLDS, ROOT, SCALE_HOUSEHOLDS, scale_county_path

MEMBERS_PER_HOUSEHOLD = 4.8
PROBLEMS = 1_000_000


def bench(module: str, *args: str, name: str) -> dict[str, Any]:
    """The last report named `name` that `python -m benchmarks.<module> ARGS` prints."""
    done = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    found = [r for r in rows if r.get("benchmark") == name]
    if not found:
        raise SystemExit(f"benchmarks.{module} {' '.join(args)} printed no {name!r} report:\n{done.stdout[-2000:]}")
    print(json.dumps(found[-1], ensure_ascii=False), flush=True)
    return found[-1]


def one_size(households: int, runs: int) -> dict[str, Any]:
    county = scale_county_path(households, columns_missing=True)
    members = round(households * MEMBERS_PER_HOUSEHOLD / 1000) * 1000
    imported = bench("bench_import", "--members", str(members), "--csv", "--repeat", str(runs), name="import_roster")
    checked = bench("bench_checks", "--columns-missing", "--households", str(households), "--runs", str(runs),
                    "--no-panel", name="checks.missing_columns")
    window = bench("bench_startup", "--db", str(county), "--problems", str(PROBLEMS), "--runs", str(max(runs, 5)),
                   "--no-scroll", name="startup_to_usable_list")
    return {"households": households, "members": members, "import": imported, "check": checked, "window": window}


def table(sizes: list[dict[str, Any]], once: dict[str, Any] | None) -> list[str]:
    """The issue's table: a column per county size, then the measures taken once."""
    flat = [{"m": s["members"], **{f"{k}_{n}": v for k in ("import", "check", "window") for n, v in s[k].items()}}
            for s in sizes]

    def row(label: str, cell: str, target: str) -> str:
        return f"| {label} | {' | '.join(cell.format(**s) for s in flat)} | {target} |"

    heads = " | ".join(f"{s['households']:,} households" for s in sizes)
    lines = [
        f"| step | {heads} | target |",
        "|---|" + "---|" * len(sizes) + "---|",
        row("import (GBK CSV person list)",
            "{m:,} members: {import_import_s:.1f} s, {import_peak_rss_import_mb:,.0f} MB", "≤ 1.5 GB"),
        row("`check --format json --out`",
            "{check_json_out_median_s:.1f} s, {check_json_out_peak_rss_mb:,.0f} MB ({check_json_out_mb:,.0f} MB of JSON)",
            "≤ 30 s, ≤ 1 GB"),
        row("the same again, nothing changed", "{check_json_rerun_median_s:.1f} s", "faster than the first"),
        row(f"window to a usable list ({PROBLEMS:,} problems)",
            "{window_median_s:.2f} s, {window_start_peak_rss_mb:,.0f} MB", "≤ 1.5 s, ≤ 600 MB"),
        row("opening the problems panel", "{window_problems_panel_median_s:.2f} s", "≤ 1 s"),
    ]
    if once is not None:
        xlsx, csv, forms = once["xlsx"], once["csv"], once["forms"]
        lines += ["", "| once | measured | target |", "|---|---|---|",
                  f"| 600,000-row .xlsx import | {xlsx['import_s']:.1f} s, {xlsx['peak_rss_import_mb']:,.0f} MB "
                  "| ≤ 1.5 GB |",
                  f"| 600,000-row CSV import | {csv['import_s']:.1f} s, {csv['peak_rss_import_mb']:,.0f} MB | ≤ 1.5 GB |",
                  f"| print batch of {forms['households']:,} households | {forms['median_s']:.0f} s, "
                  f"{forms['peak_rss_mb']:,.0f} MB | ≤ 300 MB |"]
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [*lines, "", f"{os.cpu_count()} cores, {memory_gb:.0f} GB, load average at the end {os.getloadavg()[0]:.1f}"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--households", type=int, nargs="+", default=[SCALE_HOUSEHOLDS, LARGE_HOUSEHOLDS])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (medians; the window: at least 5)")
    parser.add_argument("--skip-once", action="store_true", help="leave out the 600,000-row imports and the print batch")
    args = parser.parse_args(argv)
    sizes = [one_size(n, args.runs) for n in args.households]
    once = None if args.skip_once else {
        "xlsx": bench("bench_import", "--members", "600000", "--repeat", "1", name="import_roster"),
        "csv": bench("bench_import", "--members", "600000", "--csv", "--repeat", "1", name="import_roster"),
        "forms": bench("bench_forms", "--memory", "5000", "--repeat", "1", name="forms_batch_memory"),
    }
    print("\n".join(table(sizes, once)))


if __name__ == "__main__":
    main()
