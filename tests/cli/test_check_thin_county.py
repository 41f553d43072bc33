"""Issue 17 §5: a county of 60,000 members from a thin first roster (no medical insurance, no
cadres: two or three problems on nearly every member) is checked by `povdesk check --format json
--out` within a memory ceiling, measured in a child process (its own peak resident set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from povdesk.db.models import Cadre, Member, Pairing
from povdesk.demo.service import DEMO_PASSWORD, DemoService
from povdesk.services.database import Database
from povdesk.services.users import UserService

#: ~4.6 members a household: 13,000 households are about 60,000 members
HOUSEHOLDS = 13_000
#: what the whole command may take, issue 17's ceiling at a million problems: the county's problems
#: are streamed, never held (the first versions held them: 8 GB at a million). Measured: 320 MB
#: with the machine to itself, up to 612 MB with other jobs running, for a reason not yet found
CEILING_MB = 1_000

_CHILD = """
import json, resource, sys
from povdesk.cli import main
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.slow
@pytest.mark.sqlite_only(reason="a memory ceiling of the command, measured once: the engines' findings "
                         "agree by the digest tests, and building 13,000 households again on PostgreSQL "
                         "would cost the gate minutes")
def test_a_thin_county_of_60000_members_is_checked_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    db = Database.open(db_url, user="tester")
    DemoService(db=db).build(households=HOUSEHOLDS, seed=2019)
    UserService(db=db).authenticate("director", DEMO_PASSWORD)
    with db.transaction() as s:  # what a thin first roster leaves empty
        s.execute(update(Member).values(ins_medical=None, ins_employee_medical=None, ins_major_illness=None,
                                        ins_commercial=None, medical_assistance=None))
        s.execute(delete(Pairing))
        s.execute(delete(Cadre))
    db.close()
    out = tmp_path / "problems.json"
    env = {**os.environ, "POVDESK_PASSWORD": DEMO_PASSWORD}
    done = subprocess.run([sys.executable, "-c", _CHILD, "--db", db_url, "--lang", "zh_CN", "--user", "director",
                           "check", "--format", "json", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=600,
                          cwd=Path(__file__).resolve().parents[2])  # this tree's povdesk
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["exit"] == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["problems"]) == written["summary"]["open"] > 50_000  # the avalanche is there
    assert figures["peak_mb"] < CEILING_MB, figures
