"""One change-request act in a process of its own, killed by the test in the middle of it
(test_changes_kill): `python -m tests.services.changes_child DB USER ACT ARG SIGNALS`, run from the
worktree root.

ACT is "approve" (ARG a request id) or "signoff" (ARG a month). The act runs as usual up to its last
audit entry, inside its transaction; then the child creates SIGNALS/inside and sleeps until the test
kills it with SIGKILL. Nothing is ever committed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    url, user, act, arg, signals = argv[:5]
    from sqlalchemy.orm import Session

    from povdesk.services import changes
    from povdesk.services.database import Database

    last = {"approve": "change.approved", "signoff": "period.closed"}[act]
    audit = changes.ChangeRequestService._audit

    def audit_then_hold(self: changes.ChangeRequestService, session: Session, action: str,
                        request_id: int | None, detail: Mapping[str, Any] | None = None) -> None:
        audit(self, session, action, request_id, detail)
        if action == last:
            session.flush()  # every row of the act is written, the transaction still open
            (Path(signals) / "inside").touch()
            time.sleep(600)

    changes.ChangeRequestService._audit = audit_then_hold  # type: ignore[method-assign]
    db = Database.open(url, user=user)
    service = changes.ChangeRequestService(db=db)
    if act == "approve":
        service.approve(int(arg))
    else:
        service.sign_off(arg)
    return 1  # never reached: the test kills the child first


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
