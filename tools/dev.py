#!/usr/bin/env python3
"""Set up and run povdesk from a fresh clone: `python3 tools/dev.py run` or `python3 tools/dev.py test`.

Creates `.venv`, installs the package with its test tools when pyproject.toml changed, installs the
system tools the tests use (Debian, as root), compiles the translations, then runs the
application or the whole check suite. Works on Windows with `py tools\\dev.py run`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
WINDOWS = platform.system() == "Windows"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
PY = BIN / ("python.exe" if WINDOWS else "python")
IN_CI = os.environ.get("CI", "").lower() == "true"

#: Debian packages the tests and screenshots use, each with a probe that proves it is there:
#: a command on PATH, or an absolute path pattern; None = ask dpkg.
DEBIAN_TOOLS: dict[str, str | None] = {
    "xvfb": "Xvfb",
    "xauth": "xauth",
    "poppler-utils": "pdftoppm",
    "zbar-tools": "zbarimg",
    "fonts-wqy-microhei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "postgresql": "/usr/lib/postgresql/*/bin/pg_ctl",
    "libegl1": None,
    "libxkbcommon-x11-0": None,
    "libxcb-cursor0": None,
    "libxcb-icccm4": None,  # the Qt xcb plugin (window under Xvfb) links these two
    "libxcb-keysyms1": None,
    "libfontconfig1": None,
    "libgl1": None,
    "libdbus-1-3": None,
}


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def run(cmd: Sequence[str | Path], *, env: Mapping[str, str] | None = None) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def check(cmd: Sequence[str | Path], *, env: Mapping[str, str] | None = None) -> None:
    code = run(cmd, env=env)
    if code:
        say(f"failed ({code}): {' '.join(map(str, cmd))}")
        raise SystemExit(code)


def _present(pkg: str, probe: str | None) -> bool:
    if probe is None:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        return "install ok installed" in status.stdout
    if probe.startswith("/"):
        return bool(glob.glob(probe))
    return shutil.which(probe) is not None


def ensure_system_tools() -> None:
    if platform.system() != "Linux" or not Path("/etc/debian_version").exists():
        return
    missing = [pkg for pkg, probe in DEBIAN_TOOLS.items() if not _present(pkg, probe)]
    if not missing:
        return
    if os.geteuid() != 0:
        say(f"missing Debian packages (install as root): {' '.join(missing)}")
        if IN_CI:
            raise SystemExit(1)
        return
    say(f"installing {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    check(["apt-get", "update", "-qq"], env=env)
    check(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def ensure_venv() -> None:
    if not PY.exists():
        say("creating .venv")
        check([sys.executable, "-m", "venv", VENV])
    stamp = VENV / ".povdesk-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if VENV.is_symlink():
        # a worktree borrowing another checkout's .venv: `pip install -e .` from here would point
        # that checkout's editable install at this tree
        say(f".venv is shared with {VENV.resolve().parent}: not reinstalling from here although "
            "pyproject.toml changed (run `tools/dev.py setup` there to update it)")
        return
    say("installing povdesk and its test tools into .venv")
    check([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    check([PY, "-m", "pip", "install", "-q", "-e", ".[test]"])
    stamp.write_text(digest)


def build_translations() -> None:
    check([PY, ROOT / "tools" / "i18n.py", "compile"])


def cmd_run(args: list[str]) -> int:
    ensure_system_tools()
    ensure_venv()
    build_translations()
    argv: list[str | Path] = [BIN / ("povdesk.exe" if WINDOWS else "povdesk"), *args]
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if platform.system() == "Linux" and headless and shutil.which("xvfb-run"):
        say("no display here: running on a virtual screen (Xvfb); screenshots work, nothing is shown")
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *argv]
    # the demo county stays the default here (no first-run dialog)
    return run(argv, env={**os.environ, "POVDESK_FIRST_RUN": os.environ.get("POVDESK_FIRST_RUN", "demo")})


def cmd_test(args: list[str]) -> int:
    ensure_system_tools()
    ensure_venv()
    build_translations()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    say("ruff (lint)")
    check([PY, "-m", "ruff", "check", "povdesk", "tests", "tools", "benchmarks"], env=env)
    say("import-linter (layer contracts)")
    check([BIN / ("lint-imports.exe" if WINDOWS else "lint-imports")], env=env)
    say("mypy (types: strict on domain and services; files and flags in pyproject.toml)")
    check([PY, "-m", "mypy"], env=env)
    say("translations complete")
    check([PY, ROOT / "tools" / "i18n.py", "verify"], env=env)
    # Each test runs once on SQLite: the core ones with Qt blocked (which proves the core needs no
    # Qt), then the window's ones (marked `gui`, as everything under tests/ui is) with Qt.
    say("core tests without PySide6 (Qt blocked at import), SQLite")
    check([PY, "-m", "pytest", "-q", "-p", "tests.noqt", "-p", "no:pytest-qt", "-m", "not gui",
           "--ignore=tests/ui", *args], env=env)
    say("window tests (PySide6, offscreen), SQLite")
    check([PY, "-m", "pytest", "-q", "-m", "gui", *args], env=env)
    if not (IN_CI or _postgres_installed()):
        say("PostgreSQL server not installed here: the PostgreSQL pass is left to CI")
        return 0
    say("tests that touch the database, on PostgreSQL (POVDESK_TEST_DB=postgresql)")
    return run([PY, "-m", "pytest", "-q", *args], env={**env, "POVDESK_TEST_DB": "postgresql"})


def _postgres_installed() -> bool:
    return bool(shutil.which("pg_ctl") or glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    what, rest = sys.argv[1], sys.argv[2:]
    if what == "setup":
        ensure_system_tools()
        ensure_venv()
        build_translations()
        return 0
    return cmd_run(rest) if what == "run" else cmd_test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
