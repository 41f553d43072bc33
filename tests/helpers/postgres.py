"""A throw-away PostgreSQL server on a Unix socket (no network), for the multi-workstation tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_server_user() -> tuple[list[str], int | None]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` account then."""
    if os.name != "posix" or os.geteuid() != 0:
        return [], None
    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        raise RuntimeError("running as root, but there is no 'postgres' account to run the server") from None
    return ["runuser", "-u", "postgres", "--"], uid


@contextmanager
def temporary_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh database; the server and its files go away afterwards."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    prefix, uid = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="povdesk-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if uid is not None:
        for p in (root, sock):
            os.chown(p, uid, -1)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    port = "54329"
    try:
        subprocess.run([*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "povdesk", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True, env=env)
        opts = f"-c listen_addresses='' -k {sock} -p {port} -c fsync=off -c full_page_writes=off"
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-o", opts, "-w", "-l", str(root / "log"),
                        "start"], check=True, capture_output=True, env=env)
        try:
            yield f"postgresql+psycopg://povdesk@/postgres?host={sock}&port={port}"
        finally:
            subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, env=env)
    finally:
        shutil.rmtree(root, ignore_errors=True)
