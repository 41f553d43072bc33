"""The fault table: every kind it lists is injected into the demo county and found by its rules,
and the households it leaves clean raise no error."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from povdesk.db.models import DemoFault
from povdesk.demo.faults import EMPTY_MANDATORY_FIELDS, FAULTS
from povdesk.demo.service import DemoService
from povdesk.domain import dictionary
from povdesk.domain.rules.catalogue import by_code
from povdesk.domain.rules.required import code_for
from povdesk.services.checks import CheckService
from povdesk.services.database import Database


def test_every_kind_names_rules_of_the_catalogue_and_both_descriptions() -> None:
    catalogue = by_code()
    for kind in FAULTS.values():
        assert kind.rules and set(kind.rules) <= set(catalogue), kind.code
        assert kind.description("zh") == kind.zh and kind.description("en") == kind.en
        assert kind.zh and kind.en and kind.zh != kind.en


def test_an_emptied_field_is_for_that_fields_rule_to_find() -> None:
    empty = FAULTS["empty_mandatory"]
    for key in EMPTY_MANDATORY_FIELDS:
        assert empty.rules_for(key) == (code_for(dictionary.field(key)),)
    assert set(empty.rules) == {empty.rules_for(key)[0] for key in EMPTY_MANDATORY_FIELDS}
    assert FAULTS["no_head"].rules_for("member.relation") == ("HH-002",)


@pytest.mark.parametrize("seed", [2019, 2, 7])
def test_demo_faults_are_found_and_clean_households_have_no_errors(db: Database, seed: int) -> None:
    DemoService(db=db).build(households=400, seed=seed)
    found = CheckService(db=db).evaluate()
    by_household = defaultdict(list)
    for f in found:
        by_household[f.household_id].append(f)
    with db.reading() as s:
        rows = s.execute(select(DemoFault.household_id, DemoFault.member_id, DemoFault.kind,
                                DemoFault.field)).all()
    injected = defaultdict(list)
    for hid, mid, kind, field in rows:
        injected[kind].append((hid, mid, field))
    assert set(injected) == set(FAULTS)  # every kind of the table, each held to its rules
    missed = []
    for kind in FAULTS.values():
        for hid, mid, field in injected[kind.code]:
            want = set(kind.rules_for(field))
            if not any(f.rule.code in want and (mid is None or f.member_id in (None, mid))
                       for f in by_household[hid]):
                missed.append(kind.code)
    assert len(rows) >= 15 and missed == []  # recall 100 %
    faulted = {hid for hid, *_ in rows}
    clean_errors = [(f.rule.code, f.message("en")) for f in found
                    if f.household_id not in faulted and f.rule.severity == "error"]
    assert clean_errors == []
