"""The monthly package (issue 12 §1-3) at the service level: what it holds, exactly once, blocked
when not clean, deterministic, the office key, cancel, and reopening an exported month."""

from __future__ import annotations

import gc
import io
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from povdesk.db.models import (
    ChangePackage,
    ChangePackageItem,
    Household,
    OfficeKey,
    Problem,
)
from povdesk.domain import changes as cr
from povdesk.errors import Cancelled, Conflict, NotAllowed
from povdesk.exchange import verify_package as vp
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.packages import PackageService
from tests.services.changes_setup import H0, H4, Office, office
from tests.services.package_setup import PASSWORD, PERIOD, SCAN, as_director, db_as, signed_month

ROOT = Path(__file__).resolve().parents[2]


def schema(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "docs" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def o(county_db: Database) -> Office:
    return office(county_db)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_the_package_holds_the_signed_off_month_and_verifies(o: Office, tmp_path: Path) -> None:
    ids = signed_month(o)
    done = as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert done.file == tmp_path / "out" / f"513437-{PERIOD}-001.zip" and done.sequence == 1 and done.changes == 3
    assert done.as_json() == {"file": str(done.file), "sequence": 1, "changes": 3, "sha256": done.sha256}
    files = unzip(done.file)
    evidence = f"evidence/{vp.hashlib.sha256(SCAN).hexdigest()}.pdf"
    assert list(files) == ["manifest.json", "manifest.sig", "changes.jsonl", "调整明细.xlsx", "签发单.pdf", evidence]
    assert files[evidence] == SCAN
    manifest = json.loads(files["manifest.json"])
    jsonschema.validate(manifest, schema("manifest"))
    assert manifest["county"] == {"code": "513437", "name": "雷波县"} and manifest["previous_sha256"] is None
    assert manifest["counts"]["by_type"] == {"correct": 2, "exit": 1} and manifest["exported_by"] == "dina"
    assert manifest["signed_off"]["by"] == ["dina"]
    signed_at = max(e.at for r in ids for e in o.as_("dina").get(r).history if e.to_status == cr.SIGNED_OFF)
    assert manifest["signed_off"]["at"] == signed_at.replace(microsecond=0).isoformat() + "Z"
    assert [f["name"] for f in manifest["files"]] == list(files)[2:]
    lines = [json.loads(x) for x in files["changes.jsonl"].decode("utf-8").splitlines()]
    for line in lines:
        jsonschema.validate(line, schema("change"))
    assert [x["request_id"] for x in lines] == ids
    assert lines[0]["fields"] == [{"key": "household.phone", "national_code": "AAR012", "member_id_number": None,
                                   "before": "13900000000", "after": "13911112222"}]
    assert lines[0]["evidence"][0]["name"] == "户口本 扫描.PDF" and lines[0]["evidence"][0]["path"] == evidence
    assert lines[2]["notice"]["township_reviewer"] == "李乡长" and lines[2]["reviewer"]["login"] == "rita"
    assert lines[2]["maker"]["login"] == "carl" and lines[2]["signer"]["login"] == "dina"
    check = as_director(o).verify(done.file)
    assert check.ok, check.problems
    with o.db.reading() as s:
        assert s.scalar(select(func.count(ChangePackageItem.id))) == 3
        p = s.scalar(select(ChangePackage))
        assert p is not None and p.sha256 == done.sha256 and p.file_name == done.file.name


def test_the_workbook_has_a_sheet_per_type_text_ids_and_no_formulas(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    done = as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert done.file is not None
    wb = openpyxl.load_workbook(io.BytesIO(unzip(done.file)["调整明细.xlsx"]))
    assert wb.sheetnames == ["信息更正", "标注脱贫", "返贫", "新识别", "自然增加", "自然减少", "自然销户", "清退",
                             "贫困村退出"]
    ws = wb["信息更正"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["E"].width >= 18
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["申请编号", "乡镇", "行政村", "行政村代码", "户编号"]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 2
    household_no = rows[0][headers.index("户编号")]
    assert household_no.value == H0 and household_no.data_type == "s"
    formula = rows[1][headers.index("变更后")]
    assert formula.value == '=HYPERLINK("x")' and formula.data_type == "s" and formula.quotePrefix
    assert rows[1][headers.index("变更原因")].quotePrefix  # "+电话变更"
    exit_rows = list(wb["标注脱贫"].iter_rows(min_row=2, values_only=True))
    assert [r[headers.index("变更项目")] for r in exit_rows] == ["脱贫状态", "脱贫年度"]
    assert exit_rows[0][headers.index("变更后")].startswith("1 ")  # the code with its label


def test_the_sign_off_sheet_embeds_the_font_and_prints_sequence_and_digest(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    done = as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert done.file is not None
    files = unzip(done.file)
    pdf = files["签发单.pdf"]
    manifest = json.loads(files["manifest.json"])
    reader = PdfReader(io.BytesIO(pdf))
    font = reader.pages[0]["/Resources"]["/Font"]["/F1+0"].get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else \
        font["/FontDescriptor"]
    assert "WenQuanYiMicroHei" in str(font["/BaseFont"]) and "/FontFile2" in descriptor.get_object()
    text = "".join(page.extract_text() for page in reader.pages)
    assert "签发单" in text and "第 1 包" in text and manifest["content_sha256"][:32] in text
    assert "审核人（签字）" in text and "签发人（签字）" in text and "信息更正" in text
    assert "2000" in str(reader.metadata.get("/CreationDate"))  # reportlab's invariant date, not the clock
    assert manifest["content_sha256"] == vp.content_digest(manifest["files"])


def test_nothing_new_writes_nothing_and_later_sign_offs_go_into_the_next_package(o: Office, tmp_path: Path) -> None:
    ids = signed_month(o)
    svc = as_director(o)
    first = svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    again = svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert again.file is None and again.as_json() == {"file": None, "changes": 0}
    assert names(tmp_path / "out") == [f"513437-{PERIOD}-001.zip"]
    # the month reopened, a request approved and signed off into it afterwards
    o.as_("dave").reopen(PERIOD, "漏报一户")
    late = o.as_("tester").make("correct", household_no=H0, sets={"household.phone": "13933334444"}, reason="再次核实")
    o.as_("tester").submit(late.id)
    o.as_("rita").approve(late.id)
    assert o.as_("rita").get(late.id).period == PERIOD
    o.as_("dina").sign_off(PERIOD)
    assert all(r.status == cr.SIGNED_OFF for r in o.as_("dina").list(period=PERIOD))
    assert svc.preview(PERIOD).changes == 1 and svc.preview(PERIOD).sequence == 2
    second = svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert second.sequence == 2 and second.changes == 1 and second.file is not None
    manifest = json.loads(unzip(second.file)["manifest.json"])
    assert manifest["previous_sha256"] == first.sha256 and manifest["sequence"] == 2
    assert [json.loads(x)["request_id"] for x in unzip(second.file)["changes.jsonl"].splitlines()] == [late.id]
    assert svc.verify(second.file, previous=first.file).ok
    wrong = svc.verify(second.file, previous=second.file)
    assert {p.code for p in wrong.problems} >= {"previous.hash", "previous.sequence"}
    with o.db.reading() as s:
        carried = s.execute(select(ChangePackageItem.request_id, ChangePackageItem.package_id)).all()
    assert sorted(r for r, _p in carried) == sorted([*ids, late.id])  # each exactly once
    assert [p.sequence for p in svc.history()] == [2, 1]


def test_open_error_problems_block_the_export_until_accepted(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    with o.db.transaction() as s:
        h = s.scalar(select(Household).where(Household.household_no == H4))
        assert h is not None
        s.add(Problem(rule="TST-001", category="test", severity="error", household_id=h.id, fingerprint="TST-001:x",
                      fields="household.phone", message_zh="测试错误", message_en="a test error", status="open"))
    svc = as_director(o)
    preview = svc.preview(PERIOD)
    assert preview.blocked and [(b.rule, b.household_no) for b in preview.blockers] == [("TST-001", H4)]
    with pytest.raises(Conflict) as e:
        svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert e.value.code == "package.blockers" and "TST-001" in e.value.en and H4 in e.value.en
    assert "测试错误" in e.value.zh
    assert names(tmp_path / "out") == []
    CheckService(db=db_as(o.db, "rita")).accept(preview.blockers[0].problem_id, "已核实为例外")
    done = svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert done.changes == 3


def test_only_a_director_exports_and_only_with_the_key_password(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    with pytest.raises(NotAllowed):
        as_director(o, "rita").export(PERIOD, tmp_path / "out", password=PASSWORD)
    key = as_director(o).ensure_key(PASSWORD)
    with pytest.raises(NotAllowed) as e:
        as_director(o, "dave").export(PERIOD, tmp_path / "out", password="another")
    assert e.value.code == "package.key_password" and "dina" in e.value.en
    assert names(tmp_path / "out") == []
    with o.db.reading() as s:
        row = s.scalar(select(OfficeKey))
        assert row is not None and row.holder == "dina" and row.params["kdf"] == "scrypt"
        assert b"PRIVATE" not in row.encrypted_private
    assert key.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert key.fingerprint == vp.public_key_fingerprint(key.public_pem.encode())
    assert as_director(o).ensure_key(PASSWORD) == key  # made once


def test_a_cancelled_export_writes_and_marks_nothing(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    seen: list[int] = []
    with pytest.raises(Cancelled):
        as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD, progress=lambda d, _t: seen.append(d),
                              cancel=lambda: len(seen) >= 3)
    assert names(tmp_path / "out") == [] and as_director(o).history() == []


def test_reopening_an_exported_month_reopens_none_of_its_requests(o: Office, tmp_path: Path) -> None:
    ids = signed_month(o)
    first = as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert not o.as_("dave").reopen(PERIOD, "漏报一户").closed
    assert [o.as_("dave").get(i).status for i in ids] == [cr.SIGNED_OFF] * len(ids)
    with pytest.raises(Conflict) as e:  # an exported request stays as it was sent
        o.as_("tester").edit(ids[0], reason="改")
    assert e.value.code == "change.signed_off"
    assert as_director(o).preview(PERIOD).changes == 0  # nothing new: nothing to send again
    assert as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD).file is None
    assert first.file is not None and first.file.exists()


@pytest.mark.sqlite_only(reason="copies the SQLite database file to export from two copies")
def test_two_copies_of_the_database_give_identical_bytes(o: Office, tmp_path: Path) -> None:
    signed_month(o)
    as_director(o).ensure_key(PASSWORD)
    assert o.db.path is not None
    copies = []
    for name in ("a", "b"):
        target = tmp_path / f"{name}.sqlite"
        src, dst = sqlite3.connect(o.db.path), sqlite3.connect(target)
        src.backup(dst)
        src.close()
        dst.close()
        copies.append(target)
    out = []
    for i, path in enumerate(copies):
        db = Database.open(path, user="dina")
        try:
            done = PackageService(db=db).export(PERIOD, tmp_path / f"out{i}", password=PASSWORD)
            assert done.file is not None
            out.append(done.file.read_bytes())
        finally:
            db.close()
    assert out[0] == out[1]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_export_leaves_the_cycle_collector_as_it_found_it(o: Office, tmp_path: Path, enabled: bool) -> None:
    """The export pauses the cycle collector while it builds (its objects all live until the zip is
    written); it is running again afterwards, also when the export fails, and stays off if it was."""
    signed_month(o)
    seen: list[int] = []
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(Cancelled):
            as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD,
                                  progress=lambda d, _t: seen.append(d), cancel=lambda: len(seen) >= 3)
        assert gc.isenabled() is enabled
        assert as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD).changes == 3
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def _meanwhile(monkeypatch: pytest.MonkeyPatch, act: Any) -> None:
    """Run `act` once between an export's read and its recording (when its file is being written)."""
    from povdesk.services import packages

    original = packages.package_writer.write_part
    done: list[bool] = []

    def write_part(folder: Path, name: str, data: bytes) -> Path:
        if not done:
            done.append(True)
            act()
        return original(folder, name, data)

    monkeypatch.setattr(packages.package_writer, "write_part", write_part)


def test_an_export_overtaken_by_another_records_nothing(o: Office, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    signed_month(o)
    as_director(o).ensure_key(PASSWORD)
    _meanwhile(monkeypatch, lambda: as_director(o).export(PERIOD, tmp_path / "other", password=PASSWORD))
    with pytest.raises(Conflict) as e:
        as_director(o).export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert e.value.code == "package.moved"
    assert names(tmp_path / "out") == [] and len(as_director(o).history()) == 1


def test_a_request_carried_meanwhile_stops_the_export_even_with_no_newer_package(
        o: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    signed_month(o)
    svc = as_director(o)
    first = svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    o.as_("dave").reopen(PERIOD, "漏报一户")
    late = o.as_("tester").make("correct", household_no=H0, sets={"household.phone": "13933334444"}, reason="再次核实")
    o.as_("tester").submit(late.id)
    o.as_("rita").approve(late.id)
    o.as_("dina").sign_off(PERIOD)

    def carry() -> None:  # the late request slipped into the first package (no new package row)
        with o.db.transaction() as s:
            package_id = s.scalar(select(ChangePackage.id).where(ChangePackage.sha256 == first.sha256))
            s.add(ChangePackageItem(package_id=package_id, request_id=late.id))

    _meanwhile(monkeypatch, carry)
    with pytest.raises(Conflict) as e:
        svc.export(PERIOD, tmp_path / "out", password=PASSWORD)
    assert e.value.code == "package.moved"
    assert names(tmp_path / "out") == [f"513437-{PERIOD}-001.zip"] and len(svc.history()) == 1
