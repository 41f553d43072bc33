"""The one way povdesk writes a workbook cell, sheet title and file: text from data is never a formula
and never breaks the writer.

Every .xlsx the project writes (problem lists, comparison tables, the roster export, the import
error report) puts its values through here, in openpyxl's normal and write-only modes alike:

- text is always a string cell, never a formula or an error value; text that a spreadsheet would
  take for a formula once edited (starting with = + - @, a tab or a line break) also gets
  Excel's quote-prefix style (`quotePrefix="1"`): the value itself is unchanged, no apostrophe;
- characters a workbook cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) are
  removed, so stored text never makes a writer fail or write a file Excel cannot open; a carriage
  return is written as the line feed every reader would make of it (XML's line-end rule);
- sheet titles are made safe and unique (`sheet_title`), page header and footer text writable
  (`header_footer_text`);
- a workbook is saved to `NAME.part` and renamed into place, so a crash leaves no half file.

A leaf like `config` and `errors`: any layer below ui may use it; it imports nothing of povdesk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

#: Text starting with one of these is a formula (or becomes one when the cell is edited; some
#: spreadsheets skip leading tabs and line breaks first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: What a cell, a comment or a sheet title cannot hold: openpyxl's illegal characters (C0 control
#: characters but tab, line feed, carriage return), and what XML refuses (lone surrogates,
#: U+FFFE, U+FFFF: openpyxl writes them and the file no longer opens).
UNWRITABLE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")
#: Excel's limits for a sheet title.
SHEET_TITLE_CHARS = 31
_DIRTY = re.compile(f"{UNWRITABLE.pattern}|\r")
_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
_RESERVED_TITLES = ("history",)  # Excel keeps "History" for its change tracking


def clean(text: str) -> str:
    """`text` without the characters a workbook cannot hold, its line breaks as line feeds."""
    if _DIRTY.search(text) is None:
        return text
    return UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def put(cell: Cell, value: Any) -> Cell:
    """Set `value` on `cell` (of a normal or a write-only sheet): text as a string cell, quote-prefixed
    where a spreadsheet would read a formula, without unwritable characters."""
    if isinstance(value, str):
        text = clean(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=…" a formula and "#N/A" an error value
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def cell(ws: Any, value: Any = None) -> Cell:
    """A write-only cell holding `value` (see `put`); style it, then append it in a row."""
    return put(WriteOnlyCell(ws), value)


def styled(ws: Any, value: Any, like: Cell) -> Cell:
    """A write-only cell holding `value` (see `put`) styled as the cell `like` (a template made once:
    copying its style costs nothing, setting fonts and borders on each of a million cells does)."""
    c = WriteOnlyCell(ws)
    c._style = copy(like._style)
    return put(c, value)


def write(ws: Any, row: int, column: int, value: Any) -> Cell:
    """`ws.cell(row, column)` of a normal sheet, holding `value` (see `put`)."""
    return put(ws.cell(row=row, column=column), value)


def _plain(value: Any) -> bool:
    """A value openpyxl stores as it is: not text, or text that needs nothing done."""
    return (not isinstance(value, str) or not value
            or (value[0] not in "=+-@\t\r\n#" and _DIRTY.search(value) is None))


def row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """`values` made ready for `ws.append` (either mode): plain values stay as they are (fast), text
    that needs it becomes a cell (see `put`); cells already made are kept."""
    return [v if isinstance(v, Cell) or _plain(v) else cell(ws, v) for v in values]


def append(ws: Any, values: Iterable[Any]) -> None:
    ws.append(row(ws, values))


def sheet_title(text: str, used: set[str], *, fallback: str = "Sheet") -> str:
    """A sheet title for `text` that Excel accepts and no title in `used` (compared ignoring case,
    as Excel does) takes; added to `used` (which holds casefolded titles). At most 31 characters,
    none of \\ / * ? : [ ], no leading or trailing apostrophe, never empty."""
    def tidy(t: str) -> str:
        t = _TITLE_FORBIDDEN.sub("_", clean(t)).strip().strip("'").strip()
        return _fit(t, SHEET_TITLE_CHARS)
    base = tidy(str(text)) or tidy(fallback) or "Sheet"
    if base.casefold() in _RESERVED_TITLES:
        base = f"{base}_"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f"-{n}"
        name = _fit(base, SHEET_TITLE_CHARS - len(suffix)).rstrip("'") + suffix
        n += 1
    used.add(name.casefold())
    return name


def header_footer_text(text: str, max_chars: int = 100) -> str:
    """`text` for a page header or footer: writable, cut to `max_chars` (Excel allows 255 for a
    whole header or footer), every `&` doubled (a single one starts a code such as &P)."""
    return clean(text)[:max_chars].replace("&", "&&")


def _fit(text: str, units: int) -> str:
    """The longest prefix of `text` that takes at most `units` UTF-16 code units (Excel counts
    those: a character outside the BMP, common in rare surnames, takes two)."""
    out, n = [], 0
    for ch in text:
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            break
        out.append(ch)
    return "".join(out)


def save(wb: Workbook, out: str | Path) -> Path:
    """Save to `out` through `out.part`, so a crash leaves the old file or the whole new one."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out



