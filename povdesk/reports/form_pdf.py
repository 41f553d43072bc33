"""Draw comparison tables to one PDF: a small layout engine straight on the reportlab canvas.

Platypus would do, but a form is a few fixed tables; laying them out here keeps the cost close to
drawing the strings (benchmarks/bench_forms.py measures the ratio), knows each household's page count
before drawing ("本户第 x 页 共 y 页") and keeps the signature block with the last table row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from povdesk.errors import Cancelled
from povdesk.reports import fonts, qr
from povdesk.reports.forms import (
    CONFIRMATION,
    HEAD_SIGNATURE,
    BatchInfo,
    Column,
    FormTable,
    HouseholdForm,
    sort_key,
)

# The layout is tight enough that a small household (up to three members, a few measures, one
# cadre) is one page: every row a hand can still write a correction into, the key-value tables
# three fields to a line, the signature block in two lines.
PAGE_W, PAGE_H = A4
MARGIN_X = 30.0
MARGIN_TOP = 22.0
MARGIN_BOTTOM = 25.0
CONTENT_W = PAGE_W - 2 * MARGIN_X

QR_SIZE = 62.0
HEADER_H = 76.0  # title, sub-title line and the 3-row header grid
BODY_TOP = PAGE_H - MARGIN_TOP - HEADER_H - 2
BODY_BOTTOM = MARGIN_BOTTOM + 3

FONT_SIZE = 7.2
LEADING = 8.4
PAD_X = 2.2
PAD_Y = 1.8
MIN_ROW_H = 12.4  # room to write a correction by hand
SECTION_H = 13.0
SUBTITLE_H = 10.0
SIGNATURE_H = 56.0
#: key-value tables (facts, income, conditions) are drawn this many fields to a line, whatever
#: the form's own table pairs (the workbook keeps two: its cells are the filled forms' addresses)
KEY_VALUE_PER_ROW = 3
#: a key-value field's correction cell is at least this wide (points); its label and value cells
#: are as wide as the table's longest label and value, up to these widths, so few of them wrap
KEY_VALUE_MIN_CORRECTION = 38.0
KEY_VALUE_MIN_VALUE = 40.0
KEY_VALUE_MAX_LABEL = 96.0
KEY_VALUE_MAX_VALUE = 84.0
#: the PDF's own column widths (points of the 535-point line) of a table, by key, so its headings
#: take at most two lines and its usual values one: the indicators' standard and registered facts
#: get the room. The form's own widths stay as they are: the workbook's cells are laid out by them,
#: and a filled workbook is read back by those cells.
PDF_WEIGHTS: dict[str, tuple[float, ...]] = {
    "indicators": (80, 174, 192, 35, 54),
    "cadres": (56, 112, 36, 60, 66, 60, 60, 85),
    # 序号, FORM_MEMBERS, then the correction column
    "members": (20, 41, 77, 26, 20, 20, 20, 28, 36, 38, 22, 41, 36, 34, 34, 42),
}

GREY_HEADER = (0.88, 0.88, 0.88)
GREY_LABEL = (0.95, 0.95, 0.95)
GREY_SECTION = (0.80, 0.80, 0.80)

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


# ------------------------------------------------------------------ text measuring
def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Break text into lines no wider than `width` (by character: Chinese has no spaces)."""
    if not text:
        return [""]
    if "\n" not in text and fonts.text_width(text, size) <= width:
        return [text]
    lines: list[str] = []
    for para in text.split("\n"):
        line_start = 0
        used = 0.0
        last_space = -1
        i = 0
        while i < len(para):
            ch = para[i]
            w = fonts.char_width(ch) * size
            if ch == " ":
                last_space = i
            if used + w > width and i > line_start:
                cut = i
                if last_space > line_start and para[i - 1].isascii() and ch.isascii():
                    cut = last_space + 1  # do not split a Latin word or number if a space allows
                lines.append(para[line_start:cut].rstrip())
                line_start = cut
                used = sum(fonts.char_width(c) * size for c in para[line_start:i + 1])
                last_space = -1
            else:
                used += w
            i += 1
        lines.append(para[line_start:])
    return lines


