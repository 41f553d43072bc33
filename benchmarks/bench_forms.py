"""Comparison tables for 1,000 households in one PDF: pages per second, against a bare-canvas baseline.

The baseline draws the same strings (same font and sizes), the same QR path and one rule per table
row on the same number of pages with plain `drawString`, without measuring, wrapping or layout. The
ratio says what the form layout costs on top of putting the content on paper.
Run: `.venv/bin/python -m benchmarks.bench_forms` (optionally `--households N`);
`--batch-only --households 5000`: one whole print run with its workbook, its time and peak memory.
`--memory 500 5000` (issue 17 §4): each size printed in a child process of its own (`--repeat`
times), its peak resident memory as the kernel counts it (wait4) against the 300 MB target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import SCALE_HOUSEHOLDS, demo_login, peak_rss_mb, report, scale_county_path
from povdesk.config import Settings
from povdesk.reports import fonts, qr
from povdesk.reports.form_pdf import (
    FONT_SIZE,
    FormPainter,
    by_village,
    paginate,
    printed_at_now,
    write_pdf,
)
from povdesk.reports.form_xlsx import write_xlsx
from povdesk.reports.forms import BatchInfo, HouseholdForm, build_form, form_serial
from povdesk.services.database import Database
from povdesk.services.printing import PrintSelection, PrintService


def baseline_pdf(path: Path, forms: list[HouseholdForm], pages_per_form: dict[str, int], *,
                 batch: BatchInfo, encoded: bool = False) -> int:
    """Same strings, QR and row rules on the same number of pages, drawn with no layout at all.

    `encoded=False`: plain `drawString` per string and the QR path on every page (the bare canvas).
    `encoded=True`: the painter's cached text encoding and QR form, so only the layout differs.
    """
    c = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=0,
               initialFontName=fonts.register(), initialFontSize=FONT_SIZE)
    font = fonts.register()
    painter = FormPainter(c, batch)
    width, height = A4

    def text(x: float, y: float, s: str, size: float) -> None:
        if encoded:
            painter.text(x, y, s, size)
        else:
            c.setFont(font, size)
            c.drawString(x, y, s)

    pages = 0
    for village in by_village(forms):
        for f in village:  # cover list: one line per household
            text(40, 700, f"{f.household_no} {f.head_name} {f.group_name} {f.members} {f.status}", 8)
        c.showPage()
        painter._code = c._code
        pages += 1
        for form in village:
            n_pages = pages_per_form[form.household_no]
            texts = list(form.texts())
            rows = sum(len(t.rows) + 1 for s in form.sections for t in s.tables)
            qr_name = painter.qr_form(form) if encoded else ""
            matrix = None if encoded else qr.encode(form.payload)
            per_page = -(-len(texts) // n_pages)
            rules_per_page = -(-rows // n_pages)
            for p in range(n_pages):
                text(150, height - 40, form.title, 14.5)
                text(150, height - 55, form.payload, 8)
                if matrix is not None:
                    qr.draw(c, matrix, width - 94, height - 90, 62)
                else:
                    c.saveState()
                    c.translate(width - 94, height - 90)
                    c.doForm(qr_name)
                    c.restoreState()
                y = height - 130
                for k, s in enumerate(texts[p * per_page:(p + 1) * per_page]):
                    text(36 + (k % 6) * 88, y, s, FONT_SIZE)
                    if k % 6 == 5:
                        y -= 9
                lines = c.beginPath()
                for r in range(rules_per_page):
                    yy = height - 130 - r * 15
                    lines.moveTo(32, yy)
                    lines.lineTo(width - 32, yy)
                c.drawPath(lines, stroke=1, fill=0)
                text(width / 2 - 40, 18, f"本户第 {p + 1} 页 共 {n_pages} 页", 8.5)
                c.showPage()
                painter._code = c._code
                pages += 1
    c.save()
    return pages


def batch_only(households: int) -> None:
    """One print run of `households` (a township's worth at 5,000) with PDF and workbook: its time,
    processor time and this process's peak memory."""
    work = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    try:
        db_path = work / "county.sqlite"
        shutil.copy(scale_county_path(), db_path)
        db = Database.open(db_path, user="bench", backups=work)
        demo_login(db)
        service = PrintService(db=db, settings=Settings())
        selection = PrintSelection(sample_pct=households / SCALE_HOUSEHOLDS * 100, seed=2019)
        before = peak_rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        result = service.print_batch(selection, pdf=work / "forms.pdf", xlsx=work / "forms.xlsx")
        report("forms_batch", households=result.households, pages=result.pages,
               seconds=round(time.perf_counter() - t0, 2), cpu_s=round(time.process_time() - c0, 2),
               peak_rss_mb=round(peak_rss_mb(), 1), rss_before_mb=round(before, 1),
               pdf_mb=round(result.pdf.stat().st_size / 2**20, 1),
               xlsx_mb=round(result.xlsx.stat().st_size / 2**20, 1) if result.xlsx else None,
               target_rss_mb=300)
        db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def memory(sizes: list[int], repeat: int) -> None:
    """Print `sizes` households, each run in a fresh child process: peak RSS (kernel's count of the
    whole child, imports included), median wall and processor time."""
    for households in sizes:
        runs: list[dict[str, float]] = []
        for _ in range(repeat):
            child = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_forms", "--batch-only",
                                      "--households", str(households)], stdout=subprocess.PIPE, text=True)
            out = child.stdout.read() if child.stdout else ""
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode:
                raise SystemExit(f"the print run of {households} households failed ({child.returncode})")
            row = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
            row["child_peak_rss_mb"] = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            runs.append(row)
        report("forms_batch_memory", households=households, runs=len(runs),
               pages=runs[0]["pages"], pdf_mb=runs[0]["pdf_mb"], xlsx_mb=runs[0]["xlsx_mb"],
               pdf_kb_per_household=round(runs[0]["pdf_mb"] * 1024 / runs[0]["households"], 1),
               peak_rss_mb=round(max(r["child_peak_rss_mb"] for r in runs), 1),
               median_s=round(statistics.median(r["seconds"] for r in runs), 2),
               median_cpu_s=round(statistics.median(r["cpu_s"] for r in runs), 2),
               target_rss_mb=300, load=os.getloadavg()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-only", action="store_true",
                        help="only the print run with its workbook, as `povdesk forms --xlsx` does it (issue 17: "
                             "5,000 households within 300 MB), in this process")
    parser.add_argument("--memory", type=int, nargs="+", metavar="HOUSEHOLDS",
                        help="print each size in a child process and report its peak memory (issue 17)")
    args = parser.parse_args(argv)
    if args.memory:
        memory(args.memory, args.repeat)
        return
    if args.batch_only:
        batch_only(args.households)
        return

    work = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    db_path = work / "county.sqlite"
    shutil.copy(scale_county_path(), db_path)  # the batch is written into a copy, not the cache
    db = Database.open(db_path, user="bench", backups=work)
    demo_login(db)
    service = PrintService(db=db, settings=Settings())
    selection = PrintSelection(sample_pct=args.households / SCALE_HOUSEHOLDS * 100, seed=2019)

    # --- end to end, as `povdesk forms` does it: select, load, snapshot into the DB, write the PDF
    t0 = time.perf_counter()
    result = service.print_batch(selection, pdf=work / "forms.pdf")
    end_to_end = time.perf_counter() - t0
    end_to_end_rss = peak_rss_mb()  # what `povdesk forms` needs; the comparison below holds more

    # --- the drawing alone, against the bare canvas, on the same forms (interleaved runs)
    ids = service.select(selection)
    details = service.details(ids)
    problems = service.open_problems(ids)
    opts = service.form_options(mask_ids=False)
    books = db.codebook()
    forms = [build_form(d, problems=problems.get(d.household.id, ()), books=books, opts=opts, batch_id=1,
                        serial=form_serial(1, n)) for n, d in enumerate(details, start=1)]
    batch = BatchInfo(batch_id=1, printed_at=printed_at_now(), user="bench", year=opts.year)
    pages_per_form = {f.household_no: len(paginate(f)) for f in forms}
    ours: list[float] = []
    base: list[float] = []
    base_enc: list[float] = []
    pages = base_pages = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        pages = write_pdf(work / "ours.pdf", forms, batch=batch).pages
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base_pages = baseline_pdf(work / "base.pdf", forms, pages_per_form, batch=batch)
        base.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline_pdf(work / "base2.pdf", forms, pages_per_form, batch=batch, encoded=True)
        base_enc.append(time.perf_counter() - t0)
    ours_s, base_s, enc_s = statistics.median(ours), statistics.median(base), statistics.median(base_enc)
    pdf_peak = peak_rss_mb()  # before the workbook: openpyxl keeps every sheet in memory
    t0 = time.perf_counter()
    write_xlsx(work / "forms.xlsx", forms, batch=batch)
    xlsx_s = time.perf_counter() - t0
    report("forms_pdf", households=len(forms), pages=pages, baseline_pages=base_pages,
           end_to_end_s=round(end_to_end, 2), end_to_end_pages=result.pages,
           end_to_end_peak_rss_mb=round(end_to_end_rss, 1),
           pdf_s=round(ours_s, 2), pages_per_s=round(pages / ours_s, 1),
           baseline_s=round(base_s, 2), ratio=round(ours_s / base_s, 2),
           baseline_encoded_s=round(enc_s, 2), ratio_vs_encoded=round(ours_s / enc_s, 2),
           runs_pdf=[round(x, 2) for x in ours], runs_baseline=[round(x, 2) for x in base],
           runs_baseline_encoded=[round(x, 2) for x in base_enc],
           xlsx_s=round(xlsx_s, 2), pdf_mb=round((work / "ours.pdf").stat().st_size / 1e6, 1), bench_peak_rss_mb=round(pdf_peak, 1),
           peak_rss_with_xlsx_mb=round(peak_rss_mb(), 1),
           targets="ratio<=1.3, end_to_end<=15s, rss<=300MB")
    db.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
