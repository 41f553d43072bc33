"""The pure part of change requests: the notice record, months, the stage table, the type table."""

from __future__ import annotations

import datetime as dt

from povdesk.domain import changes as cr
from povdesk.domain.roles import CLERK, DIRECTOR, REVIEWER

TODAY = dt.date(2020, 1, 15)
GOOD = {"assessment_date": "2019-12-01", "notice_start": "2019-12-02", "notice_end": "2019-12-08",
        "township_review_date": "2019-12-12", "township_reviewer": "李乡长"}


def test_a_complete_notice_has_no_problems() -> None:
    assert cr.notice_problems(GOOD, TODAY) == []
    assert cr.notice_running(GOOD, TODAY) is None


def test_notice_problems_are_named_in_both_languages() -> None:
    missing = cr.notice_problems({}, TODAY)
    assert len(missing) == 5 and "township reviewer" in missing[-1][0] and "乡镇审核人" in missing[-1][1]
    six_days = cr.notice_problems(dict(GOOD, notice_end="2019-12-07"), TODAY)
    assert any("at least 7" in en for en, _ in six_days)
    backwards = cr.notice_problems(dict(GOOD, notice_end="2019-12-01"), TODAY)
    assert any("before or on its start" in en for en, _ in backwards)
    future = cr.notice_problems(dict(GOOD, township_review_date="2020-02-01"), TODAY)
    assert any("future" in en for en, _ in future)
    early = cr.notice_problems(dict(GOOD, assessment_date="2019-12-05"), TODAY)
    assert any("before the assessment" in en for en, _ in early)
    assert any("not a date" in en for en, _ in cr.notice_problems(dict(GOOD, notice_start="12/02"), TODAY))


def test_a_notice_still_running_may_end_in_the_future() -> None:
    running = dict(GOOD, notice_end="2020-01-20")
    assert cr.notice_problems(running, TODAY) == []
    assert cr.notice_running(running, TODAY) == dt.date(2020, 1, 20)
    assert cr.notice_running(running, dt.date(2020, 1, 21)) is None


def test_months() -> None:
    assert cr.period_of(dt.date(2020, 1, 31)) == "2020-01"
    assert cr.next_period("2019-12") == "2020-01" and cr.next_period("2020-01") == "2020-02"
    assert cr.valid_period("2020-12") and not cr.valid_period("2020-13") and not cr.valid_period("2020-1")


def test_stage_table() -> None:
    steps = cr.STEPS
    assert steps["approve"].sources == {cr.SUBMITTED} and steps["approve"].target == cr.APPROVED
    assert steps["signoff"].roles == {DIRECTOR} and steps["signoff"].sources == {cr.APPROVED}
    assert CLERK not in steps["approve"].roles and REVIEWER in steps["return"].roles
    assert all(cr.SIGNED_OFF not in s.sources for s in steps.values())  # nothing leaves signed off
    assert {s.target for s in steps.values()} - {""} <= set(cr.STATUSES)


def test_type_table() -> None:
    assert set(cr.TYPES) == {"correct", "exit", "return", "new-household", "member-in", "member-out",
                             "cancel-household", "removal", "village-exit"}
    assert set(cr.TYPES) >= cr.IMPLEMENTED
    assert {c for c, t in cr.TYPES.items() if t.needs_notice} == {"exit", "return", "new-household", "removal",
                                                                   "village-exit"}
    assert cr.TYPES["member-out"].needs_date and cr.TYPES["member-in"].cause_list == "increase_reason"
    assert cr.TYPES["village-exit"].scope == "village"
