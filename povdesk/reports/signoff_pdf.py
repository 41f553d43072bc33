"""签发单.pdf: the sign-off sheet of a monthly package (issue 12) - counts by change type and by
village, the package's sequence and content digest, signature lines for the director and the
reviewer. The form font is embedded as on the printed forms; the PDF is reportlab's invariant one
(no creation time, no random id), so the same data give the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from povdesk.reports import fonts

PAGE_W, PAGE_H = A4
MARGIN = 56.0
ROW_H = 18.0


@dataclass(frozen=True)
class SignoffSheet:
    county: str
    county_code: str
    period: str
    sequence: int
    file_name: str
    #: the manifest's content digest (SHA-256 of its list of files)
    digest: str
    signed_off_at: str
    signers: Sequence[str]
    reviewers: Sequence[str]
    exported_by: str
    #: (type in Chinese, number of changes), every type
    by_type: Sequence[tuple[str, int]]
    #: (township, village, village code, number of changes)
    by_village: Sequence[tuple[str, str, str, int]]


class _Pages:
    def __init__(self, c: Canvas, sheet: SignoffSheet) -> None:
        self.c, self.sheet = c, sheet
        self.font = fonts.register()
        self.page = 1
        self.y = PAGE_H - MARGIN

    def text(self, x: float, y: float, s: str, size: float = 10.5, align: str = "left") -> None:
        self.c.setFont(self.font, size)
        if align == "center":
            self.c.drawCentredString(x, y, s)
        elif align == "right":
            self.c.drawRightString(x, y, s)
        else:
            self.c.drawString(x, y, s)

    def footer(self) -> None:
        s = self.sheet
        self.text(PAGE_W / 2, 30, f"{s.file_name}　第 {self.page} 页", 8, "center")

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN

    def table(self, headers: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]],
              aligns: Sequence[str]) -> None:
        x0 = MARGIN

        def line(cells: Sequence[str], header: bool) -> None:
            self.need(ROW_H)
            top = self.y
            x = x0
            for cell, w, a in zip(cells, widths, aligns, strict=True):
                if header:
                    self.c.setFillGray(0.9)
                self.c.rect(x, top - ROW_H, w, ROW_H, stroke=1, fill=1 if header else 0)
                self.c.setFillGray(0)
                size = 9.5
                while size > 6 and fonts.text_width(cell, size) > w - 6:
                    size -= 0.5
                tx = {"left": x + 3, "center": x + w / 2, "right": x + w - 3}[a]
                self.text(tx, top - ROW_H + 5.5, cell, size, a)
                x += w
            self.y = top - ROW_H

        line(headers, True)
        for row in rows:
            if self.y - ROW_H < MARGIN + 20:
                self.need(ROW_H * 2)
                line(headers, True)
            line(row, False)


def signoff_pdf(sheet: SignoffSheet) -> bytes:
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1, invariant=1, initialFontName=fonts.register())
    c.setTitle(f"{sheet.county} {sheet.period} 贫困人口动态调整签发单 第{sheet.sequence}包")
    c.setAuthor("povdesk")
    c.setCreator("povdesk")
    c.setLineWidth(0.6)
    p = _Pages(c, sheet)
    p.text(PAGE_W / 2, p.y, "扶贫对象动态调整签发单", 17, "center")
    p.y -= 30
    total = sum(n for _t, n in sheet.by_type)
    facts = (
        ("县（市、区）", f"{sheet.county}（{sheet.county_code}）"),
        ("调整月份", sheet.period),
        ("包序号", f"第 {sheet.sequence} 包（{sheet.file_name}）"),
        ("变更总数", f"{total} 条"),
        ("签发时间", sheet.signed_off_at.replace("T", " ").replace("Z", " (UTC)")),
        ("导出人", sheet.exported_by),
    )
    for label, value in facts:
        p.text(MARGIN, p.y, f"{label}：", 10.5)
        p.text(MARGIN + 90, p.y, value, 10.5)
        p.y -= 17
    p.text(MARGIN, p.y, "清单摘要（SHA-256）：", 10.5)
    p.y -= 15
    p.text(MARGIN + 12, p.y, sheet.digest[:32], 9.5)
    p.y -= 13
    p.text(MARGIN + 12, p.y, sheet.digest[32:], 9.5)
    p.y -= 24

    p.text(MARGIN, p.y, "一、按变更类型统计", 12)
    p.y -= 8
    content_w = PAGE_W - 2 * MARGIN
    p.table(("变更类型", "条数"), (content_w * 0.7, content_w * 0.3),
            [(t, str(n)) for t, n in sheet.by_type] + [("合计", str(total))], ("left", "right"))
    p.y -= 22
    p.need(60)
    p.text(MARGIN, p.y, "二、按行政村统计", 12)
    p.y -= 8
    rows = [(t, v, code, str(n)) for t, v, code, n in sheet.by_village] or [("（无）", "", "", "0")]
    p.table(("乡镇", "行政村", "行政村代码", "条数"),
            (content_w * 0.28, content_w * 0.32, content_w * 0.24, content_w * 0.16), rows,
            ("left", "left", "left", "right"))
    p.y -= 30
    p.need(130)
    p.text(MARGIN, p.y, "以上调整经审核、签发，数据真实准确。", 10.5)
    p.y -= 40
    reviewers = "、".join(sheet.reviewers)
    signers = "、".join(sheet.signers)
    for role, names in (("审核人", reviewers), ("签发人", signers)):
        p.text(MARGIN, p.y, f"{role}（签字）：", 11)
        c.line(MARGIN + 95, p.y - 3, MARGIN + 260, p.y - 3)
        p.text(MARGIN + 270, p.y, "日期：", 11)
        c.line(MARGIN + 305, p.y - 3, PAGE_W - MARGIN, p.y - 3)
        p.y -= 14
        p.text(MARGIN + 95, p.y, f"（系统记录：{names}）" if names else "", 8)
        p.y -= 30
    p.footer()
    c.showPage()
    c.save()
    return out.getvalue()
