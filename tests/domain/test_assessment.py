"""The one assessment: its predicates at their edges, and the window's record assessed as the rules'."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from povdesk.domain.assessment import (
    EDUCATION,
    HOUSING,
    INCOME,
    assess,
    facts_from_detail,
    income_meets,
    out_of_school,
)
from povdesk.domain.records import (
    CadreRecord,
    HouseholdDetail,
    Location,
    MemberRecord,
    Row,
    frozen_map,
)
from povdesk.domain.rules.base import make_member
from povdesk.domain.rules.catalogue import evaluate
from tests.domain.rules_fixture import REF, SETTINGS, build, clean_spec, person


@pytest.mark.parametrize(("income", "met"), [(3749.99, False), (3750, False), (3750.01, True)])
def test_income_meets_only_strictly_above_the_line(income: float, met: bool) -> None:
    assert income_meets(income, 3750) is met


@pytest.mark.parametrize(("age", "status", "out"), [(5, "01", False), (6, "01", True), (15, "01", True),
                                                    (16, "01", False), (10, None, False), (10, "04", False)])
def test_out_of_school_at_the_school_age_edges(age: int, status: str | None, out: bool) -> None:
    born = dt.date(REF.year - age, 6, 1)
    child = make_member(1, person("子", "03", born, "1", 1, school_status=status), REF)
    assert out_of_school(child, SETTINGS) is out


def test_the_window_record_is_assessed_as_the_rules_see_it() -> None:
    spec = clean_spec()
    spec["members"][2]["school_status"] = "01"  # the 11-year-old is out of school
    spec["household"]["relocation_moved_in"] = True
    spec["conditions"]["house_grade"] = "4"
    facts, ctx = build(spec)
    members = tuple(MemberRecord(i + 1, frozen_map(m), 1) for i, m in enumerate(spec["members"]))
    detail = HouseholdDetail(
        Row(1, frozen_map(facts)), Location("513437", "雷波县", "", "", "", ""), members,
        (Row(1, frozen_map({**spec["income"], "year": 2019})),),
        (Row(1, frozen_map({**spec["conditions"], "year": 2019})),), (),
        tuple(CadreRecord(9, frozen_map(c), c["pairing_start"]) for c in spec["cadres"]), ())
    derived = facts_from_detail(detail, 2019, REF)
    assert {f.rule.code for f in evaluate(derived, ctx)} == {f.rule.code for f in evaluate(facts, ctx)}
    assert "EDU-001" in {f.rule.code for f in evaluate(derived, ctx)}
    mine, theirs = assess(derived, SETTINGS), assess(facts, SETTINGS)
    assert mine == theirs
    assert mine.verdict(EDUCATION).met is False and mine.verdict(EDUCATION).members == (3,)
    assert mine.verdict(HOUSING).met is True  # moved into a relocation home
    higher = assess(derived, dataclasses.replace(SETTINGS, exit_income_line=4900))
    assert higher.verdict(INCOME).met is False
    assert higher.verdict(INCOME).basis_zh == "人均纯收入 4,900.00 元 ≤ 4,900 元"
    assert mine.ages[5] == 69 and mine.working_age_members == (1, 2)
