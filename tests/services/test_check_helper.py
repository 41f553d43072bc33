"""A large check run shares its work with a helper process (`services.batch_helper`): forced on a
small county, the problems recorded (ids, fingerprints, messages, values, events) and the run's
counts are exactly those of a run in one process; cancel and a failing helper write nothing."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import povdesk.services.checks as engine
from povdesk.db.models import CheckRun, Problem, ProblemEvent
from povdesk.errors import Cancelled, PovdeskError
from povdesk.services.batch_helper import BatchHelper
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from tests.helpers.check_runs import four_runs, thin_county
from tests.helpers.databases import DatabaseFactory

pytestmark = pytest.mark.sqlite_only(reason="the helper reads a SQLite file in WAL mode; PostgreSQL runs "
                                            "in one process")

BATCH = 7


def _table(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with db.reading() as s:
        problems = [tuple(r) for r in s.execute(select(
            Problem.id, Problem.fingerprint, Problem.rule, Problem.category, Problem.severity, Problem.fields,
            Problem.household_id, Problem.member_id, Problem.message_zh, Problem.message_en, Problem.values,
            Problem.status, Problem.first_run_id, Problem.last_run_id, Problem.closed_by, Problem.resolution)
            .order_by(Problem.id))]
        events = [tuple(r) for r in s.execute(select(
            ProblemEvent.problem_id, ProblemEvent.old_status, ProblemEvent.new_status, ProblemEvent.note,
            ProblemEvent.user).order_by(ProblemEvent.id))]
    return problems, events


@pytest.fixture
def serial(db_factory: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> tuple[list[tuple[Any, ...]], tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """The same county's runs in one process: their counts and the problem table they leave."""
    monkeypatch.setattr(engine, "_BATCH", BATCH)
    monkeypatch.setattr(engine, "USE_HELPER", False)
    target = db_factory.new(tmp_path, "serial")
    one = Database.open(target, user="tester")
    try:
        thin_county(one)
        return four_runs(one), _table(one)
    finally:
        one.close()
        db_factory.drop(target)


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Runs use the helper whatever their size; counts the batches it sent and each run's helpers."""
    monkeypatch.setattr(engine, "_BATCH", BATCH)
    monkeypatch.setattr(engine, "USE_HELPER", True)
    counts = {"received": 0, "helpers": 0}
    receive, start = BatchHelper._receive, BatchHelper.__init__

    def counted_receive(self: BatchHelper, pending: dict[int, Any], *, wait: bool) -> bool:
        got = receive(self, pending, wait=wait)
        counts["received"] += got
        return got

    def counted_start(self: BatchHelper) -> None:
        counts["helpers"] += 1
        start(self)

    monkeypatch.setattr(BatchHelper, "_receive", counted_receive)
    monkeypatch.setattr(BatchHelper, "__init__", counted_start)
    return counts


