#!/usr/bin/env python3
"""Smoke test of the BUILT program (dist/povdesk/, from `tools/dev.py bundle`), not of the checkout.

Runs the bundle with a PATH that holds no Python, no PYTHON* variables and a temporary data folder:
`--version`; `demo --households 50`; `check`; `forms` for the village with the most households (the
PDF read back: pdftotext, else pypdf); `db backup`, `db check` and `db restore` of that database; a
real county's first run headless (`init`, then the configured database opened without `--db`); a
fresh database created and migrated by the window, opened offscreen for a few seconds
(POVDESK_QUIT_AFTER) and closed cleanly. Exits non-zero with the step
named. Works on Linux and Windows: `python tools/smoke_bundle.py [--dist dist/povdesk]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
#: seconds the window stays open before it closes itself
WINDOW_SECONDS = 4
#: the demo office's one password (povdesk.demo.service); the smoke test does not import povdesk
DEMO_PASSWORD = "demo"


class SmokeFailed(Exception):
    pass


def package_version() -> str:
    init = (ROOT / "povdesk" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__\s*=\s*"([^"]+)"', init)
    assert found is not None
    return found.group(1)


def _has_python(folder: str) -> bool:
    names = ("python.exe", "python3.exe", "py.exe") if WINDOWS else ("python", "python3")
    return any(Path(folder, name).exists() for name in names) or any(
        Path(folder).glob("python3.*" if not WINDOWS else "python3*.exe"))


def bare_environment(data_dir: Path) -> dict[str, str]:
    """The environment of an office machine: no Python on PATH, no PYTHON* or virtualenv variables."""
    keep = {k: v for k, v in os.environ.items()
            if not k.upper().startswith(("PYTHON", "VIRTUAL_ENV", "CONDA", "POVDESK_"))}
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not _has_python(p))
    return {**keep, "PATH": path, "POVDESK_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen",
            "PYTHONIOENCODING": "utf-8"}


def run(step: str, argv: Sequence[str | Path], env: dict[str, str], cwd: Path, *,
        timeout: float = 300, expect: Sequence[int] = (0,), stdin: str | None = None,
        ) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    got = subprocess.run([str(a) for a in argv], env=env, cwd=cwd, capture_output=True, text=True,
                         encoding="utf-8", errors="replace", timeout=timeout, check=False, input=stdin)
    print(f"[smoke] {step}: exit {got.returncode}, {time.monotonic() - started:.1f} s", flush=True)
    if got.returncode not in expect:
        raise SmokeFailed(f"{step}: exit {got.returncode}\n--- stdout\n{got.stdout[-3000:]}\n"
                          f"--- stderr\n{got.stderr[-3000:]}")
    return got


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              encoding="utf-8", check=True).stdout
    try:
        from pypdf import PdfReader
    except ImportError as exc:
        raise SmokeFailed("cannot read the PDF back: neither pdftotext nor pypdf is here") from exc
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def smoke(dist: Path) -> None:
    gui = dist / f"povdesk{EXE}"
    # Windows: povdesk.exe has no console; its twin povdesk-cli.exe has. Elsewhere one program.
    cli = dist / "povdesk-cli.exe" if WINDOWS else gui
    for program in (cli, gui):
        if not program.is_file():
            raise SmokeFailed(f"{program} is missing: build it first (tools/dev.py bundle)")
    with tempfile.TemporaryDirectory(prefix="povdesk-smoke-") as tmp:
        work = Path(tmp)
        data = work / "data"
        env = bare_environment(data)
        db = data / "smoke.sqlite"
        common: list[str | Path] = ["--data-dir", data, "--lang", "zh_CN", "--db", db]

        got = run("--version", [cli, "--version"], env, work)
        if got.stdout.strip() != f"povdesk {package_version()}":
            raise SmokeFailed(f"--version said {got.stdout.strip()!r}, the package is {package_version()}")

        got = run("demo --households 50", [cli, *common, "demo", "--households", "50"], env, work)
        if "50 户" not in got.stdout:
            raise SmokeFailed(f"demo: unexpected output {got.stdout!r}")

        # the demo office has logins: recording problems is a write, done as its director
        # (which also proves argon2's binding works in the bundle)
        director = {**env, "POVDESK_PASSWORD": DEMO_PASSWORD}
        got = run("check", [cli, *common, "--user", "director", "check", "--summary", "--format", "json"],
                  director, work)
        summary = json.loads(got.stdout).get("summary", {})
        if summary.get("households_checked") != 50 or not summary.get("open"):
            raise SmokeFailed(f"check: 50 households with the demo's faults expected, got {summary}")

        with sqlite3.connect(db) as con:  # the village with the most households
            village, households = con.execute(
                "SELECT v.code, count(*) FROM household h JOIN village v ON v.id = h.village_id "
                "GROUP BY v.code ORDER BY count(*) DESC, v.code LIMIT 1").fetchone()
            numbers = [n for (n,) in con.execute(
                "SELECT h.household_no FROM household h JOIN village v ON v.id = h.village_id "
                "WHERE v.code = ?", (village,))]
        pdf = work / "forms.pdf"
        got = run(f"forms --village {village}",
                  [cli, *common, "--user", "director", "forms", "--village", village, "--out", pdf],
                  director, work)
        text = pdf_text(pdf)
        if "对照表" not in text or not any(n in text for n in numbers):
            raise SmokeFailed(f"the forms PDF of village {village} ({households} households) lacks the "
                              f"title or its household numbers:\n{text[:1500]}")

        # backups: a copy with its manifest, the copy checked, and restored over the database
        copy = work / "backup.sqlite"
        got = run("db backup", [cli, *common, "--user", "director", "db", "backup", "--out", copy], director, work)
        if "50 户" not in got.stdout or not copy.is_file():
            raise SmokeFailed(f"db backup: unexpected output {got.stdout!r}")
        run("db check", [cli, *common, "db", "check"], env, work)
        got = run("db restore", [cli, *common, "db", "restore", copy], env, work)
        if "50 户" not in got.stdout:
            raise SmokeFailed(f"db restore: unexpected output {got.stdout!r}")

        # a real county's first run, headless; the command line then opens it without --db
        office = work / "office"
        office_env = bare_environment(office)
        got = run("init (a real county)",
                  [cli, "--data-dir", office, "--lang", "zh_CN", "init", "--county", "513437",
                   "--township", "513437100:锦城镇", "--township", "513437101:汶水镇",
                   "--data-folder", office, "--director", "zhang", "--password-stdin"],
                  office_env, work, stdin="Smoke-test-1\n")
        if "2 个乡镇" not in got.stdout:
            raise SmokeFailed(f"init: unexpected output {got.stdout!r}")
        got = run("db info (the configured database)", [cli, "--data-dir", office, "db", "info"], office_env, work)
        if "county-513437.sqlite" not in got.stdout:
            raise SmokeFailed(f"db info did not open the county set up by init:\n{got.stdout}")

        # the window on a new database (created and migrated by the bundle's Alembic), offscreen
        fresh: list[str | Path] = ["--data-dir", data, "--lang", "zh_CN", "--db", data / "window.sqlite"]
        window_env = {**env, "POVDESK_QUIT_AFTER": str(WINDOW_SECONDS)}
        # povdesk.exe has no stderr on Windows to report on: its console twin opens the same window
        got = run("window (offscreen)", [cli, *fresh], window_env, work, timeout=120)
        if "windows shown: MainWindow" not in got.stderr:
            raise SmokeFailed(f"the main window was not shown:\n{got.stderr[-3000:]}")
        if "translations: povdesk_zh_CN, qtbase_zh_CN" not in got.stderr:
            raise SmokeFailed(f"povdesk's or Qt's Chinese translation did not load:\n{got.stderr[-3000:]}")
        if "Traceback" in got.stderr:
            raise SmokeFailed(f"the window logged a traceback:\n{got.stderr[-3000:]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "povdesk", help="the bundle folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        smoke(args.dist.resolve())
    except (SmokeFailed, subprocess.TimeoutExpired) as exc:
        print(f"[smoke] FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"[smoke] the bundle works ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
