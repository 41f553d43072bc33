"""Print runs end to end: the batch in the database, the PDF read back, the QR scanned, the workbook."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from povdesk.config import Settings
from povdesk.db.models import PrintBatch, PrintBatchItem
from povdesk.errors import BadInput, Cancelled, NotFound
from povdesk.services.database import Database
from povdesk.services.printing import PrintResult, PrintSelection, PrintService
from povdesk.services.registry import RegistryService
from tests.factories import build_small_county
from tests.helpers.databases import DatabaseFactory
from tests.reports.test_forms_fixtures import (
    BIG_HEAD,
    BIG_NO,
    EARLIER_CADRE,
    PROBLEM_TEXT,
    add_big_household,
    build_county_with_big_household,
)

needs_poppler = pytest.mark.tools("pdftotext")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory,
            db_factory: DatabaseFactory) -> Iterator[tuple[PrintService, PrintResult, Path]]:
    """One print run of village 八合村 (3 small households and a long one of three pages), shared by the
    read-back tests."""
    folder = tmp_path_factory.mktemp("printed")
    target = db_factory.new(folder, "county")
    db = Database.open(target, user="printer", backups=folder)
    build_small_county(db)
    add_big_household(db, members=48, measures=8)
    service = PrintService(db=db, settings=Settings())
    result = service.print_batch(PrintSelection(village="513437204201"), pdf=folder / "forms.pdf",
                                 xlsx=folder / "forms.xlsx")
    yield service, result, folder
    db.close()
    db_factory.drop(target)


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def service(county_db: Database) -> PrintService:
    return PrintService(db=county_db, settings=Settings())


# ------------------------------------------------------------------ choosing households
def test_selection_by_village_status_and_numbers_in_print_order(service: PrintService) -> None:
    rows = RegistryService(db=service.db).household_rows(service.select(PrintSelection(township="513437204")))
    assert [r.household_no for r in rows] == ["51343720420100001", "51343720420100002", "51343720420100003",
                                              "51343720420200001", "51343720420200002"]
    assert len(service.select(PrintSelection(village="513437204202"))) == 2
    assert len(service.select(PrintSelection(township="513437204", status="0"))) == 3
    assert len(service.select(PrintSelection(household_nos=("51343710020100001",)))) == 1
    with pytest.raises(BadInput):
        service.select(PrintSelection(household_nos=("123",)))


def test_sample_is_reproducible_with_its_seed_and_differs_with_another(service: PrintService) -> None:
    ids = list(range(1, 201))
    a = service.sample(ids, 10, seed=42)
    assert a == service.sample(ids, 10, seed=42)
    assert len(a) == 20 and a == sorted(a)
    assert a != service.sample(ids, 10, seed=43)
    assert len(service.sample(ids[:3], 10, seed=1)) == 1  # never an empty sample


def test_sampled_batch_logs_seed_and_reprints_the_same_households(service: PrintService, tmp_path: Path) -> None:
    first = service.print_batch(PrintSelection(sample_pct=50), pdf=tmp_path / "a.pdf")
    assert first.seed is not None and first.households == 3
    again = service.print_batch(PrintSelection(sample_pct=50, seed=first.seed), pdf=tmp_path / "b.pdf")
    assert again.household_nos == first.household_nos
    params = {b.id: b.params for b in service.batches()}
    assert params[first.batch_id]["seed"] == first.seed and params[first.batch_id]["sample_pct"] == 50


def test_open_problems_only_selects_households_with_open_problems(db: Database) -> None:
    build_county_with_big_household(db)
    service = PrintService(db=db, settings=Settings())
    ids = service.select(PrintSelection(open_problems_only=True))
    assert RegistryService(db=db).household_rows(ids)[0].household_no == BIG_NO and len(ids) == 1


def test_cancel_leaves_no_batch_and_no_file(service: PrintService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        service.print_batch(PrintSelection(), pdf=out / "c.pdf", xlsx=out / "c.xlsx",
                            cancel=lambda: next(calls) >= 2)
    with service.db.reading() as s:
        assert s.scalar(select(func.count(PrintBatch.id))) == 0
    assert list(out.iterdir()) == []


def test_empty_choice_is_refused(service: PrintService, tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        service.print_batch(PrintSelection(village="000000000000"), pdf=tmp_path / "x.pdf")


# ------------------------------------------------------------------ the batch and its snapshot
def test_batch_records_each_household_version_and_snapshot(printed: tuple[PrintService, PrintResult, Path]) -> None:
    service, result, _ = printed
    assert result.households == 4
    with service.db.reading() as s:
        items = s.scalars(select(PrintBatchItem).where(PrintBatchItem.batch_id == result.batch_id)).all()
        batch = s.get(PrintBatch, result.batch_id)
        assert batch is not None and batch.user == "printer" and batch.params["village"] == "513437204201"
    assert len(items) == 4
    big = next(i for i in items if i.snapshot["household_no"] == BIG_NO)
    assert big.household_version == 1 and big.snapshot["head_name"] == BIG_HEAD


def test_snapshot_found_from_payload_even_after_the_record_changed(printed: tuple[PrintService, PrintResult, Path],
                                                                   ) -> None:
    service, result, _ = printed
    payload = f"PD1-B{result.batch_id}-H{BIG_NO}-V1"
    registry = RegistryService(db=service.db)
    hid = registry.find_household_id(BIG_NO)
    assert hid is not None
    registry.update_field(entity="household", entity_id=hid, key="household.phone", value="13912345678")
    snap = service.find_snapshot(payload)
    assert snap.household_no == BIG_NO and snap.version == 1 and snap.current_version == 2
    assert snap.changed_since
    facts = snap.form.table("facts")
    assert facts is not None and "13912345678" not in [c for r in facts.rows for c in r]
    with pytest.raises(NotFound):
        service.find_snapshot(f"PD1-B{result.batch_id}-H{BIG_NO}-V2")
    with pytest.raises(BadInput):
        service.find_snapshot("not a form")


# ------------------------------------------------------------------ the PDF read back
def test_pdf_page_count_names_and_household_page_numbers(printed: tuple[PrintService, PrintResult, Path]) -> None:
    _, result, _ = printed
    reader = PdfReader(result.pdf)
    assert len(reader.pages) == result.pages
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in ("沙马拉则", "沙马阿依莫", "曲比阿呷", "吉克伍呷", BIG_HEAD, "阿苏子23"):
        assert name in text
    assert "入户核实名单" in text  # the village's cover list
    totals = [int(n) for n in re.findall(r"本户第 1 页 共 (\d+) 页", text)]
    assert len(totals) == 4 and max(totals) >= 3
    assert f"本户第 {max(totals)} 页 共 {max(totals)} 页" in text


@needs_poppler
def test_long_household_continues_with_headers_problems_and_signature(
        printed: tuple[PrintService, PrintResult, Path]) -> None:
    _, result, _ = printed
    text = _text(result.pdf)
    pages = text.split("\f")
    big = [p for p in pages if BIG_NO in p and "本户第" in p]
    assert len(big) >= 3
    assert "请重点核实" in big[0] and PROBLEM_TEXT in big[0]
    assert "已解决的问题不应打印" not in text
    assert any("家庭成员" in p and "(续)" in p and "证件号码" in p for p in big[1:])
    assert "户主签字或按手印" in big[-1] and "核实人签字(一)" in big[-1] and "核实人签字(二)" in big[-1]
    assert "以上信息已向户主宣读并确认" in big[-1]
    assert all("户主签字或按手印" not in p for p in big[:-1])


#: what issue 14 §4 added to every form: the indicator rows with their standard and verdict, the
#: member, measure and cadre columns, and the signature block
NEW_ROWS = ("一超(人均纯收入)", "两不愁(不愁吃穿)", "验收标准", "达标情况", "待核实", "务工时间(月)", "残疾等级",
            "公益性岗位类型", "帮扶成效(元)", "隶属关系", "帮扶结束时间", "核实人签字(一)", "核实人签字(二)",
            "以上信息已向户主宣读并确认", "确认日期")


def _household_pages(pdf: Path, household_no: str) -> list[str]:
    """The household's pages as pypdf reads them (spaces and line breaks dropped: a narrow header wraps)."""
    return [t.replace(" ", "").replace("\n", "") for t in (p.extract_text() for p in PdfReader(pdf).pages)
            if f"户编号{household_no}" in t.replace(" ", "") and "本户第" in t]


