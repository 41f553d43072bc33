"""A package export in a process of its own, killed by the test (test_packages_kill):
`python -m tests.services.package_child DB USER PASSWORD PERIOD OUT SIGNALS WHEN`, run from the worktree root.

WHEN is "before" (the zip is written as NAME.part, the package and its requests recorded, the
transaction still open: the child stops just before the rename), "after" (the file renamed into
place, the transaction not yet committed) or "done" (the export returned: committed). The child then
creates SIGNALS/inside and sleeps until the test kills it with SIGKILL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    url, user, password, period, out, signals, when = argv[:7]
    from povdesk.services import packages
    from povdesk.services.database import Database

    rename = packages.PackageService._rename

    def hold() -> None:
        (Path(signals) / "inside").touch()
        time.sleep(600)

    def rename_and_hold(part: Path, final: Path) -> None:
        if when == "before":
            hold()
        rename(part, final)
        if when == "after":
            hold()

    packages.PackageService._rename = staticmethod(rename_and_hold)  # type: ignore[method-assign,assignment]
    db = Database.open(url, user=user)
    packages.PackageService(db=db).export(period, out, password=password)
    hold()
    return 1  # never reached: the test kills the child first


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
