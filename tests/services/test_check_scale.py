"""A county with a problem on nearly every member (a thin first roster): a run records each batch
of households before it reads the next, with the same outcome as one batch; problems are counted,
paged and grouped in SQL."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from povdesk.db.models import Household, Member, Problem, ProblemEvent
from povdesk.domain.records import ProblemRecord
from povdesk.services.checks import AVALANCHE_MINIMUM, CheckService, ProblemQuery
from povdesk.services.database import Database
from povdesk.services.users import UserService
from tests.helpers.check_runs import four_runs, thin_county
from tests.helpers.databases import DatabaseFactory


def _outcome(db: Database) -> tuple[list[str], list[str]]:
    with db.reading() as s:
        problems = sorted(repr(tuple(r)) for r in s.execute(select(Problem.fingerprint, Problem.status, Problem.message_zh, Problem.values,
                                           Problem.first_run_id, Problem.last_run_id, Problem.closed_by,
                                           Problem.resolution)))
        events = sorted(repr(tuple(r)) for r in s.execute(select(Problem.fingerprint, ProblemEvent.old_status, ProblemEvent.new_status,
                                         ProblemEvent.note, ProblemEvent.user)
                                  .join(Problem, Problem.id == ProblemEvent.problem_id)))
    return problems, events


def _runs(db: Database) -> list[tuple[int, int, int, int]]:
    """Open, keep, lapse (a higher exit line, then the old one again) and re-open problems."""
    return [(r[2], r[3], r[4], r[5]) for r in four_runs(db)]


def test_a_run_records_each_batch_before_reading_the_next(db: Database, db_factory: DatabaseFactory,
                                                         tmp_path: Path, monkeypatch) -> None:
    import povdesk.services.checks as engine

    thin_county(db)
    target = db_factory.new(tmp_path, "one_batch")
    one = Database.open(target, user="tester")
    try:
        thin_county(one)
        whole = _runs(one)
        expected = _outcome(one)
    finally:
        one.close()
        db_factory.drop(target)

    recorded: list[int] = []
    known: list[int] = []
    record, read = engine._Tracker.record, engine._Tracker._known

    def spy_record(self, household_ids, found):  # type: ignore[no-untyped-def]
        recorded.append(len(household_ids))
        return record(self, household_ids, found)

    def spy_known(self, household_ids):  # type: ignore[no-untyped-def]
        got = read(self, household_ids)
        known.append(len(got))
        return got

    monkeypatch.setattr(engine, "_BATCH", 7)
    monkeypatch.setattr(engine._Tracker, "record", spy_record)
    monkeypatch.setattr(engine._Tracker, "_known", spy_known)
    batched = _runs(db)
    assert batched == whole and whole[0][0] > 300 and whole[1] == (0, whole[0][0], 0, 0)
    assert whole[2][0] > 0 and whole[2][3] == 0 and whole[3][3] == whole[2][0]  # opened, then lapsed
    assert recorded == ([7] * 17 + [1]) * 4 and max(known) < whole[0][0] / 5  # never every open problem at once
    assert _outcome(db) == expected
    with db.reading() as s:  # one opening event for every problem
        assert s.scalar(select(func.count(ProblemEvent.id)).where(ProblemEvent.note == "检查发现")) == \
            s.scalar(select(func.count(Problem.id)))


def test_problems_are_counted_paged_and_grouped_in_sql(db: Database) -> None:
    thin_county(db)
    checks = CheckService(db=db)
    checks.run()
    everything = checks.problems()
    ids = checks.problem_ids()
    assert ids == [p.id for p in everything]
    assert checks.problem_rows(ids[10:20]) == everything[10:20]
    assert checks.problem_rows([ids[3], -1, ids[1]]) == [everything[3], everything[1]]
    assert checks.count_problems(ProblemQuery(), "rule") == dict(sorted(Counter(p.rule for p in everything).items()))
    villages = checks.count_problems(ProblemQuery(), "village")
    assert villages == Counter((p.township, p.village) for p in everything)
    assert list(villages) == list(dict.fromkeys((p.township, p.village) for p in everything))  # code order
    assert checks.summary()["total"] == len(everything)
    with db.reading() as s:
        current = s.scalar(select(func.count(Member.id)).join(Household).where(
            Household.active.is_(True), Member.status == "1"))
    [hlt] = checks.avalanches()
    assert (hlt.rule, hlt.scope, hlt.fired, hlt.population) == ("HLT-001", "member", current, current)
    assert hlt.share == 1.0 and hlt.fired >= AVALANCHE_MINIMUM
    assert checks.avalanches(ProblemQuery(rule="EXIT-001")) == []  # filtered out
    with db.reading() as s:  # one village: its own members are the population
        village_id = s.scalar(select(Household.village_id).order_by(Household.id))
    [mine] = checks.avalanches(ProblemQuery(village_id=village_id), minimum=1)
    assert mine.rule == "HLT-001" and mine.population < current and mine.fired == mine.population
    assert checks.avalanches(ProblemQuery(village_id=village_id), minimum=current + 1) == []


def test_a_small_county_has_no_avalanche(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    assert checks.avalanches() == []
    assert checks.avalanches(minimum=1) != []  # in 6 households, some rule fires on most of them


@pytest.mark.parametrize("by", ["status", "severity", "category", "township"])
def test_counts_by_each_key_add_up(county_db: Database, by: str) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    everything = checks.problems(ProblemQuery(status=None))
    key = {"township": lambda p: p.township}.get(by, lambda p: getattr(p, by))
    assert checks.count_problems(ProblemQuery(status=None), by) == Counter(map(key, everything))


def test_counts_by_several_keys_in_one_query(county_db: Database) -> None:
    checks = CheckService(db=county_db)
    checks.run()
    everything = checks.problems(ProblemQuery(status=None))
    assert checks.count_problems(ProblemQuery(status=None), ("status", "rule")) == \
        Counter((p.status, p.rule) for p in everything)
    assert checks.count_problems(ProblemQuery(status=None), ("village", "severity")) == \
        Counter((p.township, p.village, p.severity) for p in everything)


def _as_json(p: ProblemRecord, lang: str) -> dict[str, object]:
    def when(t: dt.datetime | None) -> str | None:
        return None if t is None else t.isoformat(timespec="seconds")
    return {"id": p.id, "rule": p.rule, "category": p.category, "severity": p.severity,
            "household_no": p.household_no, "id_number": p.id_number, "member_name": p.member_name,
            "fields": list(p.fields), "message": p.message(lang), "message_zh": p.message_zh,
            "message_en": p.message_en, "status": p.status, "township": p.township, "village": p.village,
            "opened_at": when(p.opened_at), "closed_at": when(p.closed_at), "closed_by": p.closed_by,
            "resolution": p.resolution, "remark": p.remark}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_lines_built_by_the_database_are_the_problems_records(db: Database, lang: str) -> None:
    """`check --format json` takes its lines from the database: the same keys, values, order and
    text (Chinese unescaped) as the records, open and closed, with and without a member."""
    thin_county(db, households=40)
    UserService(db=db).save("tester", role="reviewer")  # who may accept an exception
    checks = CheckService(db=db)
    checks.run()
    first = checks.problems()[0]
    checks.accept(first.id, "户主外出务工，经核实")
    checks.set_remark(first.id, '备注 "引号" 与 \\ 反斜杠')
    query = ProblemQuery(status=None)  # every status
    records = checks.problems(query)
    lines = list(checks.iter_problem_json(query, lang=lang))
    assert len(lines) == len(records) > 5
    assert any(r.member_id is None for r in records) and any(r.member_id for r in records)
    assert any(r.closed_at for r in records) and all(not r.fields or "," not in r.fields[0] for r in records)
    assert [json.loads(line) for line in lines] == [_as_json(r, lang) for r in records]
    assert "\\u" not in "".join(lines)  # Chinese as itself, as json.dumps(ensure_ascii=False) writes it
