"""`povdesk check`: JSON shape, table text, xlsx file, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from povdesk.cli import main
from povdesk.services.database import Database


@pytest.fixture
def county_path(county_db: Database, db_url: str) -> str:
    county_db.close()
    return db_url


def test_json_lists_problems_and_a_summary(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    problems = data["problems"]
    assert problems and {"rule", "category", "severity", "household_no", "id_number", "fields",
                         "message"} <= set(problems[0])
    exit_rule = [p for p in problems if p["rule"] == "EXIT-001"]
    assert exit_rule[0]["household_no"] == "51343720420200001" and exit_rule[0]["id_number"] is None
    assert "3,750.00" in exit_rule[0]["message"] and exit_rule[0]["fields"][0] == "income.per_capita_net"
    assert data["summary"]["open"] == len(problems) and data["summary"]["errors"] == 1
    assert data["summary"]["by_rule"]["EXIT-001"] == 1
    # a second run finds the same problems and opens none
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert len(again["problems"]) == len(problems) and again["summary"]["opened_this_run"] == 0


def test_village_table_in_chinese(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--village", "513437204202"]) == 0
    out = capsys.readouterr().out
    assert "EXIT-001" in out and "检查 2 户" in out
    assert "51343720420100001" not in out  # another village


def test_xlsx_needs_out_and_writes_a_list(county_path: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "xlsx"]) == 2
    out = tmp_path / "list.xlsx"
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "xlsx", "--out", str(out)]) == 0
    ws = load_workbook(out)["问题清单"]
    assert ws["D4"].value and ws["E4"].value  # household number and head's name
    assert main(["--db", county_path, "check", "--village", "000000000000"]) == 2


def test_settings_years_lists_and_changes_a_year(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "en", "settings", "years"]) == 0
    assert "2019  exit line 3750" in capsys.readouterr().out
    assert main(["--db", county_path, "--lang", "en", "settings", "years", "--set", "2019", "--exit-line", "9000",
                 "--school-ages", "6-14", "--source", "county estimate"]) == 0
    out = capsys.readouterr().out
    assert "2019  exit line 9000" in out and "school ages 6-14" in out and "county estimate" in out
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["by_rule"]["EXIT-001"] == 3  # every exited household is now below the line
    assert main(["--db", county_path, "settings", "years", "--set", "2019", "--school-ages", "x"]) == 2


def test_township_status_and_table(county_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from povdesk.services.checks import CheckService

    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--township", "513437204"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["规则", "严重程度", "状态", "户编号", "成员", "问题"]
    # the columns line up on screen: each row's household number starts where its heading does
    start = lines[0].index("户编号") + sum(1 for c in lines[0][:lines[0].index("户编号")] if ord(c) > 0x2e80)
    for line in lines[1:-1]:
        head = line.split("5134", 1)[0]
        assert len(head) + sum(1 for c in head if ord(c) > 0x2e80) == start
    assert lines[-1].startswith("检查 5 户")
    # a township code given as a village is named for what it is
    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--village", "513437204"]) == 2
    assert "请用 --township" in capsys.readouterr().err
    # accepted problems are listed on request and counted
    assert main(["--db", county_path, "users", "set", "wang", "reviewer", "--name", "王审核"]) == 0
    assert "wang\t王审核\treviewer" in capsys.readouterr().out
    db = Database.open(county_path, user="wang")
    checks = CheckService(db=db)
    exit_problem = next(p for p in checks.problems() if p.rule == "EXIT-001")
    checks.accept(exit_problem.id, "已入户核实")
    db.close()
    out = tmp_path / "accepted.json"
    assert main(["--db", county_path, "--lang", "en", "check", "--status", "accepted", "--format", "json",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote {out} (1 problem)"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [p["rule"] for p in data["problems"]] == ["EXIT-001"] and data["problems"][0]["status"] == "accepted"
    assert data["summary"]["accepted"] == 1 and data["summary"]["by_rule"].get("EXIT-001") is None
    assert data["problems"][0]["closed_by"] == "wang" and data["problems"][0]["resolution"] == "已入户核实"
    assert main(["--db", county_path, "--lang", "en", "check", "--status", "all"]) == 0
    text = capsys.readouterr().out
    assert "Accepted" in text and "1 accepted as exceptions" in text
    assert "Resolution" in text.splitlines()[0] and "已入户核实 — 王审核 " in text
    listed = tmp_path / "all.xlsx"
    assert main(["--db", county_path, "check", "--status", "accepted", "--format", "xlsx", "--out", str(listed)]) == 0
    ws = load_workbook(listed)["问题清单"]
    assert ws.cell(row=4, column=15).value.startswith("已入户核实 — 王审核 ")


def test_a_figure_out_of_range_is_unusable_input(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "zh_CN", "settings", "years", "--set", "2019",
                 "--reference-date", "2018-06-30"]) == 2
    assert "2018-06-30" in capsys.readouterr().err


def test_no_run_lists_without_recording_a_run(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import func, select

    from povdesk.db.models import CheckRun

    assert main(["--db", county_path, "--lang", "zh_CN", "check"]) == 0
    ran = capsys.readouterr().out
    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--no-run"]) == 0
    listed = capsys.readouterr().out
    assert listed.splitlines()[:-1] == ran.splitlines()[:-1]
    assert listed.splitlines()[-1].startswith("（未运行检查，按上次检查结果列出）") and "本次" not in listed
    db = Database.open(county_path, user="tester")
    with db.reading() as s:
        assert s.scalar(select(func.count(CheckRun.id))) == 1
    db.close()


def test_split_lists_stay_in_the_out_folder_whatever_the_place_names(county_db: Database, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Place names come from imported files: `/../../x` once wrote x.xlsx outside --out, `a/b` made a
    subfolder, and a head's name `=HYPERLINK(…)` became a live formula in the list."""
    from sqlalchemy import select

    from povdesk.db.models import Household, Township, Village

    with county_db.transaction() as s:
        towns = {t.code: t for t in s.scalars(select(Township))}
        towns["513437204"].name = "/../../x"
        towns["513437100"].name = "nul.txt"
        villages = {v.code: v for v in s.scalars(select(Village))}
        villages["513437204201"].name = "a/b"
        villages["513437204202"].name = "A/B"  # the same file as a/b on Windows
        villages["513437100201"].name = "CON"
        for h in s.scalars(select(Household)):
            h.head_name = '=HYPERLINK("http://x","click")'
    path = str(county_db.path or county_db.url)  # a SQLite file, or PostgreSQL in the second pass
    county_db.close()
    work = tmp_path / "work"
    out = work / "deep" / "out"
    for level in ("village", "township"):
        assert main(["--db", path, "--lang", "en", "check", "--format", "xlsx", "--split", level,
                     "--out", str(out / level)]) == 0
    written = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
    assert all(w.startswith(("deep/out/village/", "deep/out/township/")) and w.count("/") == 3 for w in written)
    assert not (tmp_path / "x.xlsx").exists() and not list(tmp_path.glob("*.xlsx"))
    villages_written = sorted(p.name for p in (out / "village").iterdir())
    assert len(villages_written) == 3 and len({n.casefold() for n in villages_written}) == 3
    assert sorted(p.name for p in (out / "township").iterdir()) == ["问题清单__._._x.xlsx", "问题清单_nul.txt.xlsx"]
    for file in (out / "village").iterdir():
        ws = load_workbook(file)["问题清单"]
        heads = [ws.cell(r, 5) for r in range(4, ws.max_row + 1)]
        assert heads and all(c.value == '=HYPERLINK("http://x","click")' and c.data_type == "s" and c.quotePrefix
                             for c in heads)