_WRAPPED: dict[tuple[str, float], list[str]] = {}


def _wrapped(text: str, width: float) -> list[str]:
    """`wrap` remembered: forms repeat the same labels and values (是, 否, 健康 …) thousands of times."""
    if not text:
        return [""]
    key = (text, width)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) > 200_000:  # a bound for very long runs
            _WRAPPED.clear()
        lines = _WRAPPED[key] = wrap(text, width)
    return lines


# ------------------------------------------------------------------ table layout
@dataclass
class RowBox:
    cells: list[list[str]]
    height: float
    header: bool = False


@dataclass
class TableBox:
    table: FormTable
    xs: list[float]  # left edge of each column, then the right edge
    header: RowBox
    rows: list[RowBox]

    @property
    def widths(self) -> list[float]:
        return [b - a for a, b in itertools.pairwise(self.xs)]


def _reflowed(table: FormTable, per_row: int = KEY_VALUE_PER_ROW) -> FormTable:
    """The table as the PDF draws it: a key-value table's fields `per_row` to a line, in the same
    order (row by row); another table with the PDF's own column weights where it has them."""
    weights = PDF_WEIGHTS.get(table.key)
    if weights is not None and len(weights) == len(table.columns):
        return dataclasses.replace(table, columns=tuple(dataclasses.replace(c, width=w)
                                                        for c, w in zip(table.columns, weights, strict=True)))
    if not table.key_value or len(table.columns) == 3 * per_row:
        return table
    triples = [row[i:i + 3] for row in table.rows for i in range(0, len(row), 3)]
    while triples and not any(triples[-1]):  # the empty places that filled the last line
        triples.pop()
    rows = []
    for i in range(0, len(triples), per_row):
        cells = [c for triple in triples[i:i + per_row] for c in triple]
        rows.append(tuple(cells + [""] * (3 * per_row - len(cells))))
    columns = tuple(dataclasses.replace(c, width=w)
                    for _ in range(per_row) for c, w in zip(table.columns[:3], _field_widths(triples, per_row),
                                                            strict=True))
    return dataclasses.replace(table, columns=columns, rows=tuple(rows))


def _field_widths(triples: Sequence[Sequence[str]], per_row: int) -> tuple[float, float, float]:
    """Label, value and correction widths (points) of a key-value table's fields: the label and the
    value as wide as the longest (within their maximum), the correction cell the rest, never below
    its minimum (the label and value give way in proportion)."""
    room = CONTENT_W / per_row
    label = min(KEY_VALUE_MAX_LABEL, max((fonts.text_width(t[0], FONT_SIZE) for t in triples), default=0.0))
    value = min(KEY_VALUE_MAX_VALUE, max((fonts.text_width(t[1], FONT_SIZE) for t in triples), default=0.0))
    label, value = label + 2 * PAD_X + 0.5, max(KEY_VALUE_MIN_VALUE, value + 2 * PAD_X + 0.5)
    if room - label - value < KEY_VALUE_MIN_CORRECTION:
        scale = (room - KEY_VALUE_MIN_CORRECTION) / (label + value)
        label, value = label * scale, value * scale
    return label, value, room - label - value


def layout_table(table: FormTable, width: float = CONTENT_W, x0: float = MARGIN_X) -> TableBox:
    table = _reflowed(table)
    total = sum(c.width for c in table.columns)
    xs = [x0]
    for c in table.columns:
        xs.append(xs[-1] + width * c.width / total)
    xs[-1] = x0 + width
    widths = [b - a for a, b in itertools.pairwise(xs)]

    def box(texts: Sequence[str], header: bool) -> RowBox:
        cells = [_wrapped(t, w - 2 * PAD_X) for t, w in zip(texts, widths, strict=True)]
        height = max(len(c) for c in cells) * LEADING + 2 * PAD_Y
        return RowBox(cells, max(height, 11.5 if header else MIN_ROW_H), header)

    header = box([c.title for c in table.columns], True)
    if table.key_value:  # key-value tables: the labels are in the rows, no header row
        header = RowBox([[""] for _ in table.columns], 0.0, True)
    return TableBox(table, xs, header, [box(r, False) for r in table.rows])


