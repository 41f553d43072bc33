"""One import in a process of its own, for the tests of two imports at once (test_concurrent_import).

`python -m tests.services.import_child DB USER FILE SIGNALS ROLE [LOCK_WAIT]`, run from the worktree root:

* ROLE "first": after writing its changes, with its transaction still open, it creates
  SIGNALS/first-holding and keeps the transaction open until SIGNALS/second-planned appears or 3 s
  have passed (a second import that plans only once the lock is free never makes it in time); with
  SIGNALS/hold-until-go present, until SIGNALS/go exists instead.
* ROLE "second": creates SIGNALS/second-planned as soon as it has computed its plan.

Exit codes: 0 done, 3 refused as busy (the message on stderr), anything else: a failure (traceback).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def _wait_for(path: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.02)
    return path.exists()


def main(argv: list[str]) -> int:
    url, user, file, signals, role = argv[:5]
    lock_wait = float(argv[5]) if len(argv) > 5 else None
    sig = Path(signals)
    from povdesk.errors import PovdeskError
    from povdesk.services import importer
    from povdesk.services.database import Database

    if role == "first":
        write = importer._Plan.write

        def write_then_hold(self, *args, **kw):  # type: ignore[no-untyped-def]
            write(self, *args, **kw)
            (sig / "first-holding").touch()
            if (sig / "hold-until-go").exists():
                if not _wait_for(sig / "go", 60):
                    raise RuntimeError("the test never said go")
            else:
                _wait_for(sig / "second-planned", 3)

        importer._Plan.write = write_then_hold  # type: ignore[method-assign]
    else:
        compute = importer._Plan.compute

        def compute_then_signal(self, *args, **kw):  # type: ignore[no-untyped-def]
            compute(self, *args, **kw)
            (sig / "second-planned").touch()

        importer._Plan.compute = compute_then_signal  # type: ignore[method-assign]

    kw = {} if lock_wait is None else {"lock_wait": lock_wait}
    db = Database.open(url, user=user, **kw)
    try:
        result = importer.ImportService(db=db).run(file)
    except PovdeskError as exc:
        print(f"{exc.code}\n{exc.message('zh')}\n{exc.message('en')}", file=sys.stderr)
        return 3
    finally:
        db.close()
    print(result.members_new, result.fields_changed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
