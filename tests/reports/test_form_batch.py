"""A batch drawn in chunks and joined (`form_batch`, `pdf_join`) has the pages one canvas draws."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from povdesk.domain.codelists import builtin_codebook
from povdesk.reports import form_pdf
from povdesk.reports.form_batch import BatchPdf
from povdesk.reports.forms import BatchInfo, build_form, form_serial
from tests.helpers.pdf import page_texts
from tests.reports.test_forms import OPTS, detail


def test_chunks_joined_give_the_pages_of_one_canvas_in_the_same_order(tmp_path: Path) -> None:
    base = build_form(detail(), books=builtin_codebook(), opts=OPTS, batch_id=7, serial=form_serial(7, 1))
    forms = []
    for v, village in enumerate(("513437204201", "513437204202")):  # a village boundary inside a chunk
        for n in range(1, 6):
            forms.append(dataclasses.replace(base, household_no=f"{village}{n:05d}", village_code=village,
                                             village=f"第{v + 1}村", serial=form_serial(7, len(forms) + 1)))
    batch = BatchInfo(batch_id=7, printed_at=dt.datetime(2020, 1, 2, 3, 4), user="tester", year=2019)
    one = form_pdf.write_pdf(tmp_path / "one.pdf", forms, batch=batch)
    with BatchPdf(tmp_path / "joined.pdf", batch=batch) as drawn:
        for i in range(0, len(forms), 3):
            drawn.add(forms[i:i + 3])
        joined = drawn.finish()
        parts = drawn._dir
    assert not parts.exists()  # the temporary parts are gone
    assert (joined.pages, joined.households, joined.form_pages) == (one.pages, one.households, one.form_pages)
    reader = PdfReader(joined.path)
    assert len(reader.pages) == joined.pages
    assert reader.metadata is not None and reader.metadata.title == f"{base.title} 批次 7"
    assert page_texts(joined.path) == page_texts(one.path)


def test_an_empty_batch_is_one_readable_page(tmp_path: Path) -> None:
    batch = BatchInfo(batch_id=3, printed_at=dt.datetime(2020, 1, 2, 3, 4), user="tester", year=2019)
    with BatchPdf(tmp_path / "empty.pdf", batch=batch) as drawn:
        result = drawn.finish()
    assert result.pages == 1 and "本批次没有选中任何户" in page_texts(result.path)[0]
