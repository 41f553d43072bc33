"""Issue 12 §2 "Atomic": a kill -9 before the zip takes its name marks nothing as exported; once the
export has committed the database says exported. Killed between the rename and the commit, the file
is there but unrecorded: the next export writes the same bytes again and records them, so no request
goes out twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from povdesk.services.database import Database
from tests.services.changes_setup import Office, office
from tests.services.package_setup import PASSWORD, PERIOD, as_director, signed_month

ROOT = Path(__file__).resolve().parents[2]
NAME = f"513437-{PERIOD}-001.zip"


@pytest.fixture
def o(county_db: Database) -> Office:
    o = office(county_db)
    signed_month(o)
    as_director(o).ensure_key(PASSWORD)
    return o


def _kill_inside(url: str, out: Path, signals: Path, when: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.services.package_child", url, "dina", PASSWORD, PERIOD,
                             str(out), str(signals), when], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while not (signals / "inside").exists():
            if proc.poll() is not None:
                stdout, stderr = proc.communicate()
                pytest.fail(f"the child ended before the kill point ({proc.returncode}):\n{stdout}\n{stderr}")
            if time.monotonic() > deadline:
                pytest.fail("the child never reached the kill point")
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_kill_before_the_rename_marks_nothing(o: Office, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _kill_inside(db_url, out, tmp_path, "before")
    assert NAME not in _files(out)
    svc = as_director(o)
    assert svc.history() == [] and svc.preview(PERIOD).changes == 3
    done = svc.export(PERIOD, out, password=PASSWORD)  # done again, it succeeds
    assert done.file == out / NAME and done.sequence == 1 and _files(out) == [NAME]
    assert svc.verify(done.file).ok


def test_after_the_commit_the_database_says_exported(o: Office, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _kill_inside(db_url, out, tmp_path, "done")
    svc = as_director(o)
    assert [p.file_name for p in svc.history()] == [NAME] and _files(out) == [NAME]
    assert svc.preview(PERIOD).changes == 0
    assert svc.export(PERIOD, out, password=PASSWORD).file is None
    assert svc.verify(out / NAME).ok


def test_a_kill_between_rename_and_commit_is_written_again_identically(o: Office, db_url: str,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    _kill_inside(db_url, out, tmp_path, "after")
    left = (out / NAME).read_bytes()
    svc = as_director(o)
    assert svc.history() == []
    done = svc.export(PERIOD, out, password=PASSWORD)
    assert done.file == out / NAME and done.sequence == 1
    assert done.file.read_bytes() == left  # the same package: the province never gets a request twice
    assert [p.file_name for p in svc.history()] == [NAME]
