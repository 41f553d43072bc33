"""A print batch drawn a chunk of households at a time and joined (issue 17 §4): the joined file has
every household's pages in print order, each village's cover list first, and the right page
numbers, batch number and form code on every page. Chunks of 10 here, so 30 households cross two
chunk boundaries (the real chunk is 200; memory is measured in benchmarks/bench_forms.py)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from povdesk.config import Settings
from povdesk.demo.service import DEMO_PASSWORD, DemoService
from povdesk.reports import form_batch
from povdesk.services.database import Database
from povdesk.services.printing import PrintResult, PrintSelection, PrintService
from povdesk.services.users import UserService
from tests.helpers.databases import DatabaseFactory
from tests.helpers.pdf import page_texts

FORM_PAGE = re.compile(r"户编号(\d+)·记录版本(\d+)·打印批次(\d+)")
PAGE_NO = re.compile(r"本户第(\d+)页共(\d+)页")
COVER = re.compile(r"名单第(\d+)页共(\d+)页")


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory,
            db_factory: DatabaseFactory) -> Iterator[tuple[PrintService, PrintResult]]:
    """One batch of a 30-household demo county drawn in chunks of 10, shared by the tests here."""
    folder = tmp_path_factory.mktemp("chunked")
    target = db_factory.new(folder, "county")
    db = Database.open(target, user="printer", backups=folder)
    DemoService(db=db).build(households=30, seed=17)
    if db.has_logins():
        UserService(db=db).authenticate("director", DEMO_PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(form_batch, "CHUNK", 10)
        service = PrintService(db=db, settings=Settings())
        result = service.print_batch(PrintSelection(), pdf=folder / "batch.pdf", xlsx=folder / "batch.xlsx")
    yield service, result
    db.close()
    db_factory.drop(target)


def test_joined_chunks_have_every_household_in_order_with_page_and_batch_numbers(
        chunked: tuple[PrintService, PrintResult]) -> None:
    service, result = chunked
    assert result.households > 20  # more than two chunks of 10
    pages = page_texts(result.pdf)
    assert len(pages) == result.pages == len(PdfReader(result.pdf).pages)
    seen: list[str] = []  # households in the order their forms come
    villages_listed = 0
    payloads: dict[str, str] = {}
    expected_next: tuple[str, int] | None = None  # (household, page) the next page must be while a form runs on
    for n, text in enumerate(pages, start=1):
        cover = COVER.search(text)
        if cover is not None:
            assert expected_next is None, f"page {n}: a cover list inside a household's form"
            assert f"打印批次{result.batch_id}" in text
            villages_listed += cover[1] == "1"
            continue
        head, number = FORM_PAGE.search(text), PAGE_NO.search(text)
        assert head is not None and number is not None, f"page {n} is neither form nor cover: {text[:80]}"
        household, batch = head[1], int(head[3])
        assert batch == result.batch_id
        payload = f"PD1-B{result.batch_id}-H{household}-V{head[2]}"
        assert payload in text  # the form code under the QR
        payloads[household] = payload
        k, total = int(number[1]), int(number[2])
        if expected_next is not None:
            assert (household, k) == expected_next, f"page {n}"
        else:
            assert k == 1, f"page {n}: household {household} starts at page {k}"
            seen.append(household)
        expected_next = (household, k + 1) if k < total else None
    assert expected_next is None
    assert seen == list(result.household_nos)  # every household once, in print order
    assert villages_listed == len({no[:12] for no in seen})  # a cover list per village
    for no, payload in payloads.items():  # each form found again from its code
        assert service.find_snapshot(payload).household_no == no


def test_joined_chunks_make_one_workbook_sheet_per_household_in_order(
        chunked: tuple[PrintService, PrintResult]) -> None:
    _, result = chunked
    assert result.xlsx is not None
    book = load_workbook(result.xlsx, read_only=True)
    assert book.sheetnames == list(result.household_nos)
    book.close()


@pytest.mark.tools("pdffonts")
def test_joined_file_embeds_its_fonts(chunked: tuple[PrintService, PrintResult]) -> None:
    _, result = chunked
    out = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows)
