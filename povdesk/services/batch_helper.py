"""A second process that prepares batches while this one records them (the check run, issue 17).

A large check run is two kinds of work: preparing a batch of households (reading it, running the
rules, making each problem's row) needs only reads; recording it needs the run's one write
transaction. A `BatchHelper` is a process on the workstation's second core that prepares batches
from a read connection of its own, while the run's process records the batches strictly in order
and prepares batches itself whenever it has nothing to record: whoever is free takes the next
batch (one shared counter), so neither waits for the other while there is work.

The helper stays at most `AHEAD` batches in front of the recording, so memory stays flat. It is
started with the "spawn" method, the same on Windows, Linux and in the bundle (whose entry point
calls `multiprocessing.freeze_support()` first), before the run builds its check context, and gets
its job once that is built: its start-up (a fresh interpreter importing the engine) overlaps the
context. The job (`setup`, `job`) is plain data sent by pickle: `setup(job)` is a context manager
the helper enters once, giving `step(i)`, batch i prepared. A helper whose step raised sends the
error: the run stops with `PovdeskError` "check.helper" (the traceback in the log) and its
transaction rolls back. A helper that ended without a word (it could not start: a script without
the `if __name__ == "__main__":` guard spawn needs; or it was killed) costs speed, not the run: this
process prepares its batches. Cancel, an error or the end of the run stop the helper (`close`).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from povdesk.errors import Cancelled, PovdeskError

log = logging.getLogger(__name__)

#: batches the helper may have prepared and not yet seen recorded (each ~20,000 rows on a thin roster)
AHEAD = 3
#: seconds between looks at the helper while waiting for it (it may have died, the user may cancel)
_POLL = 0.05

Setup = Callable[[Any], contextlib.AbstractContextManager[Callable[[int], Any]]]


class BatchHelper:
    """The helper process of one run. Start it (`BatchHelper()`), `send` its job, take the batches
    in order from `batches`, `close` it (always: a `with` block does)."""

    def __init__(self) -> None:
        mp = multiprocessing.get_context("spawn")
        self._jobs = mp.SimpleQueue()
        self._results = mp.Queue()
        #: the next batch nobody has taken yet; its lock is the taking
        self._taken = mp.Value("q", 0)
        #: batches recorded so far (written by this process only)
        self._recorded = mp.RawValue("q", 0)
        self._stop = mp.Event()
        self._sent = False
        #: batches the helper prepared (the log says how the work was shared)
        self.received = 0
        #: the helper ended without sending the batches it took: this process prepares them
        self._gone = False
        self._process = mp.Process(target=_serve, name="povdesk-check-helper", daemon=True,
                                   args=(self._jobs, self._results, self._taken, self._recorded, self._stop))
        self._process.start()

    def __enter__(self) -> BatchHelper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, setup: Setup, job: Any, n: int) -> None:
        """The helper's work: batches 0 to n-1, each `step(i)` of `with setup(job) as step`."""
        self._jobs.put((setup, job, n))
        self._sent = True

    def batches(self, n: int, own: Callable[[int], Any],
                cancel: Callable[[], bool] | None = None) -> Iterator[tuple[int, Any]]:
        """(i, batch i prepared) for i = 0 .. n-1, in order: from the helper, or prepared here by
        `own(i)` whenever the next one is not ready and a batch is left to take. A helper that
        ended without a word (it could not start, or was killed) leaves its batches to this
        process; one that failed stops the run (`PovdeskError` "check.helper")."""
        try:
            yield from self._in_order(n, own, cancel, {})
        finally:
            log.info("the check's helper process prepared %d of %d batches", self.received, n)

    def _in_order(self, n: int, own: Callable[[int], Any], cancel: Callable[[], bool] | None,
                  pending: dict[int, Any]) -> Iterator[tuple[int, Any]]:
        ready = 0
        while ready < n:
            if cancel is not None and cancel():
                raise Cancelled()
            if ready in pending:
                yield ready, pending.pop(ready)
                ready += 1
                self._recorded.value = ready  # (the helper may take one more)
                continue
            if not self._gone and self._receive(pending, wait=False):
                continue
            i = self._take(ready, n)
            if i is not None:
                pending[i] = own(i)
            elif self._gone:  # taken by the helper, never sent
                pending[ready] = own(ready)
            else:  # the next batch is the helper's: wait for it
                self._receive(pending, wait=True)

    def _take(self, ready: int, n: int) -> int | None:
        """The next batch nobody has taken, for this process (None: none left, or the run would
        get more than `AHEAD` batches in front of its recording)."""
        with self._taken.get_lock():
            i: int = self._taken.value
            if i >= n or i >= ready + AHEAD:
                return None
            self._taken.value = i + 1
            return i

    def _receive(self, pending: dict[int, Any], *, wait: bool) -> bool:
        """Take what the helper sent into `pending`; False when nothing came (within `_POLL`)."""
        try:
            i, got, error = self._results.get(timeout=_POLL) if wait else self._results.get_nowait()
        except queue.Empty:
            if wait and not self._process.is_alive() and self._results.empty():
                log.warning("the check's helper process ended (exit code %s); the run goes on in one process",
                            self._process.exitcode)
                self._gone = True
            return False
        if error is not None:
            log.error("the check's helper process failed on batch %s:\n%s", i, error[1])
            raise _failed(error[0])
        pending[i] = got
        self.received += 1
        return True

    def close(self) -> None:
        """Stop the helper and wait for it (a helper still working is ended: it only reads)."""
        self._stop.set()
        if not self._sent:
            self._jobs.put(None)
        process = self._process
        process.join(timeout=0.5)  # (at the end of a run it has nothing left to take, and goes)
        if process.is_alive():
            process.terminate()
            process.join()
        self._results.close()
        self._results.cancel_join_thread()
        self._jobs.close()


def _failed(why: str) -> PovdeskError:
    return PovdeskError("check.helper", f"The check run stopped: its helper process failed ({why}). Nothing was "
                        "recorded; run the check again.",
                        f"检查中止：辅助进程出错（{why}），未记录任何结果，请重新运行检查。")


def _serve(jobs: Any, results: Any, taken: Any, recorded: Any, stop: Any) -> None:
    """The helper process: take the next batch nobody has, prepare it, send it; until none is left,
    or the run says stop."""
    got = jobs.get()
    if got is None:
        return
    setup, job, n = got
    i = -1
    try:
        gc.disable()  # (as in the run's process: a batch is ~10^5 fresh objects)
        if stop.is_set():
            return
        with setup(job) as step:
            while not stop.is_set():
                with taken.get_lock():
                    i = taken.value
                    if i >= n:
                        return
                    if i < recorded.value + AHEAD:
                        taken.value = i + 1
                    else:
                        i = -1
                if i < 0:
                    stop.wait(_POLL)
                    continue
                results.put((i, step(i), None))
    except BaseException as exc:  # every failure is sent to the run, which stops
        results.put((i, None, (f"{type(exc).__name__}: {exc}", traceback.format_exc())))
