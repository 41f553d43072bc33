"""The province's feedback on a package (issue 12 §4) at the service level: accepted changes marked,
rejected ones returned to their makers as new requests, the package history's feedback fields,
re-import changing nothing, and every bad file refused whole, naming file, sheet and row."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from povdesk.db.models import AuditEntry, ChangePackageItem, ChangeRequest, PackageFeedback
from povdesk.domain import changes as cr
from povdesk.errors import BadInput, NotAllowed
from povdesk.exchange import province_feedback as pf
from povdesk.services.database import Database
from povdesk.services.packages import FeedbackRefused, PackageService
from tests.services.changes_setup import H0, H4, Office, office
from tests.services.package_setup import PASSWORD, PERIOD, SCAN, as_director, db_as, signed_month


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


@pytest.fixture
def exported(o: Office, tmp_path: Path) -> tuple[list[int], Path]:
    """The three requests of 2020-01 (a: tester's correction with evidence, b: carl's correction,
    c: carl's exit), exported as package 001."""
    ids = signed_month(o)
    done = as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert done.file is not None
    return ids, done.file


def as_reviewer(o: Office, login: str = "rita") -> PackageService:
    return PackageService(db=db_as(o.db, login))


def workbook(path: Path, rows: list[list[Any]], *, title: str = "反馈", above: list[list[Any]] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in [*above, *rows]:
        ws.append(row)
    wb.save(path)
    return path


def json_file(path: Path, results: list[dict[str, Any]], **top: Any) -> Path:
    doc = {"format": "povdesk-province-feedback", "format_version": 1, **top, "results": results}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def counts(o: Office) -> tuple[int, int, int, int]:
    with o.db.reading() as s:
        return (int(s.scalar(select(func.count()).select_from(ChangeRequest)) or 0),
                int(s.scalar(select(func.count()).select_from(PackageFeedback)) or 0),
                int(s.scalar(select(func.count()).select_from(ChangePackageItem)
                             .where(ChangePackageItem.result.is_not(None))) or 0),
                int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0))


def test_accepted_marked_rejected_returned_to_the_maker_as_a_new_request(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, b, c), package = exported
    path = workbook(tmp_path / "省反馈.xlsx", [["申请编号", "户编号", "审核结果", "退回原因"],
                                             [a, H0, "退回", "电话号码与户籍登记不符"],
                                             [f"CR-{b}", H4, "通过", None],
                                             [c, None, " 不通过 ", "收入  核算有误"]])
    done = as_reviewer(o).feedback(path)
    assert done.changed and done.file == "省反馈.xlsx" and len(done.sha256) == 64
    assert [d.request_id for d in done.accepted] == [b]
    assert [(d.request_id, d.maker, d.reason) for d in done.rejected] == [
        (a, "tester", "电话号码与户籍登记不符"), (c, "carl", "收入 核算有误")]
    assert [(p.package, p.accepted, p.rejected) for p in done.packages] == [(package.name, 1, 2)]

    # the signed-off originals never change; the copy carries the change again, returned to its maker
    for rid in (a, b, c):
        assert o.as_("dina").get(rid).status == cr.SIGNED_OFF
    copy_a = o.as_("tester").get(done.rejected[0].returned_as or 0)
    original = o.as_("tester").get(a)
    assert copy_a.status == cr.RETURNED and copy_a.maker == "tester" and copy_a.type == "correct"
    assert copy_a.source == "province" and copy_a.source_ref == f"CR-{a}"
    assert "电话号码与户籍登记不符" in (copy_a.review_comment or "") and package.name in (copy_a.review_comment or "")
    assert [(f.key, f.before, f.after) for f in copy_a.fields] == [(f.key, f.before, f.after) for f in original.fields]
    assert [e.name for e in copy_a.evidence] == ["户口本 扫描.PDF"]
    assert o.as_("tester").evidence_bytes(copy_a.evidence[0].file_id) == SCAN
    assert [(e.user, e.from_status, e.to_status) for e in copy_a.history] == [("rita", None, cr.RETURNED)]
    copy_c = o.as_("carl").get(done.rejected[1].returned_as or 0)
    assert copy_c.type == "exit" and copy_c.notice == o.as_("carl").get(c).notice and copy_c.year == 2019
    assert [r.id for r in o.as_("carl").queue(cr.RETURNED, maker="carl")] == [copy_c.id]
    assert [r.id for r in o.as_("tester").queue(cr.RETURNED, maker="tester")] == [copy_a.id]

    answers = {x.request_id: x for x in as_reviewer(o).package_answers(as_director(o).history()[0].id)}
    assert answers[b].result == pf.ACCEPTED and answers[b].reason is None
    assert (answers[a].result, answers[a].reason, answers[a].returned_as) == (
        pf.REJECTED, "电话号码与户籍登记不符", copy_a.id)

    record = as_director(o).history()[0]
    assert (record.accepted, record.rejected, record.unanswered, record.feedback_files) == (1, 2, 0, 1)
    assert record.feedback_by == "rita" and record.feedback_sha256 == done.sha256 and record.feedback_at is not None
    receipts = as_director(o).feedback_received(record.id)
    assert [(r.file_name, r.received_by, r.accepted, r.rejected) for r in receipts] == [("省反馈.xlsx", "rita", 1, 2)]
    with o.db.reading() as s:
        audited = [(e.action, e.user, e.subject) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))][-3:]
    assert audited == [("change.province_rejected", "rita", f"CR-{a}"), ("change.province_rejected", "rita", f"CR-{c}"),
                       ("package.feedback", "rita", "省反馈.xlsx")]

    # the same feedback again changes nothing, and says so
    before = counts(o)
    again = as_reviewer(o).feedback(path)
    assert not again.changed and sorted(d.request_id for d in again.unchanged) == [a, b, c]
    assert again.as_json()["changed"] is False and counts(o) == before


