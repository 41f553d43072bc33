"""A print batch's PDF drawn a chunk of households at a time, so memory stays flat however large.

reportlab keeps every page of a canvas until `save`; a township of 5,000 households is ~13,000
pages. `BatchPdf` draws each chunk of forms (in print order) on a canvas of its own into a
temporary PDF and forgets it; at the end it draws every village's cover list into one more, and
joins the pages in print order (per village: its cover list, then its households' forms) with
`pdf_join`, which streams them object by object into the batch's file. The pages are the ones
`form_pdf.write_pdf` draws for the same forms (the same painter), in the same order; only the
fonts are embedded once per chunk instead of once per file (see `CHUNK`).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from povdesk.errors import Cancelled
from povdesk.reports import fonts, form_pdf
from povdesk.reports.form_pdf import (
    FONT_SIZE,
    PAGE_H,
    PAGE_W,
    CancelCheck,
    FormPainter,
    PdfResult,
    Progress,
)
from povdesk.reports.forms import BatchInfo, HouseholdForm
from povdesk.reports.pdf_join import PdfJoiner, Source

#: Households drawn on one canvas: memory grows with it (about 0.1 MB a household), the file by one
#: embedding of the font's used glyphs per chunk (about 2 % of a chunk's size at 200).
CHUNK = 200


@dataclass
class _Village:
    code: str
    #: the village's forms without their tables: what its cover list shows
    forms: list[HouseholdForm] = field(default_factory=list)
    #: (part, first page 0-based, page count) of each household, in order
    spans: list[tuple[int, int, int]] = field(default_factory=list)


def _canvas(path: Path, batch: BatchInfo, title: str) -> Canvas:
    c = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=0,
               initialFontName=fonts.register(), initialFontSize=FONT_SIZE)
    c.setTitle(title)
    c.setAuthor(batch.user)
    c.setCreator("povdesk")
    c.setSubject(f"print batch {batch.batch_id}")
    return c


class BatchPdf:
    """`with BatchPdf(path, batch=info) as pdf: pdf.add(forms)` … `result = pdf.finish()`.

    `add` takes the forms in print order (village, group, household number) as many times as
    needed; each call draws them to a temporary part. `finish` writes `path`. Leaving the block
    removes the temporary parts whatever happened."""

    def __init__(self, path: str | Path, *, batch: BatchInfo, cover: bool = True) -> None:
        self.path = Path(path)
        self.batch = batch
        self.cover = cover
        self._dir = Path(tempfile.mkdtemp(prefix="povdesk-print-"))
        self._parts: list[Path] = []
        self._villages: dict[str, _Village] = {}
        self._title = ""
        self.households = 0

    def __enter__(self) -> BatchPdf:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def add(self, forms: Sequence[HouseholdForm], *, progress: Progress | None = None,
            cancel: CancelCheck | None = None) -> None:
        """Draw these households' forms (print order) into a part of their own."""
        if not forms:
            return
        self._title = self._title or f"{forms[0].title} 批次 {self.batch.batch_id}"
        part = self._dir / f"part{len(self._parts):05d}.pdf"
        c = _canvas(part, self.batch, self._title)
        painter = FormPainter(c, self.batch)
        page = 0
        for n, form in enumerate(forms, start=1):
            if cancel is not None and cancel():
                raise Cancelled()
            count = painter.draw_form(form)
            village = self._villages.get(form.village_code)
            if village is None:
                village = self._villages[form.village_code] = _Village(form.village_code)
            village.forms.append(dataclasses.replace(form, header=(), sections=()))
            village.spans.append((len(self._parts), page, count))
            page += count
            if progress is not None:
                progress(n, len(forms))
        c.save()
        form_pdf._WRAPPED.clear()  # names and numbers wrapped for this chunk: not needed again
        self._parts.append(part)
        self.households += len(forms)

    def finish(self) -> PdfResult:
        """Draw the cover lists and join every page into `path`."""
        covers: dict[str, tuple[int, int]] = {}
        cover_part = self._dir / "covers.pdf"
        c = _canvas(cover_part, self.batch, self._title)
        painter = FormPainter(c, self.batch)
        page = 0
        if self.cover:
            for village in self._villages.values():
                n = painter.draw_cover(village.forms)
                covers[village.code] = (page, n)
                page += n
        if not self._villages:  # an empty batch still makes a readable file
            painter.text(PAGE_W / 2, PAGE_H / 2, "本批次没有选中任何户", 14, "center")
            c.showPage()
            page += 1
        c.save()
        info = {"Title": self._title, "Author": self.batch.user, "Creator": "povdesk",
                "Subject": f"print batch {self.batch.batch_id}", "Producer": "povdesk (reportlab, pypdf)"}
        form_pages: dict[str, tuple[int, int]] = {}
        written = 0
        with PdfJoiner(self.path, info=info) as out:
            cover_source = out.source(cover_part)
            if not self._villages:
                cover_source.add(range(page))
                written = page
            sources: dict[int, Source] = {}
            for village in self._villages.values():
                first, n = covers.get(village.code, (0, 0))
                cover_source.add(range(first, first + n))
                written += n
                for form, (part, start, count) in zip(village.forms, village.spans, strict=True):
                    source = sources.get(part)
                    if source is None:
                        sources = {part: out.source(self._parts[part])}  # parts come in order: keep one open
                        source = sources[part]
                    source.add(range(start, start + count))
                    form_pages[form.household_no] = (written + 1, count)
                    written += count
        return PdfResult(self.path, written, self.households, form_pages)
