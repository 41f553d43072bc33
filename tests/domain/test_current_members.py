"""Who is a current member is decided once (`meanings.is_current_member`): the rules' facts and the
records the window and the printed form read agree on every status, an empty one included."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.domain.meanings import is_current_member
from povdesk.domain.records import MemberRecord, frozen_map
from povdesk.domain.rules.base import make_member

STATUSES = [None, "1", "2", "3", ""]


@pytest.mark.parametrize("status", STATUSES)
def test_records_and_rules_agree_on_who_is_current(status: str | None) -> None:
    values = {"name": "沙马拉则", "status": status}
    rules = make_member(1, values, dt.date(2019, 12, 31)).current
    assert MemberRecord(1, frozen_map(values), 1).current == rules == is_current_member(status)


def test_no_status_at_all_is_current() -> None:
    """The provincial export leaves the status empty for everyone still registered."""
    assert MemberRecord(1, frozen_map({"name": "沙马拉则"}), 1).current
    assert make_member(1, {"name": "沙马拉则"}, dt.date(2019, 12, 31)).current
