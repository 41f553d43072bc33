"""`povdesk package feedback`: JSON output, re-import says nothing changed, a bad file exits 2 in
either language and writes nothing, and the history shows the feedback (issue 12 §4)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_package_cli import cli
from tests.cli.test_package_cli import signed as signed
from tests.services.package_setup import PERIOD


def answer(path: Path, rows: list[list[object]]) -> str:
    wb = openpyxl.Workbook()
    wb.active.title = "反馈"
    for row in [["申请编号", "审核结果", "退回原因"], *rows]:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def test_feedback_recorded_once_and_shown_in_the_history(signed: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(signed, "dina", "export", "--period", PERIOD, "--out", str(tmp_path / "out")) == 0
    capsys.readouterr()
    monkeypatch.setenv("POVDESK_PASSWORD", "rita-pw")
    bad = answer(tmp_path / "bad.xlsx", [[1, "通过"], [99, "通过"], [2, "也许"]])
    assert cli(signed, "rita", "feedback", bad) == 2
    err = capsys.readouterr().err
    assert "sheet 反馈, row 3: no change request #99" in err and "row 4: '也许' is not a result" in err
    assert cli(signed, "rita", "feedback", bad, lang="zh_CN") == 2
    assert "工作表“反馈”，第 3 行：找不到变更申请 #99" in capsys.readouterr().err
    assert cli(signed, "rita", "feedback", bad, "--format", "json") == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused["imported"] is False and [(e["sheet"], e["row"]) for e in refused["errors"]] == [
        ("反馈", 4), ("反馈", 3)]

    good = answer(tmp_path / "good.xlsx", [[1, "通过"], [2, "退回", "电话号码有误"], [3, "通过"]])
    assert cli(signed, "rita", "feedback", good, "--format", "json") == 0
    done = json.loads(capsys.readouterr().out)
    assert done["changed"] is True and done["accepted"] == [1, 3] and done["unchanged"] == []
    assert [(r["request_id"], r["maker"], r["reason"]) for r in done["rejected"]] == [(2, "carl", "电话号码有误")]
    assert done["packages"] == [{"package": f"513437-{PERIOD}-001.zip", "period": PERIOD, "sequence": 1,
                                 "accepted": 2, "rejected": 1}]
    assert cli(signed, "rita", "feedback", good) == 0
    assert "every answer was already recorded (3); nothing changed" in capsys.readouterr().out
    assert cli(signed, "rita", "feedback", good, lang="zh_CN") == 0
    assert "这份反馈已全部记录过（3 条），未作任何更改" in capsys.readouterr().out

    assert cli(signed, None, "history", "--format", "json") == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["accepted"], row["rejected"]) == (2, 1)
    assert row["feedback"]["by"] == "rita" and row["feedback"]["sha256"] == done["sha256"]


def test_feedback_without_a_reviewer_login_is_refused(signed: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(signed, None, "feedback", answer(tmp_path / "f.xlsx", [[1, "通过"]])) == 2
    assert capsys.readouterr().err
