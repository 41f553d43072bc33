"""One age: the printed form shows the age the rules judge by (`idnumber.birth_of`, `age_on`)."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.domain import idnumber
from povdesk.domain.records import MemberRecord, frozen_map
from povdesk.domain.rules.base import make_member
from povdesk.reports.forms import age

ON = dt.date(2019, 12, 31)
VALID = idnumber.make("513437", dt.date(1970, 3, 12), 1)
FUTURE = idnumber.make("513437", dt.date(2090, 1, 1), 1)


@pytest.mark.parametrize(("birth_date", "id_number", "shown"), [
    (dt.date(1980, 1, 1), VALID, "39"),  # the recorded date wins
    (None, VALID, "49"),  # else the number's
    (None, VALID[:17] + ("0" if VALID[17] != "0" else "1"), "49"),  # a wrong check digit keeps the age
    (None, "513437700312001", ""),  # 15 digits, not upgraded: no age, as for the rules
    (None, FUTURE, ""),  # a birth date in the future is not believed
    (None, None, ""),
])
def test_the_form_shows_the_rules_age(birth_date: dt.date | None, id_number: str | None, shown: str) -> None:
    values = {"name": "沙马拉则", "birth_date": birth_date, "id_number": id_number, "status": "1"}
    facts = make_member(1, values, ON)
    assert age(MemberRecord(1, frozen_map(values), 1), ON) == shown
    assert shown == ("" if facts.age is None else str(facts.age))
