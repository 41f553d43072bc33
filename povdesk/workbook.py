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

import re
from collections.abc import Iterable
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


def reproducible_bytes(wb: Workbook, at: Any) -> bytes:
    """The workbook's file as bytes that depend on its content only: the document's created and
    modified times are `at` (a datetime, UTC) and every zip entry carries it, in openpyxl's order
    (a signed package must come out byte-identical from the same data)."""
    import io
    import zipfile

    wb.properties.creator = "povdesk"
    wb.properties.created = wb.properties.modified = at.replace(tzinfo=None, microsecond=0)
    raw = io.BytesIO()
    wb.save(raw)
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" to the clock on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(max(at.year, 1980), at.month, at.day,
                                                              at.hour, at.minute, at.second))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data, compresslevel=6)
    return out.getvalue()