def test_json_is_streamed_one_problem_a_line(county_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON output is written problem by problem as the rows are read, never built whole: the
    command does not ask for the list of every problem."""
    from povdesk.services.checks import CheckService

    def everything(*_args: object, **_kw: object) -> None:
        raise AssertionError("the whole list of problems was loaded")

    monkeypatch.setattr(CheckService, "problems", everything)
    out = tmp_path / "problems.json"
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    lines = text.splitlines()
    assert lines[0] == '{"problems": ['
    assert [json.loads(line.rstrip(","))["id"] for line in lines[1:len(data["problems"]) + 1]] == \
        [p["id"] for p in data["problems"]]
    assert data["summary"]["open"] == data["summary"]["listed"] == len(data["problems"]) > 5
    assert data["run_id"] == 1 and capsys.readouterr().out.strip() == f"Wrote {out} ({len(data['problems'])} problems)"


def test_summary_counts_by_rule_and_village_only(county_path: str, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from povdesk.services.checks import CheckService

    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json"]) == 0
    full = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(CheckService, "iter_problems", lambda *_a, **_k: pytest.fail("problem rows were read"))
    assert main(["--db", county_path, "--lang", "en", "check", "--summary", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "problems" not in data and data["summary"]["open"] == len(full["problems"])
    rules: dict[str, int] = {}
    for p in full["problems"]:
        rules[p["rule"]] = rules.get(p["rule"], 0) + 1
    assert data["by_rule"] == dict(sorted(rules.items())) == data["summary"]["by_rule"]
    villages = [(v["township"], v["village"]) for v in data["by_village"]]
    assert len(villages) == len(set(villages)) > 1 and ("帕哈乡", "试点村") in villages
    assert sum(v["problems"] for v in data["by_village"]) == len(full["problems"])
    # the table: one line per rule, one per village, then the summary line
    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--summary", "--no-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["规则", "名称", "问题数"] and lines[1].startswith("EXIT-001")
    heading = lines.index(next(line for line in lines if line.startswith("乡镇")))
    assert heading == len(rules) + 2 and lines[heading].split() == ["乡镇", "行政村", "问题数"]
    assert any(line.split()[:2] == ["帕哈乡", "试点村"] for line in lines[heading + 1:])
    assert lines[-1].startswith("（未运行检查") and f"未整改问题 {len(full['problems'])} 个" in lines[-1]
    assert main(["--db", county_path, "check", "--summary", "--format", "xlsx", "--out", "x.xlsx"]) == 2


def test_settings_years_sets_the_village_exit_incidence(county_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "en", "settings", "years", "--set", "2019",
                 "--exit-incidence", "2"]) == 0
    assert "village exit ≤2%" in capsys.readouterr().out
    assert main(["--db", county_path, "--lang", "en", "settings", "years", "--set", "2019",
                 "--exit-incidence", "120"]) == 2
    assert "incidence must be above 0 % and below 100 %" in capsys.readouterr().err
    assert main(["--db", county_path, "--lang", "zh_CN", "settings", "years"]) == 0
    assert "贫困村退出发生率 ≤2%" in capsys.readouterr().out  # the refused figure changed nothing


def test_list_rules_shows_each_year_range_and_what_runs(county_path: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", county_path, "--lang", "en", "check", "--list-rules"]) == 0
    lines = {line.split("\t")[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "2014 on\truns" in lines["EDU-001"]
    assert "2020 on\tnot run: does not apply to 2019" in lines["EDU-009"]
    assert "not run: needs the members' yearly snapshots" in lines["EDU-014"]
    # the office switches EDU-009 on for 2019, with who and why; a run then finds by it
    assert main(["--db", county_path, "--lang", "en", "check", "--switch-rule", "EDU-009=on",
                 "--reason", "县办要求"]) == 0
    capsys.readouterr()
    assert main(["--db", county_path, "--lang", "zh_CN", "check", "--list-rules"]) == 0
    lines = {line.split("\t")[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "2020 年起\t运行（" in lines["EDU-009"] and "县办要求" in lines["EDU-009"]
    assert main(["--db", county_path, "--lang", "en", "check", "--switch-rule", "EDU-009=on"]) == 1  # no reason
    assert main(["--db", county_path, "--lang", "en", "check", "--format", "json", "--summary"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["households_checked"]
