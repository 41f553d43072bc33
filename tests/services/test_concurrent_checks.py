"""Two check runs at once (two threads, two connections): the second waits for the first and finds
its problems recorded; a problem is never recorded twice. (On PostgreSQL the second recorded every
problem again before the runs took a lock; on SQLite the first write already serialised them.)"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from povdesk.db.models import Problem
from povdesk.services.checks import CheckService, _Tracker
from povdesk.services.database import Database


@pytest.fixture
def checked_county(county_db: Database) -> Database:
    """The small county on the run's engine (SQLite, or PostgreSQL in the second pass)."""
    return county_db


def _open_fingerprints(db: Database) -> tuple[int, int]:
    with db.reading() as s:
        rows = s.scalar(select(func.count(Problem.id)).where(Problem.status == "open")) or 0
        distinct = s.scalar(select(func.count(func.distinct(Problem.fingerprint)))
                            .where(Problem.status == "open")) or 0
    return rows, distinct


def test_two_check_runs_at_once_never_record_a_problem_twice(checked_county: Database,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    first_holding, second_evaluated = threading.Event(), threading.Event()
    record, batches = _Tracker.record, CheckService._batches

    def record_then_hold(self: _Tracker, *args: Any, **kw: Any) -> Any:
        out = record(self, *args, **kw)
        if threading.current_thread().name == "first":  # its problems written, not yet committed
            first_holding.set()
            second_evaluated.wait(3)  # a second run that evaluates only after the commit never comes
        return out

    def batches_then_signal(self: CheckService, *args: Any, **kw: Any) -> Iterator[Any]:
        for batch in batches(self, *args, **kw):
            if threading.current_thread().name == "second":
                second_evaluated.set()
            yield batch

    monkeypatch.setattr(_Tracker, "record", record_then_hold)
    monkeypatch.setattr(CheckService, "_batches", batches_then_signal)
    results: dict[str, Any] = {}

    def run(name: str) -> Callable[[], None]:
        def work() -> None:
            try:
                results[name] = CheckService(db=checked_county).run()
            except BaseException as exc:  # handed to the test thread
                results[name] = exc
        return work

    first = threading.Thread(target=run("first"), name="first")
    first.start()
    assert first_holding.wait(30)
    second = threading.Thread(target=run("second"), name="second")
    second.start()
    first.join(60)
    second.join(60)
    a, b = results["first"], results["second"]
    assert not isinstance(a, BaseException) and not isinstance(b, BaseException), (a, b)
    assert a.opened > 0
    assert b.opened == 0 and b.still_open == a.opened  # the second saw what the first recorded
    rows, distinct = _open_fingerprints(checked_county)
    assert rows == distinct == a.opened