# ------------------------------------------------------------------ page layout
@dataclass
class Op:
    kind: str  # band, subtitle, rows, signature
    y: float  # top edge
    text: str = ""
    table: TableBox | None = None
    rows: list[RowBox] = field(default_factory=list)


@dataclass
class _Atom:
    kind: str
    height: float
    keep_next: bool = False
    text: str = ""
    table: TableBox | None = None
    row: RowBox | None = None
    first_row: bool = False


def _atoms(form: HouseholdForm) -> list[_Atom]:
    atoms: list[_Atom] = []
    for section in form.sections:
        atoms.append(_Atom("band", SECTION_H, True, section.title))
        for t in section.tables:
            tb = layout_table(t)
            if t.title:
                atoms.append(_Atom("subtitle", SUBTITLE_H, True, t.title))
            if tb.header.height:
                atoms.append(_Atom("header", tb.header.height, True, table=tb, row=tb.header))
            for n, r in enumerate(tb.rows):
                atoms.append(_Atom("row", r.height, False, table=tb, row=r, first_row=n == 0))
    # the signature never stands alone: the last table row goes with it
    for a in reversed(atoms):
        if a.kind == "row":
            a.keep_next = True
            break
    atoms.append(_Atom("signature", SIGNATURE_H))
    return atoms


def paginate(form: HouseholdForm) -> list[list[Op]]:
    """Place the form's pieces on pages; a table cut by a page break repeats its header."""
    atoms = _atoms(form)
    pages: list[list[Op]] = [[]]
    y = BODY_TOP
    body_h = BODY_TOP - BODY_BOTTOM

    def needed(i: int) -> float:
        total = 0.0
        while i < len(atoms):
            total += atoms[i].height
            if not atoms[i].keep_next:
                break
            i += 1
        return total

    last_subtitle: dict[int, str] = {}
    for i, a in enumerate(atoms):
        need = needed(i)
        fresh = y == BODY_TOP
        if y - need < BODY_BOTTOM and not fresh and need <= body_h:
            pages.append([])
            y = BODY_TOP
            if a.kind == "row" and not a.first_row:
                tb = a.table
                assert tb is not None
                title = last_subtitle.get(id(tb))
                if title:
                    pages[-1].append(Op("subtitle", y, f"{title}(续)"))
                    y -= SUBTITLE_H
                if tb.header.height:
                    pages[-1].append(Op("rows", y, table=tb, rows=[tb.header]))
                    y -= tb.header.height
        page = pages[-1]
        if a.kind in ("header", "row"):
            assert a.table is not None and a.row is not None
            last = page[-1] if page else None
            if last is not None and last.kind == "rows" and last.table is a.table:
                last.rows.append(a.row)
            else:
                page.append(Op("rows", y, table=a.table, rows=[a.row]))
        else:
            page.append(Op(a.kind, y, a.text))
            if a.kind == "subtitle" and i + 1 < len(atoms) and atoms[i + 1].table is not None:
                last_subtitle[id(atoms[i + 1].table)] = a.text
        y -= a.height
    return pages


# ------------------------------------------------------------------ drawing
HEAD_TOP = PAGE_H - MARGIN_TOP - 33
HEAD_ROW_H = 14.0
HEAD_LABEL_W = 52.0


def _header_rows(form: HouseholdForm) -> list[list[tuple[str, str]]]:
    """The header pairs, three to a row."""
    pairs = list(form.header)
    return [pairs[i:i + 3] for i in range(0, len(pairs), 3)]


