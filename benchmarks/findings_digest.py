"""A digest of everything the check engine finds on the scale county, to prove that a speed change
changed no finding: run it before and after, and compare the two lines.

It digests (1) every finding of `evaluate()` (rule, household, member, shown values) and (2) the
problem table after two recorded runs (fingerprint, status, both messages, values). Runs on a copy,
so the cached county stays clean. `--dump FILE` also writes the findings, one per line, to diff.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import MISSING_HOUSEHOLDS, demo_login, scale_county_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, help="write the findings here, one per line")
    parser.add_argument("--columns-missing", action="store_true",
                        help="the 22,000-household county without insurance and cadre data "
                             "(~227,000 problems) instead of the scale county")
    args = parser.parse_args()

    from povdesk.services.database import Database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        source = (scale_county_path(MISSING_HOUSEHOLDS, columns_missing=True) if args.columns_missing
                  else scale_county_path())
        shutil.copy(source, path)
        db = Database.open(path, user="digest", backups=Path(tmp))
        demo_login(db)
        lines, problems = findings(db)
        db.close()
    if args.dump:
        args.dump.write_text("\n".join([*lines, "--- problems", *problems]) + "\n", encoding="utf-8")
    print(json.dumps(digest(lines, problems)))


def findings(db: Any) -> tuple[list[str], list[str]]:
    """Every finding of `evaluate()` and every problem after two recorded runs, one line each,
    sorted (the run writes to `db`: give it a copy). Also what `db copy`'s test compares."""
    from sqlalchemy import select

    from povdesk.db.models import Problem
    from povdesk.services.checks import CheckService

    checks = CheckService(db=db)
    lines = sorted(json.dumps([f.rule.code, f.household_id, f.member_id,
                               {k: repr(v) for k, v in f.values.items()}], ensure_ascii=False)
                   for f in checks.evaluate())
    checks.run()
    checks.run()
    with db.reading() as s:
        problems = sorted(json.dumps([p.fingerprint, p.status, p.message_zh, p.message_en, p.values],
                                     ensure_ascii=False, sort_keys=True)
                          for p in s.scalars(select(Problem)))
    return lines, problems


def digest(lines: list[str], problems: list[str]) -> dict[str, Any]:
    return {"findings": len(lines), "problems": len(problems),
            "digest": hashlib.sha256("\n".join(lines + problems).encode()).hexdigest()[:16]}


if __name__ == "__main__":
    main()