def _helper_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's process takes no batch itself: every batch is the helper's."""
    monkeypatch.setattr(BatchHelper, "_take", lambda self, ready, n: None)


def test_every_batch_prepared_by_the_helper_records_what_one_process_does(
        db: Database, serial: Any, helped: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    _helper_only(monkeypatch)
    thin_county(db)
    runs = four_runs(db)
    assert runs == serial[0] and runs[0][2] > 300  # opened, kept, lapsed, opened again
    assert runs[2][2] > 0 and runs[3][5] == runs[2][2]  # a higher line opens more, the old one lapses them
    assert _table(db) == serial[1]  # ids, fingerprints, messages, values, events: the same
    assert helped["helpers"] == 4 and helped["received"] == 4 * -(-120 // BATCH)
    assert not multiprocessing.active_children()


def test_batches_shared_by_both_processes_record_what_one_process_does(
        db: Database, serial: Any, helped: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's process prepares batches too while the helper's are not ready (slowed here so the
    helper, which starts a fresh interpreter, gets some)."""
    own: list[int] = []
    batches = BatchHelper.batches

    def slowed(self: BatchHelper, n: int, prepare: Callable[[int], Any], cancel: Any = None) -> Iterator[Any]:
        def mine(i: int) -> Any:
            own.append(i)
            time.sleep(0.15)
            return prepare(i)
        return batches(self, n, mine, cancel)

    monkeypatch.setattr(BatchHelper, "batches", slowed)
    thin_county(db)
    assert four_runs(db) == serial[0]
    assert _table(db) == serial[1]
    assert own and helped["received"] > 0 and len(own) + helped["received"] == 4 * -(-120 // BATCH)


def test_cancel_stops_the_helper_and_writes_nothing(db: Database, helped: dict[str, int]) -> None:
    thin_county(db)
    steps: list[int] = []

    def cancel() -> bool:
        return len(steps) >= 3  # after three batches recorded

    with pytest.raises(Cancelled):
        CheckService(db=db).run(progress=lambda done, total: steps.append(done), cancel=cancel)
    assert helped["helpers"] == 1 and len(steps) == 3
    with db.reading() as s:
        assert s.scalar(select(func.count(Problem.id))) == 0
        assert s.scalar(select(func.count(CheckRun.id))) == 0
    assert not multiprocessing.active_children()


@contextlib.contextmanager
def _failing_steps(job: Any) -> Iterator[Callable[[int], Any]]:
    """The helper's steps, failing on the third batch (runs in the helper process)."""
    with engine._helper_steps(job) as step:
        def failing(i: int) -> Any:
            if i == 2:
                raise RuntimeError("rule exploded")
            return step(i)
        yield failing


@contextlib.contextmanager
def _dying_steps(job: Any) -> Iterator[Callable[[int], Any]]:
    """The helper's steps, the process ending at the third batch without a word (killed)."""
    with engine._helper_steps(job) as step:
        def dying(i: int) -> Any:
            if i == 2:
                os._exit(9)
            return step(i)
        yield dying


def test_a_helper_that_fails_stops_the_run_with_a_clear_error_and_nothing_written(
        db: Database, helped: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    _helper_only(monkeypatch)
    monkeypatch.setattr(engine, "_helper_steps", _failing_steps)
    thin_county(db)
    with pytest.raises(PovdeskError) as failed:
        CheckService(db=db).run()
    assert failed.value.code == "check.helper"
    assert "RuntimeError: rule exploded" in failed.value.message("en")
    assert "辅助进程出错" in failed.value.message("zh") and "未记录任何结果" in failed.value.message("zh")
    assert helped["received"] == 2
    with db.reading() as s:
        assert s.scalar(select(func.count(Problem.id))) == 0
        assert s.scalar(select(func.count(CheckRun.id))) == 0
    assert not multiprocessing.active_children()


def test_a_helper_that_dies_leaves_its_batches_to_the_run(db: Database, serial: Any, helped: dict[str, int],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """A helper that ends without a word (killed, or it could not start) costs speed, not the run."""
    _helper_only(monkeypatch)
    monkeypatch.setattr(engine, "_helper_steps", _dying_steps)
    thin_county(db)
    assert four_runs(db) == serial[0]
    assert _table(db) == serial[1]
    # at most the two batches before it died came from the helper (the last may be lost with it)
    assert helped["received"] <= 4 * 2
    assert caplog.text.count("helper process ended (exit code 9); the run goes on in one process") == 4


def test_a_small_scope_or_a_chosen_few_stay_in_one_process(db: Database, monkeypatch: pytest.MonkeyPatch,
                                                          helped: dict[str, int]) -> None:
    monkeypatch.setattr(engine, "USE_HELPER", None)
    thin_county(db)
    checks = CheckService(db=db)
    checks.run()
    with db.reading() as s:
        hid = s.scalar(select(Problem.household_id).limit(1))
    monkeypatch.setattr(engine, "USE_HELPER", True)
    checks.run(household_id=hid)
    checks.run(household_ids=[hid])
    assert helped["helpers"] == 0
    monkeypatch.setattr(engine, "HELPER_MIN_HOUSEHOLDS", 100)
    monkeypatch.setattr(engine, "USE_HELPER", None)
    monkeypatch.setattr(engine, "_cores", lambda: 2)
    checks.run()
    assert helped["helpers"] == 1
    monkeypatch.setattr(engine, "_cores", lambda: 1)
    checks.run()
    assert helped["helpers"] == 1
