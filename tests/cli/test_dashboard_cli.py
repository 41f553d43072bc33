"""`povdesk dashboard --out FILE.pdf`: the one-page report, for the county or one place, in Chinese."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.services.database import Database

needs_poppler = pytest.mark.tools("pdftotext")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_the_county_report_reads_back(county_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "看板.pdf"
    assert main(["--db", county_db.url, "--lang", "zh_CN", "dashboard", "--out", str(out)]) == 0
    assert "已写出雷波县的数据看板（6 户）" in capsys.readouterr().out
    text = _text(out)
    for words in ("雷波县脱贫攻坚数据看板", f"数据年度 {county_db.data_year} 年", "在册 6 户", "户数与人数：按脱贫状态", "按户属性",
                  "与计划", "贫困发生率最高的村", f"两不愁三保障（{county_db.data_year} 年，6 户）", "未处理问题最多的村", "变更申请待办",
                  "八合村"):
        assert words in text, words
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in pages


@needs_poppler
def test_a_village_by_name_and_an_unknown_place(county_db: Database, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "village.pdf"
    assert main(["--db", county_db.url, "--lang", "en", "dashboard", "--out", str(out), "--village", "八合村"]) == 0
    assert "(3 households)" in capsys.readouterr().out
    assert "帕哈乡八合村脱贫攻坚数据看板" in _text(out)
    code = main(["--db", county_db.url, "--lang", "zh_CN", "dashboard", "--out", str(out), "--township", "无此乡"])
    assert code != 0
    assert "找不到乡镇：无此乡" in capsys.readouterr().err
