"""`povdesk forms`: a print run from the command line prints its batch id; lookup finds the form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from povdesk.cli import main
from povdesk.services.database import Database
from tests.factories import build_small_county


@pytest.fixture
def county_file(db_url: str) -> str:
    path = db_url
    db = Database.open(path, user="tester")
    build_small_county(db)
    db.close()
    return path


def test_forms_prints_batch_id_and_writes_pdf_and_xlsx(county_file: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    pdf, xlsx = tmp_path / "v.pdf", tmp_path / "v.xlsx"
    code = main(["--lang", "en", "--db", str(county_file), "forms", "--village", "513437204201",
                 "--out", str(pdf), "--xlsx", str(xlsx)])
    out = capsys.readouterr().out
    assert code == 0
    assert re.search(r"Print batch 1: 3 households, \d+ pages", out)
    assert pdf.read_bytes()[:5] == b"%PDF-" and xlsx.exists()

    code = main(["--lang", "zh_CN", "--db", str(county_file), "forms", "lookup",
                 "PD1-B1-H51343720420100002-V1"])
    out = capsys.readouterr().out
    assert code == 0 and "打印批次 1" in out and "曲比阿呷" in out and "此后未修改" in out


def test_sample_with_seed_is_logged_and_repeatable(county_file: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--lang", "zh_CN", "--db", str(county_file), "forms", "--sample", "50", "--seed", "9", "--out"]
    assert main([*args, str(tmp_path / "a.pdf")]) == 0
    first = capsys.readouterr().out
    assert "打印批次 1：共 3 户" in first and "抽样种子：9" in first
    assert main([*args, str(tmp_path / "b.pdf"), "--households", "51343720420100001,51343720420100002"]) == 0
    assert "打印批次 2：共 1 户" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["forms", "--township", "513437204"], "--out"),
    (["forms", "--out", "x.pdf", "--households", "999"], "999"),
    (["forms", "lookup", "garbage"], "garbage"),
    (["forms", "--seed", "3", "--out", "x.pdf"], "--sample"),
])
def test_unusable_input_exits_2_with_a_message(county_file: Path, argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "--db", str(county_file), *argv]) == 2
    assert message in capsys.readouterr().err