def test_the_returned_copy_goes_into_a_later_package_under_its_maker(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, _b, _c), _package = exported
    done = as_reviewer(o).feedback(json_file(tmp_path / "fb.json", [
        {"request_id": a, "result": "rejected", "reason": "号码错误"}]))
    copy = done.rejected[0].returned_as or 0
    tester = o.as_("tester")
    tester.rebase(copy)  # the registry holds what the rejected request applied
    tester.edit(copy, sets={"household.phone": "13955556666"})
    tester.submit(copy)
    o.as_("rita").approve(copy)
    assert o.as_("rita").get(copy).period == "2020-02"
    o.today[0] = dt.date(2020, 2, 20)
    o.as_("dina").sign_off("2020-02")
    later = as_director(o).export("2020-02", tmp_path / "out", password=PASSWORD)
    assert later.file is not None
    with zipfile.ZipFile(later.file) as zf:
        line = json.loads(zf.read("changes.jsonl").decode("utf-8").splitlines()[0])
    assert line["request_id"] == copy and line["maker"]["login"] == "tester"
    assert line["source"] == "province" and line["source_ref"] == f"CR-{a}"
    assert line["fields"][0]["after"] == "13955556666"


def test_household_number_and_type_with_synonym_headers_under_a_title(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, b, c), _package = exported
    path = workbook(tmp_path / "answer.xlsx",
                    [["户编号", "变更类型", "结 果", "原因"], [H0, "信息更正", "通过", None], [H4, "标注脱贫", "通过", ""],
                     [H4, "correct", "同意", None]],
                    above=[["雷波县2020年1月变更省级审核结果"], []])
    done = as_reviewer(o).feedback(path)
    assert sorted(d.request_id for d in done.accepted) == [a, b, c] and not done.rejected


def test_the_packages_own_workbook_with_two_columns_added_is_an_answer(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, b, c), package = exported
    with zipfile.ZipFile(package) as zf:
        wb = openpyxl.load_workbook(io.BytesIO(zf.read("调整明细.xlsx")))
    for ws in wb.worksheets:
        width = ws.max_column
        ws.cell(1, width + 1, "审核结果")
        ws.cell(1, width + 2, "退回原因")
        for row in range(2, ws.max_row + 1):
            rejected = str(ws.cell(row, 1).value) == str(c)
            ws.cell(row, width + 1, "退回" if rejected else "通过")
            ws.cell(row, width + 2, "公示材料不全" if rejected else None)
    wb.save(tmp_path / "调整明细-反馈.xlsx")
    done = as_reviewer(o).feedback(tmp_path / "调整明细-反馈.xlsx")
    assert sorted(d.request_id for d in done.accepted) == [a, b]
    assert [d.request_id for d in done.rejected] == [c]


def test_json_names_the_package(o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, b, _c), package = exported
    done = as_reviewer(o).feedback(json_file(tmp_path / "fb.json", [
        {"request_id": a, "result": "通过"}, {"household_no": H4, "type": "信息更正", "result": "accepted"}],
        package=package.name))
    assert sorted(d.request_id for d in done.accepted) == [a, b]


def refused(o: Office, path: Path) -> FeedbackRefused:
    before = counts(o)
    with pytest.raises(FeedbackRefused) as caught:
        as_reviewer(o).feedback(path)
    assert counts(o) == before  # nothing written
    return caught.value