# --------------------------------------------------------------------------- plain tables, written directly
@dataclass(frozen=True)
class PlainSheet:
    """A sheet of one header row and plain values (text, numbers), for `plain_workbook`."""

    title: str
    headers: Sequence[str]
    widths: Sequence[float]
    rows: Iterable[Sequence[Any]]
    #: 0-based columns formatted as text (`@`): ID numbers, codes
    text_columns: frozenset[int] = frozenset()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: cell styles: 0 plain, 1 header (bold, filled, wrapped), 2 text, 3 quote-prefixed, 4 text and quote-prefixed
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill '
    'patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


#: a number's style attribute: none, or text format in a text column
_NUMBER_STYLE = ("", ' s="2"')


def _text_cell(value: str, as_text: bool) -> str:
    """A text cell's markup after its reference: inline string, style (text format, quote prefix)."""
    value = clean(value)
    style = (4 if as_text else 3) if is_formula_like(value) else (2 if as_text else 0)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f' t="inlineStr"{f" s={chr(34)}{style}{chr(34)}" if style else ""}><is><t{space}>{_esc(value)}</t></is>'


def _sheet_xml(sheet: PlainSheet) -> bytes:
    letters = [_column_letter(i + 1) for i in range(len(sheet.headers))]
    parts = [f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
             '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
             '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
             '<sheetFormatPr defaultRowHeight="15"/><cols>']
    parts += [f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(sheet.widths, 1)]
    parts.append('</cols><sheetData><row r="1" ht="30" customHeight="1">')
    parts += [f'<c r="{c}1" t="inlineStr" s="1"><is><t>{_esc(clean(h))}</t></is></c>'
              for c, h in zip(letters, sheet.headers, strict=True)]
    parts.append("</row>")
    n = 1
    text = sheet.text_columns
    # a text's cell after its reference is made once per sheet (names, codes, people repeat)
    made: tuple[dict[str, str], dict[str, str]] = ({}, {})
    columns = [(letter, i in text, made[i in text]) for i, letter in enumerate(letters)]
    for values in sheet.rows:
        n += 1
        if len(values) > len(columns):
            raise ValueError(f"{sheet.title}: row {n} has {len(values)} values for {len(columns)} columns")
        parts.append(f'<row r="{n}">')
        for (letter, as_text, bodies), v in zip(columns, values, strict=False):
            if v.__class__ is not str or not v:  # the common case, a plain non-empty text, skips all this
                if v is None or v == "":
                    continue
                if isinstance(v, bool):
                    parts.append(f'<c r="{letter}{n}" t="b"><v>{int(v)}</v></c>')
                    continue
                if not isinstance(v, str):
                    parts.append(f'<c r="{letter}{n}"{_NUMBER_STYLE[as_text]}><v>{v!r}</v></c>')
                    continue
            body = bodies.get(v)
            if body is None:
                body = bodies[v] = _text_cell(v, as_text)
            parts.append(f'<c r="{letter}{n}"{body}</c>')
        parts.append("</row>")
    parts.append("</sheetData>")
    if n > 1:
        parts.append(f'<autoFilter ref="A1:{letters[-1]}{n}"/>')
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


def plain_workbook(sheets: Sequence[PlainSheet], at: dt.datetime) -> bytes:
    """An .xlsx of plain tables, written directly (a large export takes a fraction of openpyxl's
    time): each sheet a bold, frozen header row, column widths, an auto filter; text as inline
    strings under this module's rules (cleaned; quote-prefixed where a spreadsheet would see a
    formula; never a formula); `text_columns` formatted as text. The bytes depend on the content
    and `at` only (the document's created and modified time and every zip entry's)."""
    import io
    import zipfile

    stamp = at.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    n = len(sheets)
    files: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
            + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/></Types>').encode()),
        ("_rels/.rels", (
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/'
            '2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>').encode()),
        ("docProps/core.xml", (
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
            'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>povdesk</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            '</cp:coreProperties>').encode()),
        ("xl/workbook.xml", (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
            '<sheets>' + "".join(f'<sheet name="{_esc(clean(s.title)).replace(chr(34), "&quot;")}" sheetId="{i}" '
                                 f'r:id="rId{i}"/>' for i, s in enumerate(sheets, 1))
            + "</sheets></workbook>").encode()),
        ("xl/_rels/workbook.xml.rels", (
            f'{_XML}<Relationships xmlns="{_PKG}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>').encode()),
        ("xl/styles.xml", _STYLES.encode()),
    ]
    files += [(f"xl/worksheets/sheet{i}.xml", _sheet_xml(s)) for i, s in enumerate(sheets, 1)]
    out = io.BytesIO()
    date_time = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=1)
    return out.getvalue()