#: a small household (three members, one measure, one cadre) prints on one page, the long one on three
@pytest.mark.parametrize(("household_no", "page_count"), [("51343720420100002", 1), (BIG_NO, 3)])
def test_pdf_reads_back_the_new_rows_on_a_short_and_a_long_household(
        printed: tuple[PrintService, PrintResult, Path], household_no: str, page_count: int) -> None:
    _, result, _ = printed
    pages = _household_pages(result.pdf, household_no)
    assert len(pages) == page_count
    assert f"本户第1页共{page_count}页" in pages[0]
    text = "".join(pages)
    for row in NEW_ROWS:
        assert row in text, (household_no, row)
    assert "2019年人均纯收入超过3,750元" in text  # the 一超 row's standard, from the assessment
    assert "以上信息已向户主宣读并确认" in pages[-1] and "户主签字或按手印" in pages[-1]
    if household_no == BIG_NO:
        assert "护林员" in text and "二级" in text and "2,400.00" in text
        assert EARLIER_CADRE in text and "2018-12-31" in text and "至今" in text


def test_xlsx_has_the_same_new_rows(printed: tuple[PrintService, PrintResult, Path]) -> None:
    _, result, _ = printed
    assert result.xlsx is not None
    wb = load_workbook(result.xlsx)
    for ws in wb.worksheets:
        cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        joined = "\n".join(cells)
        for row in NEW_ROWS:
            assert row in joined, (ws.title, row)
    big = "\n".join(c.value for row in wb[BIG_NO].iter_rows() for c in row if isinstance(c.value, str))
    assert "护林员" in big and "二级" in big and EARLIER_CADRE in big and "至今" in big