def test_bad_rows_refuse_the_whole_file_naming_each_row_in_both_languages(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, b, c), _package = exported
    draft = o.as_("carl").make("correct", household_no=H4, sets={"household.phone": "13977778888"}, reason="核实")
    path = workbook(tmp_path / "bad.xlsx", [["申请编号", "审核结果", "退回原因"],
                                           [a, "通过", None],          # row 2 fine
                                           [999, "通过", None],        # row 3 unknown request
                                           [b, "待定", None],          # row 4 bad result word
                                           [c, "通过", None],          # row 5 ...
                                           [c, "退回", "材料不全"],     # row 6 contradicts row 5
                                           [draft.id, "通过", None],   # row 7 in no package
                                           ["abc", "退回", None]],     # row 8 no id, no reason
                    title="省反馈")
    exc = refused(o, path)
    assert [(p.sheet, p.row) for p in exc.problems] == [
        ("省反馈", 4), ("省反馈", 8), ("省反馈", 8), ("省反馈", 3), ("省反馈", 6), ("省反馈", 7)]
    en, zh = exc.message("en"), exc.message("zh")
    assert "bad.xlsx was not imported, nothing was written" in en and "未写入任何数据" in zh
    assert "sheet 省反馈, row 3: no change request #999" in en
    assert "工作表“省反馈”，第 3 行：找不到变更申请 #999" in zh
    assert "row 4: '待定' is not a result: write 通过 (accepted) or 退回 (rejected)" in en
    assert "第 4 行：“待定”不是审核结果" in zh
    assert f"row 6: request #{c} is answered differently in row 省反馈:5" in en
    assert f"第 6 行：变更申请 #{c} 在第 省反馈:5 行的答复与本行不同" in zh
    assert f"row 7: change request #{draft.id} is in no exported package (draft)" in en
    assert f"第 7 行：变更申请 #{draft.id} 不在任何已导出的变更包中（草稿）" in zh
    assert "row 8: 'abc' is not a change request id" in en and "第 8 行：退回的变更必须写明退回原因" in zh


def test_identical_repeated_rows_are_taken_once(o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, _b, _c), _package = exported
    done = as_reviewer(o).feedback(workbook(tmp_path / "twice.xlsx", [["申请编号", "审核结果"], [a, "通过"], [a, "通过"]]))
    assert [d.request_id for d in done.accepted] == [a]
    assert done.notices == ((f"row 反馈:3 repeats row 反馈:2 (request #{a}): taken once",
                             f"第 反馈:3 行与第 反馈:2 行重复（变更申请 #{a}），只计一次"),)


def test_a_different_answer_to_an_answered_request_is_refused(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, _b, _c), _package = exported
    as_reviewer(o).feedback(json_file(tmp_path / "one.json", [{"request_id": a, "result": "通过"}]))
    exc = refused(o, json_file(tmp_path / "two.json", [{"request_id": a, "result": "退回", "reason": "改判"}]))
    assert exc.problems[0].row == 1
    assert f"file two.json, row 1: request #{a} was already answered accepted" in exc.message("en")
    assert f"文件“two.json”，第 1 行：变更申请 #{a} 已记录省级答复“通过”" in exc.message("zh")


def test_unknown_package_and_a_request_of_another_package(
        o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    (a, _b, _c), package = exported
    exc = refused(o, json_file(tmp_path / "fb.json", [{"request_id": a, "result": "通过"}],
                               package="513437-2019-12-001.zip"))
    assert "row 1: no package '513437-2019-12-001.zip' was exported by this office" in exc.message("en")
    assert "第 1 行：本县没有导出过变更包“513437-2019-12-001.zip”" in exc.message("zh")
    exc = refused(o, json_file(tmp_path / "hh.json", [{"household_no": "51343799999999999", "type": "correct",
                                                      "result": "通过"}]))
    assert "no exported correction of household 51343799999999999" in exc.message("en")
    assert package.name  # the package itself is known: naming it by file name works (test_json_names_the_package)


def test_files_that_are_no_feedback_are_refused(o: Office, exported: tuple[list[int], Path], tmp_path: Path) -> None:
    roster = workbook(tmp_path / "roster.xlsx", [["户编号", "姓名", "证件号码"], [H0, "沙马拉则", "x"]], title="花名册")
    with pytest.raises(BadInput) as caught:
        as_reviewer(o).feedback(roster)
    assert caught.value.code == "input.feedback_header"
    assert "No sheet (花名册) has a feedback header" in caught.value.message("en")
    assert "没有任何工作表（花名册）含有反馈表头" in caught.value.message("zh")
    bad_json = tmp_path / "x.json"
    bad_json.write_text('{"format": "something", "results": []}', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        as_reviewer(o).feedback(bad_json)
    assert 'Not a povdesk feedback file: "format" is not "povdesk-province-feedback"' in caught.value.message("en")
    exc = refused(o, json_file(tmp_path / "none.json", []))
    assert exc.message("en").endswith("file none.json: the file answers no change.")
    exc = refused(o, json_file(tmp_path / "keys.json", [{"request": 1, "result": "通过"}]))
    assert "row 1: unknown keys request" in exc.message("en") and "含有未知的键 request" in exc.message("zh")


def test_only_a_reviewer_or_director_imports_feedback(o: Office, exported: tuple[list[int], Path],
                                                      tmp_path: Path) -> None:
    (a, _b, _c), _package = exported
    with pytest.raises(NotAllowed):
        PackageService(db=db_as(o.db, "carl")).feedback(json_file(tmp_path / "fb.json", [
            {"request_id": a, "result": "通过"}]))