class FormPainter:
    """Draws laid-out pages; one per PDF, so the font is set up once."""

    def __init__(self, canvas: Canvas, batch: BatchInfo) -> None:
        self.c = canvas
        self.batch = batch
        self.font = fonts.register()
        self.ttf = pdfmetrics.getFont(self.font)
        self.printed = f"{batch.printed_at:%Y-%m-%d %H:%M}"
        #: (text, size) -> the PDF text operators, encoded once per document: forms repeat the
        #: same labels and values thousands of times, and encoding is most of drawString's cost
        self._encoded: dict[tuple[str, float], tuple[str, float]] = {}
        self._code = canvas._code  # the page's content stream (reportlab keeps it as this list)
        self._frames: dict[tuple[str, ...], str] = {}
        self.value_w = (CONTENT_W - QR_SIZE - 8 - 3 * HEAD_LABEL_W) / 3

    def _ops(self, s: str, size: float) -> tuple[str, float]:
        key = (s, size)
        found = self._encoded.get(key)
        if found is None:
            doc = self.c._doc
            tf = f"{fp_str(size)} Tf"
            ops = " ".join(f"{self.ttf.getSubsetInternalName(subset, doc)} {tf} ({self.c._escape(part)}) Tj"
                           for subset, part in self.ttf.splitString(s, doc))
            found = self._encoded[key] = (ops, fonts.text_width(s, size))
        return found

    def text(self, x: float, y: float, s: str, size: float, align: str = "left") -> None:
        """Draw one string in the form font (what drawString does, without re-encoding it)."""
        if not s:
            return
        ops, width = self._ops(s, size)
        if align != "left":
            x = x - width if align == "right" else x - width / 2
        self._code.append(f"BT 1 0 0 1 {fp_str(x)} {fp_str(y)} Tm {ops} ET")

    def new_page(self) -> None:
        self.c.showPage()
        self._code = self.c._code

    # ---------------------------------------------------------------- one household
    def draw_form(self, form: HouseholdForm, pages: list[list[Op]] | None = None) -> int:
        pages = pages if pages is not None else paginate(form)
        qr_name = self.qr_form(form)
        frame = self._header_frame(form)
        total = len(pages)
        for n, ops in enumerate(pages, start=1):
            self.draw_header(form, qr_name, frame)
            for op in ops:
                self.draw_op(op, form)
            self.footer(f"本户第 {n} 页 共 {total} 页", form.payload)
            self.new_page()
        return total

    def qr_form(self, form: HouseholdForm) -> str:
        """Encode the household's QR once and keep it as a form XObject every page reuses."""
        name = f"qr{form.batch_id}_{form.household_no}"
        c = self.c
        c.beginForm(name, lowerx=0, lowery=0, upperx=QR_SIZE, uppery=QR_SIZE)
        qr.draw(c, qr.encode(form.payload), 0, 0, QR_SIZE)
        c.endForm()
        self._code = c._code  # endForm may start a fresh list for the page
        return name

    def _header_frame(self, form: HouseholdForm) -> str:
        """Title, grid, shading and labels: the same on every page, so drawn once as a form XObject."""
        labels = (form.title, *(label for label, _ in form.header))
        name = self._frames.get(labels)
        if name is not None:
            return name
        name = f"head{len(self._frames)}"
        c = self.c
        c.beginForm(name, lowerx=0, lowery=0, upperx=PAGE_W, uppery=PAGE_H)
        self._code = c._code
        top = PAGE_H - MARGIN_TOP
        grid_w = CONTENT_W - QR_SIZE - 8
        self.text(MARGIN_X + grid_w / 2, top - 15, form.title, 14.5, "center")
        rows = _header_rows(form)
        c.setLineWidth(0.6)
        c.setFillColorRGB(*GREY_LABEL)
        for r in range(len(rows)):
            for k in range(3):
                c.rect(MARGIN_X + k * (HEAD_LABEL_W + self.value_w), HEAD_TOP - (r + 1) * HEAD_ROW_H,
                       HEAD_LABEL_W, HEAD_ROW_H, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        path = c.beginPath()
        x = MARGIN_X
        for r in range(len(rows) + 1):
            path.moveTo(x, HEAD_TOP - r * HEAD_ROW_H)
            path.lineTo(x + grid_w, HEAD_TOP - r * HEAD_ROW_H)
        for k in range(3):
            for dx in (k * (HEAD_LABEL_W + self.value_w), k * (HEAD_LABEL_W + self.value_w) + HEAD_LABEL_W):
                path.moveTo(x + dx, HEAD_TOP)
                path.lineTo(x + dx, HEAD_TOP - len(rows) * HEAD_ROW_H)
        path.moveTo(x + grid_w, HEAD_TOP)
        path.lineTo(x + grid_w, HEAD_TOP - len(rows) * HEAD_ROW_H)
        c.drawPath(path, stroke=1, fill=0)
        for r, row in enumerate(rows):
            base = HEAD_TOP - (r + 1) * HEAD_ROW_H + 4.2
            for k, (label, _value) in enumerate(row):
                size = 7.6 if fonts.text_width(label, 7.6) < HEAD_LABEL_W - 4 else 6.4
                self.text(MARGIN_X + k * (HEAD_LABEL_W + self.value_w) + 2.5, base, label, size)
        c.endForm()
        self._code = c._code
        self._frames[labels] = name
        return name

    def draw_header(self, form: HouseholdForm, qr_name: str, frame: str) -> None:
        c = self.c
        top = PAGE_H - MARGIN_TOP
        grid_w = CONTENT_W - QR_SIZE - 8
        c.doForm(frame)
        self.text(MARGIN_X + grid_w / 2, top - 28,
                  f"{form.year}年度 · 户编号 {form.household_no} · 记录版本 {form.version} · "
                  f"打印批次 {form.batch_id}", 7.6, "center")
        c.saveState()
        c.translate(PAGE_W - MARGIN_X - QR_SIZE, top - QR_SIZE)
        c.doForm(qr_name)
        c.restoreState()
        self.text(PAGE_W - MARGIN_X - QR_SIZE / 2, top - QR_SIZE - 7, form.payload, 4.9, "center")
        for r, row in enumerate(_header_rows(form)):
            base = HEAD_TOP - (r + 1) * HEAD_ROW_H + 4.2
            for k, (_label, value) in enumerate(row):
                x0 = MARGIN_X + k * (HEAD_LABEL_W + self.value_w) + HEAD_LABEL_W + 2.5
                vsize = 8.2 if fonts.text_width(value, 8.2) < self.value_w - 4 else 6.8
                self.text(x0, base, value, vsize)

    def footer(self, centre: str, right: str = "") -> None:
        y = MARGIN_BOTTOM - 10
        self.text(PAGE_W / 2, y, centre, 8.5, "center")
        self.text(MARGIN_X, y, f"打印：{self.printed} {self.batch.user}", 6.5)
        if right:
            self.text(PAGE_W - MARGIN_X, y, f"扫码查询：{right}", 6.5, "right")

    def draw_op(self, op: Op, form: HouseholdForm) -> None:
        c = self.c
        if op.kind == "band":
            c.setFillColorRGB(*GREY_SECTION)
            c.rect(MARGIN_X, op.y - SECTION_H + 2, CONTENT_W, SECTION_H - 3, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            self.text(MARGIN_X + 4, op.y - SECTION_H + 4.6, op.text, 8.8)
        elif op.kind == "subtitle":
            self.text(MARGIN_X + 1, op.y - SUBTITLE_H + 2.6, op.text, 7.8)
        elif op.kind == "rows":
            assert op.table is not None
            self.draw_rows(op.table, op.rows, op.y)
        elif op.kind == "signature":
            self.draw_signature(op.y, form)

    def draw_rows(self, tb: TableBox, rows: list[RowBox], y_top: float) -> None:
        """Shading, the grid as one stroked path, then the cell texts (raw operators: many rows)."""
        code = self._code
        xs = tb.xs
        left, right = xs[0], xs[-1]
        height = sum(r.height for r in rows)
        cols = tb.table.columns
        fills = []
        y = y_top
        for r in rows:
            if r.header:
                fills.append(f"{fp_str(left)} {fp_str(y - r.height)} {fp_str(right - left)} {fp_str(r.height)} re")
            y -= r.height
        if fills:
            code.append(f"q {fp_str(*GREY_HEADER)} rg {' '.join(fills)} f Q")
        if tb.table.key_value:
            fills = []
            y = y_top
            for r in rows:
                for k in range(0, len(cols), 3):
                    fills.append(f"{fp_str(xs[k])} {fp_str(y - r.height)} {fp_str(xs[k + 1] - xs[k])} "
                                 f"{fp_str(r.height)} re")
                y -= r.height
            code.append(f"q {fp_str(*GREY_LABEL)} rg {' '.join(fills)} f Q")
        y = y_top
        parts = [f"{fp_str(left)} {fp_str(y)} m {fp_str(right)} {fp_str(y)} l"]
        for r in rows:
            y -= r.height
            parts.append(f"{fp_str(left)} {fp_str(y)} m {fp_str(right)} {fp_str(y)} l")
        bottom = fp_str(y_top - height)
        top = fp_str(y_top)
        parts += [f"{fp_str(x)} {top} m {fp_str(x)} {bottom} l" for x in xs]
        code.append(f"q 0.5 w 0 G {' '.join(parts)} S Q")
        y = y_top
        anchors = {"left": [a + PAD_X for a in xs[:-1]],
                   "center": [(a + b) / 2 for a, b in itertools.pairwise(xs)],
                   "right": [b - PAD_X for b in xs[1:]]}
        for r in rows:
            block = max(len(cell) for cell in r.cells) * LEADING
            first_base = y - (r.height - block) / 2 - LEADING + 2.3  # vertically centred
            for k, cell in enumerate(r.cells):
                if not cell[0] and len(cell) == 1:
                    continue
                align = "center" if r.header else cols[k].align
                x = anchors[align][k]
                base = first_base
                for line in cell:
                    self.text(x, base, line, FONT_SIZE, align)
                    base -= LEADING
            y -= r.height

    def draw_signature(self, y_top: float, form: HouseholdForm) -> None:
        """The verifiers' signatures and the visit's date on one line, then the confirmation read
        out to the household head, the head's signature and its date."""
        c = self.c
        self.text(MARGIN_X + 1, y_top - 9, "说明：请入户逐项核对登记内容，与实际不符的在“核实情况/更正”栏填写实际情况；"
                  "核实无误的可打“√”。", 7.0)
        c.setLineWidth(0.5)
        names = list(form.signatures)
        head = names.index(HEAD_SIGNATURE) if HEAD_SIGNATURE in names else len(names)
        y = y_top - 26
        self._signature_line(names[:head], y)
        if head < len(names):  # the confirmation read out, then the head's signature beside it
            confirmation = f"{CONFIRMATION}。"
            self.text(MARGIN_X + 2, y - 22, confirmation, 9)
            x0 = MARGIN_X + 10 + fonts.text_width(confirmation, 9)
            self._signature_line(names[head:], y - 22, x0, MARGIN_X + CONTENT_W - x0)

    def _signature_line(self, names: Sequence[str], y: float, x0: float = MARGIN_X,
                        width: float = CONTENT_W) -> None:
        """Labels with a line to sign on, side by side; a date gets its 年 月 日 blanks."""
        if not names:
            return
        col_w = width / max(len(names), 2)
        for k, name in enumerate(names):
            x = x0 + k * col_w
            label = f"{name}："
            self.text(x + 2, y, label, 9)
            lx = x + 4 + fonts.text_width(label, 9)
            if name.endswith("日期"):
                self.text(lx + 4, y, "        年      月      日", 9)
            self.c.line(lx, y - 3, x + col_w - 10, y - 3)

    # ---------------------------------------------------------------- cover list per village
    def draw_cover(self, forms: Sequence[HouseholdForm]) -> int:
        first = forms[0]
        columns = (("序号", 4, "center"), ("户编号", 16, "left"), ("户主姓名", 9, "left"),
                   ("自然村", 7, "left"), ("人口", 4, "center"), ("脱贫状态", 14, "left"),
                   ("表单编号", 8, "left"), ("待核实问题", 11, "center"), ("已入户核实", 11, "center"),
                   ("已签字收回", 11, "center"), ("备注", 9, "left"))
        table = FormTable("cover", "", tuple(Column(t, w, a) for t, w, a in columns), tuple(
            (str(n), f.household_no, f.head_name, f.group_name, str(f.members), f.status, f.serial,
             str(f.open_problems) if f.open_problems else "", "", "", "")
            for n, f in enumerate(forms, start=1)))
        tb = layout_table(table)
        top = PAGE_H - MARGIN_TOP
        body_top = top - 62
        chunks: list[list[RowBox]] = [[]]
        y = body_top - tb.header.height
        for r in tb.rows:
            if y - r.height < BODY_BOTTOM and chunks[-1]:
                chunks.append([])
                y = body_top - tb.header.height
            chunks[-1].append(r)
            y -= r.height
        total = len(chunks)
        for n, rows in enumerate(chunks, start=1):
            self.text(PAGE_W / 2, top - 18, f"{first.township}{first.village} 入户核实名单", 15, "center")
            self.text(PAGE_W / 2, top - 34,
                      f"{first.year}年度 · 打印批次 {self.batch.batch_id} · 本村 {len(forms)} 户 · "
                      f"村代码 {first.village_code}", 8.5, "center")
            if self.batch.params_text:
                self.text(PAGE_W / 2, top - 46, f"选取条件：{self.batch.params_text}", 7.2, "center")
            self.draw_rows(tb, [tb.header, *rows], body_top)
            # tick boxes
            y = body_top - tb.header.height
            c = self.c
            c.setLineWidth(0.6)
            for r in rows:
                for k in (8, 9):
                    cx = (tb.xs[k] + tb.xs[k + 1]) / 2
                    c.rect(cx - 4, y - r.height / 2 - 4, 8, 8, stroke=1, fill=0)
                y -= r.height
            self.footer(f"名单第 {n} 页 共 {total} 页")
            self.new_page()
        return total


# ------------------------------------------------------------------ the whole batch
@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    households: int
    #: household number -> (first page, page count), 1-based
    form_pages: dict[str, tuple[int, int]]


def by_village(forms: Sequence[HouseholdForm]) -> Iterator[list[HouseholdForm]]:
    ordered = sorted(forms, key=sort_key)
    for _, group in itertools.groupby(ordered, key=lambda f: f.village_code):
        yield list(group)


def write_pdf(path: str | Path, forms: Sequence[HouseholdForm], *, batch: BatchInfo,
              cover: bool = True, progress: Progress | None = None,
              cancel: CancelCheck | None = None) -> PdfResult:
    """One PDF: per village a cover list, then each household's form, village/group/number order."""
    path = Path(path)
    c = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=0,
               initialFontName=fonts.register(), initialFontSize=FONT_SIZE)
    c.setTitle(f"{forms[0].title if forms else ''} 批次 {batch.batch_id}")
    c.setAuthor(batch.user)
    c.setCreator("povdesk")
    c.setSubject(f"print batch {batch.batch_id}")
    painter = FormPainter(c, batch)
    page = 1
    done = 0
    form_pages: dict[str, tuple[int, int]] = {}
    for village_forms in by_village(forms):
        if cover:
            page += painter.draw_cover(village_forms)
        for form in village_forms:
            if cancel is not None and cancel():
                raise Cancelled()
            n = painter.draw_form(form)
            form_pages[form.household_no] = (page, n)
            page += n
            done += 1
            if progress is not None:
                progress(done, len(forms))
    if page == 1:  # an empty batch still makes a readable file
        painter.text(PAGE_W / 2, PAGE_H / 2, "本批次没有选中任何户", 14, "center")
        c.showPage()
        page += 1
    c.save()
    return PdfResult(path, page - 1, len(forms), form_pages)


def printed_at_now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