@needs_poppler
def test_font_is_embedded(printed: tuple[PrintService, PrintResult, Path]) -> None:
    _, result, _ = printed
    out = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and all("WenQuanYiMicroHei" in r[0] for r in rows)
    assert all(r[-5] == "yes" for r in rows)  # the "emb" column


@pytest.mark.tools("zbarimg", "pdftoppm")
def test_qr_code_decodes_to_the_payload_that_finds_the_snapshot(printed: tuple[PrintService, PrintResult, Path],
                                                                tmp_path: Path) -> None:
    service, result, _ = printed
    page = 2  # the first form after the cover list
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), str(result.pdf),
                    str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.strip()
    assert out == f"PD1-B{result.batch_id}-H51343720420100001-V1"
    assert service.find_snapshot(out).form.head_name == "沙马拉则"


# ------------------------------------------------------------------ the workbook
def test_xlsx_has_one_protected_sheet_per_household_with_unlocked_corrections(
        printed: tuple[PrintService, PrintResult, Path]) -> None:
    _, result, _ = printed
    assert result.xlsx is not None
    wb = load_workbook(result.xlsx)
    assert wb.sheetnames == ["51343720420100001", "51343720420100002", "51343720420100003", BIG_NO]
    ws = wb[BIG_NO]
    assert ws.protection.sheet
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    header_cells = [c for row in ws.iter_rows() for c in row if c.value == "核实情况/更正"]
    assert header_cells
    col = header_cells[0].column
    below = ws.cell(header_cells[0].row + 1, col)
    assert below.value is None and below.protection.locked is False
    names = [c.value for row in ws.iter_rows() for c in row if c.value == "阿苏子23"]
    assert names and ws.cell(header_cells[0].row + 1, 2).protection.locked is True


def test_an_unknown_village_code_is_named_not_reported_as_an_empty_batch(county_db) -> None:
    from povdesk.errors import BadInput
    from povdesk.services.printing import PrintSelection, PrintService

    with pytest.raises(BadInput) as err:
        PrintService(db=county_db).select(PrintSelection(village="513437999999"))
    assert "513437999999" in err.value.message("zh") and "12 位" in err.value.message("zh")
    with pytest.raises(BadInput) as err:
        PrintService(db=county_db).select(PrintSelection(township="abc"))
    assert "township" in err.value.message("en")


def test_xlsx_survives_sheet_title_characters_formulas_and_control_characters(
        county_db: Database, tmp_path: Path) -> None:
    """A household number holding / * [ ] : ? once failed the whole batch; a head's name holding a
    vertical tab failed it with IllegalCharacterError; `=HYPERLINK(…)` became a live formula."""
    from povdesk.db.models import Household, Member

    numbers = ["5134/3720*4201[0]:1?", "5134\\3720420100002", "5134_3720_4201_0__1_", "Hh" + "9" * 30, "hH" + "9" * 30]
    with county_db.transaction() as s:
        households = list(s.scalars(select(Household).order_by(Household.household_no)))[:5]
        for h, no in zip(households, numbers, strict=True):
            h.household_no = no
        households[0].head_name = '=HYPERLINK("http://x","click")'
        households[1].group_name = "一\x0b组"
        member = s.scalar(select(Member).where(Member.household_id == households[0].id).order_by(Member.id))
        member.name = '=cmd|\' /C calc\'!A0\x0b'
    result = PrintService(db=county_db, settings=Settings()).print_batch(
        PrintSelection(), pdf=tmp_path / "f.pdf", xlsx=tmp_path / "f.xlsx")
    assert result.xlsx is not None
    wb = load_workbook(result.xlsx)
    titles = wb.sheetnames
    assert len(titles) == 6 and len({t.casefold() for t in titles}) == 6
    assert all(len(t) <= 31 and not set(t) & set("/\\*[]:?") for t in titles)
    assert {"5134_3720_4201_0__1_", "5134_3720_4201_0__1_-2", "5134_3720420100002"} <= set(titles)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    formulas = [c for c in cells if c.value.startswith("=")]
    assert {c.value for c in formulas} == {'=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0"}
    assert all(c.quotePrefix for c in formulas)
    assert not [c for c in cells if "\x0b" in c.value] and any("一组" in c.value for c in cells)


def test_page_estimate_is_said_before_the_run_and_matches_it(printed: tuple[PrintService, PrintResult, Path]) -> None:
    service, result, _folder = printed
    ids = service.select(PrintSelection(village="513437204201"))
    assert service.estimate_pages(ids) == result.pages  # every form laid out: the estimate is exact
    assert service.estimate_pages([]) == 0
