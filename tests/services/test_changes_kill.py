"""Issue 11 "Done when": a kill -9 of the process in the middle of an approval or a sign-off leaves
no request half-applied - the registry, the journal, the audit chain, the request's status and the
month exactly as before - and the act succeeds when it is done again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from povdesk.domain import changes as cr
from povdesk.services.audit import AuditService
from povdesk.services.database import Database
from tests.services.changes_setup import H0, H1, TODAY, Office, office

ROOT = Path(__file__).resolve().parents[2]  # the worktree the child must import povdesk from
TABLES = ("household", "member", "change_log", "audit_log", "change_request", "change_field", "change_event",
          "period_close", "problem", "problem_event", "check_run")


def _state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.reading() as s:
        return {t: [tuple(row) for row in s.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in TABLES}


def _kill_inside(url: str, user: str, act: str, arg: str, signals: Path) -> None:
    """Run the act in a child, wait until it is inside its transaction, then kill -9 it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.services.changes_child", url, user, act, arg,
                             str(signals)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    try:
        while not (signals / "inside").exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"the child ended before it was inside its transaction ({proc.returncode}):\n{out}\n{err}")
            if time.monotonic() > deadline:
                pytest.fail("the child never reached the inside of its transaction")
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


def _submitted(o: Office) -> int:
    r = o.as_("tester").make("correct", household_no=H0, sets={"household.phone": "13911112222"}, reason="走访核实")
    o.as_("tester").submit(r.id)
    return r.id


def test_a_kill_during_an_approval_leaves_nothing_half_applied(o: Office, db_url: str, tmp_path: Path) -> None:
    request_id = _submitted(o)
    before = _state(o.db)
    _kill_inside(db_url, "rita", "approve", str(request_id), tmp_path)
    assert _state(o.db) == before
    assert o.as_("rita").get(request_id).status == cr.SUBMITTED
    done = o.as_("rita").approve(request_id)  # done again, it succeeds
    assert done.status == cr.APPROVED
    with o.db.reading() as s:
        assert s.scalar(text("SELECT phone FROM household WHERE household_no = :no"), {"no": H0}) == "13911112222"


def test_a_kill_during_a_sign_off_leaves_the_month_open(o: Office, db_url: str, tmp_path: Path) -> None:
    request_id = _submitted(o)
    o.as_("rita").approve(request_id)
    period = o.as_("rita").get(request_id).period
    assert period == cr.period_of(TODAY)
    before = _state(o.db)
    _kill_inside(db_url, "dina", "signoff", period, tmp_path)
    assert _state(o.db) == before
    assert o.as_("dina").get(request_id).status == cr.APPROVED
    assert not o.as_("dina").period(period).closed
    done = o.as_("dina").sign_off(period)
    assert done.request_ids == (request_id,)
    assert o.as_("dina").get(request_id).status == cr.SIGNED_OFF and o.as_("dina").period(period).closed


def test_a_kill_during_a_batch_of_approvals_leaves_every_request_as_it_was(o: Office, db_url: str,
                                                                         tmp_path: Path) -> None:
    first = _submitted(o)
    second = o.as_("tester").make("correct", household_no=H1, sets={"household.phone": "13933334444"},
                                  reason="走访核实")
    o.as_("tester").submit(second.id)
    before = _state(o.db)
    _kill_inside(db_url, "rita", "approve_many", f"{first},{second.id}", tmp_path)
    assert _state(o.db) == before
    assert [r.status for r in o.as_("rita")._records([first, second.id])] == [cr.SUBMITTED, cr.SUBMITTED]
    done = o.as_("rita").approve_many([first, second.id])  # done again, it succeeds
    assert [r.ok for r in done] == [True, True]
    assert AuditService(db=o.db).verify().intact
