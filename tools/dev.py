#!/usr/bin/env python3
"""Set up and run povdesk from a fresh clone: `python3 tools/dev.py run`, `test` or `bundle`.

Creates `.venv`, installs the package with its test tools when pyproject.toml changed, installs the
system tools the tests use (Debian, as root), compiles the translations, then runs the
application or the whole check suite. `bundle` builds the one-folder program dist/povdesk/
(PyInstaller, installer/povdesk.spec; the `bundle` extra) and smoke-tests it (tools/smoke_bundle.py);
`test` ends with the same. Works on Windows with `py tools\\dev.py run`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
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


#: what the set-up installs into .venv: povdesk (editable) with its test tools, the bundle's
#: PyInstaller and the server extra (psycopg, keyring); a change here reinstalls, as pyproject's does
INSTALL_SPEC = ".[test,bundle,postgresql]"


def ensure_venv() -> None:
    if not PY.exists():
        say("creating .venv")
        check([sys.executable, "-m", "venv", VENV])
    stamp = VENV / ".povdesk-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + INSTALL_SPEC.encode()).hexdigest()
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
    check([PY, "-m", "pip", "install", "-q", "-e", INSTALL_SPEC])
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


def _parallel() -> list[str]:
    """pytest-xdist over the machine's cores (at most 4): a worker takes whole test files, so a
    module's fixtures are built once; each worker has its own PostgreSQL server and data folders."""
    workers = min(os.cpu_count() or 1, 4)
    return ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []


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
    check([PY, "-m", "pytest", "-q", *_parallel(), "-p", "tests.noqt", "-p", "no:pytest-qt", "-m",
           "not gui", "--ignore=tests/ui", *args], env=env)
    say("window tests (PySide6, offscreen), SQLite")
    check([PY, "-m", "pytest", "-q", *_parallel(), "-m", "gui", *args], env=env)
    if not (IN_CI or _postgres_installed()):
        say("PostgreSQL server not installed here: the PostgreSQL pass is left to CI")
        return bundle_and_smoke()
    say("tests that touch the database, on PostgreSQL (POVDESK_TEST_DB=postgresql)")
    check([PY, "-m", "pytest", "-q", *_parallel(), *args], env={**env, "POVDESK_TEST_DB": "postgresql"})
    return bundle_and_smoke()


def _has_pyinstaller() -> bool:
    return subprocess.run([PY, "-c", "import PyInstaller"], capture_output=True).returncode == 0


def bundle_and_smoke() -> int:
    """Build dist/povdesk/ and smoke-test the built program; without PyInstaller only CI fails."""
    if not _has_pyinstaller():
        say("PyInstaller is not installed (the `bundle` extra): no bundle built, no smoke test")
        return 1 if IN_CI else 0
    return cmd_bundle([])


def cmd_bundle(args: list[str]) -> int:
    """`bundle [--no-smoke]`: dist/povdesk/ from installer/povdesk.spec, then the smoke test.
    PyInstaller's work folder stays in build/pyinstaller, so a rebuild redoes only what changed."""
    ensure_venv()
    build_translations()
    if not _has_pyinstaller():
        say("PyInstaller is missing: install the bundle extra (`pip install -e .[bundle]` in .venv)")
        return 1
    started = time.monotonic()
    say("bundle: PyInstaller, installer/povdesk.spec -> dist/povdesk/")
    check([PY, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--workpath",
           ROOT / "build" / "pyinstaller", "--distpath", ROOT / "dist", ROOT / "installer" / "povdesk.spec"])
    size = sum(f.lstat().st_size for f in (ROOT / "dist" / "povdesk").rglob("*")
               if f.is_file() and not f.is_symlink())
    say(f"bundle built in {time.monotonic() - started:.0f} s: dist/povdesk/ holds {size / 2**20:.0f} MB")
    if "--no-smoke" in args:
        return 0
    say("smoke test of the built program (tools/smoke_bundle.py)")
    return run([PY, ROOT / "tools" / "smoke_bundle.py", "--dist", ROOT / "dist" / "povdesk"])


def _postgres_installed() -> bool:
    return bool(shutil.which("pg_ctl") or glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test", "setup", "bundle"):
        print(__doc__)
        return 2
    what, rest = sys.argv[1], sys.argv[2:]
    if what == "setup":
        ensure_system_tools()
        ensure_venv()
        build_translations()
        return 0
    if what == "bundle":
        return cmd_bundle(rest)
    return cmd_run(rest) if what == "run" else cmd_test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
