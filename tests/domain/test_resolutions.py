"""How a closed problem is described: the engine's resolutions in both languages, who and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from povdesk.domain.records import ProblemRecord
from povdesk.domain.resolutions import (
    CORRECTED_RESOLUTION,
    LAPSED_RESOLUTION,
    closing,
    resolution_text,
    status_label,
)

OPEN = ProblemRecord(id=1, rule="EXIT-001", category="脱贫标准", severity="error", household_id=1,
                     household_no="51343720420200001", member_id=None, member_name=None, id_number=None,
                     fields=("income.per_capita_net",), message_zh="…", message_en="…", status="open",
                     opened_at=dt.datetime(2019, 11, 1, 9, 0), township="帕哈乡", village="试点村")


def test_open_problems_have_no_closing_line() -> None:
    assert closing(OPEN) == ""


def test_a_rectified_problem_names_the_person_and_the_time() -> None:
    done = replace(OPEN, status="rectified", resolution=CORRECTED_RESOLUTION, closed_by="liwenshu",
                   closed_at=dt.datetime(2019, 11, 20, 15, 4))
    assert closing(done, "zh", {"liwenshu": "李文书"}) == "复查通过（数据已更正） — 李文书 2019-11-20 15:04"
    assert closing(done, "en", {}) == "Re-check passed (data corrected) — liwenshu 2019-11-20 15:04"
    assert resolution_text(LAPSED_RESOLUTION, "en").startswith("Re-check passed with the data unchanged")
    assert (status_label("lapsed"), status_label("lapsed", "en")) == ("不再适用", "No longer applies")


def test_a_reviewers_reason_is_shown_as_written() -> None:
    accepted = replace(OPEN, status="accepted", resolution="已入户核实", closed_by="wang",
                       closed_at=dt.datetime(2019, 11, 21, 8, 0))
    assert closing(accepted, "en", {"wang": "王审核"}) == "已入户核实 — 王审核 2019-11-21 08:00"
