"""One change-request act in a process of its own, killed by the test in the middle of it
(test_changes_kill): `python -m tests.services.changes_child DB USER ACT ARG SIGNALS`, run from the
worktree root.

ACT is "approve" (ARG a request id), "approve_many" (ARG request ids separated by commas) or
"signoff" (ARG a month). The act runs as usual up to its last audit entry, inside its transaction
(approve_many: its households re-checked too); then the child creates SIGNALS/inside and sleeps
until the test kills it with SIGKILL. Nothing is ever committed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    url, user, act, arg, signals = argv[:5]
    from povdesk.services import audit, changes
    from povdesk.services.database import Database

    last = {"approve": "change.approved", "approve_many": "check.run", "signoff": "period.closed"}[act]
    write = audit.Chain.write

    def write_then_hold(self: audit.Chain) -> int:
        actions = [e.action for e in self._pending]
        written = write(self)
        if last in actions:
            self._session.flush()  # every row of the act is written, the transaction still open
            (Path(signals) / "inside").touch()
            time.sleep(600)
        return written

    audit.Chain.write = write_then_hold  # type: ignore[method-assign]
    db = Database.open(url, user=user)
    service = changes.ChangeRequestService(db=db)
    if act == "approve":
        service.approve(int(arg))
    elif act == "approve_many":
        service.approve_many([int(i) for i in arg.split(",")])
    else:
        service.sign_off(arg)
    return 1  # never reached: the test kills the child first


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
