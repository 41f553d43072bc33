"""A print run interrupted between its files and its batch: no printed form the database does not
know, batch numbers never reused, the `.part` files a crash left removed by the next run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select

from povdesk.config import Settings
from povdesk.db.models import Meta, PrintBatch
from povdesk.errors import Cancelled, PovdeskError
from povdesk.services.database import Database
from povdesk.services.printing import PrintSelection, PrintService


@pytest.fixture
def service(county_db: Database) -> PrintService:
    return PrintService(db=county_db, settings=Settings())


def _batches(db: Database) -> list[int]:
    with db.reading() as s:
        return list(s.scalars(select(PrintBatch.id).order_by(PrintBatch.id)))


def _batch_of(pdf: Path) -> int:
    """The batch number the PDF itself says it belongs to."""
    subject = PdfReader(pdf).metadata["/Subject"]
    assert subject.startswith("print batch ")
    return int(subject.removeprefix("print batch "))


def _assert_every_pdf_known(folder: Path, db: Database) -> None:
    known = set(_batches(db))
    for pdf in folder.glob("*.pdf"):
        assert _batch_of(pdf) in known, f"{pdf.name} belongs to a batch the database never recorded"


def test_a_crash_at_the_commit_leaves_no_form_and_no_batch(service: PrintService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def crash(_session: object) -> None:
        raise RuntimeError("power cut during the commit")

    event.listen(service.db.sessions, "before_commit", crash)
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            service.print_batch(PrintSelection(), pdf=out / "a.pdf", xlsx=out / "a.xlsx")
    finally:
        event.remove(service.db.sessions, "before_commit", crash)
    assert _batches(service.db) == []
    assert sorted(p.name for p in out.iterdir()) == []  # neither the forms nor their .part files
    again = service.print_batch(PrintSelection(), pdf=out / "b.pdf")
    assert _batches(service.db) == [again.batch_id]
    _assert_every_pdf_known(out, service.db)


def test_a_failed_rename_keeps_the_batch_says_so_and_its_number_is_not_reused(
        service: PrintService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    replace = Path.replace

    def refuse(self: Path, target: Path) -> Path:
        if str(self).endswith(".pdf.part"):
            raise PermissionError(13, "The file is open in another program", str(target))
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PovdeskError) as info:
        service.print_batch(PrintSelection(), pdf=out / "a.pdf")
    monkeypatch.undo()
    [first] = _batches(service.db)  # recorded: the number is taken, the form can be printed again
    assert info.value.code == "print.file_not_saved"
    assert f"批次 {first}" in info.value.zh and str(out / "a.pdf") in info.value.zh
    assert list(out.iterdir()) == []
    second = service.print_batch(PrintSelection(), pdf=out / "a.pdf")
    assert second.batch_id > first and _batch_of(out / "a.pdf") == second.batch_id
    _assert_every_pdf_known(out, service.db)


def test_part_files_left_by_a_crash_are_removed_by_the_next_run(service: PrintService, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    hour_ago = time.time() - 3600
    for name in ("a.pdf.part", "a.xlsx.part", "old.pdf.part", "old.xlsx.part"):
        (out / name).write_bytes(b"%PDF-1.4 half a form")
        if name.startswith("old"):
            os.utime(out / name, (hour_ago, hour_ago))
    (out / "busy.pdf.part").write_bytes(b"another desk writing right now")  # fresh: not ours to take
    (out / "notes.part").write_text("not a povdesk file")
    service.print_batch(PrintSelection(), pdf=out / "a.pdf", xlsx=out / "a.xlsx")
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf", "a.xlsx", "busy.pdf.part", "notes.part"]


def test_other_desks_write_while_a_batch_is_drawn(service: PrintService, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing a whole county takes minutes: no transaction is open meanwhile, so an import or an
    edit at another desk goes on (the batch used to hold SQLite's write lock while it drew)."""
    from povdesk.reports import form_batch

    draw = form_batch.BatchPdf.add
    other = Database.open(service.db.url, user="another desk", lock_wait=0.5)
    written: list[str] = []

    def drawing(*args: object, **kw: object) -> object:
        with other.transaction(lock="import") as s:  # what an import at another desk takes first
            s.add(Meta(key="other_desk", value="wrote while the forms were drawn"))
        written.append("yes")
        return draw(*args, **kw)

    monkeypatch.setattr(form_batch.BatchPdf, "add", drawing)
    try:
        result = service.print_batch(PrintSelection(), pdf=tmp_path / "a.pdf")
    finally:
        other.close()
    assert written == ["yes"] and service.db.meta("other_desk")
    assert _batches(service.db) == [result.batch_id]
    _assert_every_pdf_known(tmp_path, service.db)


def test_a_cancelled_run_gives_its_number_back_and_lists_nothing(service: PrintService, tmp_path: Path) -> None:
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        service.print_batch(PrintSelection(), pdf=tmp_path / "c.pdf", cancel=lambda: next(calls) >= 3)
    assert _batches(service.db) == [] and service.batches() == []
    done = service.print_batch(PrintSelection(), pdf=tmp_path / "d.pdf")
    assert [b.id for b in service.batches()] == [done.batch_id]
