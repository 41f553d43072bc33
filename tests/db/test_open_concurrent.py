"""Several desks opening one new database at once: one creates the schema and the defaults, the
others wait for it and find them there (it used to end in "table app_user already exists")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.db.models import AppUser, Meta, YearSetting
from povdesk.services.database import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.sqlite_only(reason="four processes create one new SQLite file")
def test_four_desks_open_one_new_database(tmp_path: Path) -> None:
    path = tmp_path / "county.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-m", "tests.db.open_child", str(path), "clerk"],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(4)]
    results = [(c.wait(timeout=120), c.stderr.read() if c.stderr else "") for c in children]
    for c in children:
        for stream in (c.stdout, c.stderr):
            if stream:
                stream.close()
    assert [rc for rc, _ in results] == [0, 0, 0, 0], [err[-800:] for _, err in results]
    db = Database.open(path, user="clerk", backups=None)
    try:
        with db.reading() as s:
            years = s.scalars(select(YearSetting.year)).all()
            assert len(years) == len(set(years)) > 0
            assert s.scalar(select(func.count()).select_from(AppUser).where(AppUser.login == "clerk")) == 1
            assert s.get(Meta, "data_year") is not None
    finally:
        db.close()
