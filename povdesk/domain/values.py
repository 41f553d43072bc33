"""Turning raw values into typed field values and back into text, as the dictionary describes them.

A value is refused (InvalidValue) when it does not fit its field as the dictionary describes it:
type, code list, the field's range or maximum length, control characters. `clean_text` is the one
rule for control characters: what it removes and what it refuses, said in both languages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from povdesk.domain import idnumber
from povdesk.domain.codelists import CodeBook, builtin_codebook
from povdesk.domain.dictionary import EXCEL_CELL_LIMIT, Field, FieldType, field
from povdesk.errors import InvalidValue

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
#: Every control character (C0, DEL, C1) and the Unicode line and paragraph separators (the Excel
#: writers refuse \x00-\x08, \x0b, \x0c and \x0e-\x1f outright; none of them shows in a cell),
#: and the invisible format characters that hide or reorder text on screen: zero-width spaces and
#: joiners, soft hyphen, byte-order mark, bidirectional overrides (U+202E shows a stored "沙马ABC"
#: as "沙马CBA"). None belongs in a registry value.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\xad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                      "\u2066-\u206f\ufeff]")
#: Tabs and line breaks: visible in a spreadsheet cell, and inside a name or a number they usually
#: mean two values in one cell.
_BREAK = re.compile("[ \u3000]*[\t\n\r\x85\u2028\u2029]+[ \u3000]*")
#: A spreadsheet keeps 15 significant digits of a number: a longer "number" has lost its last ones.
_EXACT_DIGITS = 10**15


def shown(raw: object, limit: int = 40) -> str:
    """`raw` as a message may quote it: control characters spelled out (\\x0b), long text cut."""
    text = str(raw)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else text[:limit] + "…"


def _invalid(f: Field, raw: object, en: str, zh: str) -> InvalidValue:
    return InvalidValue(
        code=f"value.{f.type}",
        en=f"{f.en}: '{shown(raw)}' {en}",
        zh=f"{f.zh}：“{shown(raw)}”{zh}",
    )


# --------------------------------------------------------------------------- control characters
@dataclass(frozen=True)
class Cleaned:
    """Text after `clean_text` and what was done to it, so the clerk can be told per cell."""

    text: str
    removed: tuple[str, ...] = ()  # invisible control characters taken out, as U+000B
    joined: bool = False  # tabs or line breaks of free text replaced by a space

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.joined)

    def note(self, f: Field) -> tuple[str, str]:
        """What was done, (zh, en)."""
        zh: list[str] = []
        en: list[str] = []
        if self.removed:
            codes = ", ".join(self.removed)
            zh.append(f"已删除 {len(self.removed)} 个不可见的控制字符（{codes}）")
            en.append(f"removed {len(self.removed)} invisible control character"
                      f"{'' if len(self.removed) == 1 else 's'} ({codes})")
        if self.joined:
            zh.append("换行符或制表符已替换为空格")
            en.append("line breaks or tabs replaced by a space")
        return (f"{f.zh}：{'，'.join(zh)}，其余内容照常导入：“{shown(self.text)}”",
                f"{f.en}: {'; '.join(en)}; imported as '{shown(self.text)}'")


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean_text(f: Field, text: str) -> Cleaned:
    """`text` stripped and without control characters, which no spreadsheet shows and the Excel
    writers refuse (openpyxl's IllegalCharacterError).

    Invisible ones (\\x0b, \\x00, DEL, …) are removed. A tab or line break inside the text is
    replaced by a space in free text (`Field.free_text`: an employer, a bank) and refused
    (InvalidValue) anywhere else: inside a name, a number or a code it usually means two values
    in one cell, and the clerk can see it in the spreadsheet and correct it there.
    """
    stripped = text.strip()
    if not _CONTROL.search(stripped):
        return Cleaned(stripped)
    if f.type == FieldType.ID_NUMBER:  # spaces and breaks inside go, as `idnumber.normalise` does
        stripped = "".join(stripped.split())
    joined = False
    if _BREAK.search(stripped):
        if not f.free_text:
            raise _invalid(f, stripped, "contains a line break or tab; a cell holds one value: "
                                        "correct it in the file",
                           "中含有换行符或制表符，一格只能填一个值，请在文件中改正")
        stripped = _BREAK.sub(" ", stripped)
        joined = True
    removed = tuple(f"U+{ord(c):04X}" for c in _CONTROL.findall(stripped))
    return Cleaned(_CONTROL.sub("", stripped).strip(), removed, joined)


# --------------------------------------------------------------------------- limits
def _number_text(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def _check_range(f: Field, raw: object, value: float) -> None:
    lo, hi = f.minimum, f.maximum
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if f.type == FieldType.YEAR:
            raise _invalid(f, raw, f"is not a plausible year ({lo:.0f}–{hi:.0f})",
                           f"不是合理的年份（{lo:.0f}–{hi:.0f}）")
        low = _number_text(lo) if lo is not None else "−∞"
        high = _number_text(hi) if hi is not None else "∞"
        unit_zh, unit_en = f" {f.unit}" if f.unit else "", f" {f.unit_en}" if f.unit_en else ""
        raise _invalid(f, raw, f"is outside what this field can hold ({low} to {high}{unit_en})",
                       f"超出本字段允许的范围（{low} 至 {high}{unit_zh}）")


def _check_text(f: Field, text: str) -> str:
    if _CONTROL.search(text):
        raise _invalid(f, text, "contains control characters", "中含有控制字符")
    limit = f.max_length or EXCEL_CELL_LIMIT
    if len(text) > limit:
        # a spreadsheet reader hands at most a cell's 32,767 characters: the cell held that or more
        long_en, long_zh = ((f"at least {EXCEL_CELL_LIMIT:,}", f"至少 {EXCEL_CELL_LIMIT:,}")
                            if len(text) >= EXCEL_CELL_LIMIT else (f"{len(text):,}", f"{len(text):,}"))
        raise InvalidValue(
            code=f"value.{f.type}.length",
            en=f"{f.en}: '{shown(text, 20)}' is {long_en} characters long; at most {limit:,} fit",
            zh=f"{f.zh}：“{shown(text, 20)}”长 {long_zh} 个字符，最多 {limit:,} 个字符")
    return text


def check_household_no(no: str, length: int | None = None) -> str:
    """`no` when it is a household number: digits only and, given the county's `length`, that long."""
    f = field("household.household_no")
    if not (no.isascii() and no.isdigit()):
        raise _invalid(f, no, "must consist of digits only", "只能由数字组成")
    if length is not None and len(no) != length:
        raise _invalid(f, no, f"has {len(no)} digits; this county's household numbers have {length}",
                       f"为 {len(no)} 位，本县的户编号为 {length} 位")
    return no


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (
        isinstance(raw, float) and math.isnan(raw))


def coerce(f: Field, raw: object, codebook: CodeBook | None = None) -> Any:
    """The typed value of `raw` for field `f`; None for blank; InvalidValue when it cannot fit."""
    if is_blank(raw):
        return None
    t = f.type
    if t in (FieldType.TEXT, FieldType.PHONE):
        if isinstance(raw, float) and raw.is_integer():
            if abs(raw) >= _EXACT_DIGITS:
                raise _invalid(f, raw, "was turned into a number by a spreadsheet and lost digits",
                               "已被表格软件转换为数字，后几位已丢失，无法恢复")
            raw = int(raw)
        return _check_text(f, str(raw).strip())
    if t == FieldType.ID_NUMBER:
        if isinstance(raw, float):
            raise _invalid(f, raw, "was turned into a number by a spreadsheet and lost digits",
                           "已被表格软件转换为数字，后几位已丢失，无法恢复")
        text = idnumber.normalise(raw)
        if re.fullmatch(r"\d(\.\d+)?E\+\d+", text):
            raise _invalid(f, raw, "is in scientific notation; the digits are lost",
                           "为科学计数法，号码已丢失，无法恢复")
        return _check_text(f, text)
    if t in (FieldType.INT, FieldType.YEAR):
        try:
            number = float(str(raw).strip().removesuffix("年"))
        except ValueError:
            raise _invalid(f, raw, "is not a whole number", "不是整数") from None
        if not math.isfinite(number):
            raise _invalid(f, raw, "is not a number", "不是数字")
        if not number.is_integer():
            raise _invalid(f, raw, "is not a whole number", "不是整数")
        _check_range(f, raw, number)
        return int(number)
    if t in (FieldType.NUMBER, FieldType.MONEY):
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = float(text)
        except ValueError:
            raise _invalid(f, raw, "is not a number", "不是数字") from None
        if not math.isfinite(value):
            raise _invalid(f, raw, "is not a number", "不是数字")
        _check_range(f, raw, value)
        return round(value, f.decimals)
    if t == FieldType.DATE:
        return _date(f, raw)
    books = codebook or builtin_codebook()
    if t == FieldType.BOOL:
        code = books["yes_no"].code_for(raw)
        if code is None:
            raise _invalid(f, raw, "is neither yes nor no", "不是“是/否”")
        return code == "1"
    if t == FieldType.CODE:
        assert f.codelist
        code = books[f.codelist].code_for(raw)
        if code is None:
            raise _invalid(f, raw, f"is not in the list '{books[f.codelist].en}'",
                           f"不在“{books[f.codelist].zh}”代码表中")
        return code
    if t == FieldType.CODES:
        assert f.codelist
        codes = []
        for part in re.split(r"[,，、;；/\s]+", str(raw).strip()):
            if not part:
                continue
            code = books[f.codelist].code_for(part)
            if code is None:
                raise _invalid(f, raw, f"is not in the list '{books[f.codelist].en}'",
                               f"不在“{books[f.codelist].zh}”代码表中")
            if code not in codes:  # a code named twice is the same choice
                codes.append(code)
        return _check_text(f, ",".join(codes)) or None
    raise AssertionError(t)


def _date(f: Field, raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if " " in text:
        text = text.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise _invalid(f, raw, "is not a real date", "不是有效日期")


def to_text(f: Field, value: Any) -> str | None:
    """Stable text for the change journal and exports (codes stay codes)."""
    if value is None:
        return None
    if f.type == FieldType.BOOL:
        return "1" if value else "0"
    if f.type == FieldType.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if f.type in (FieldType.MONEY, FieldType.NUMBER):
        return f"{float(value):.{f.decimals}f}".rstrip("0").rstrip(".")
    return str(value)


def display(f: Field, value: Any, lang: str = "zh", codebook: CodeBook | None = None) -> str:
    """What a person reads: labels for codes, 是/否 for flags, money with two decimals."""
    if value is None or value == "":
        return ""
    books = codebook or builtin_codebook()
    if f.type == FieldType.BOOL:
        return books["yes_no"].label("1" if value else "0", lang)
    if f.type == FieldType.CODE and f.codelist:
        return books[f.codelist].label(str(value), lang)
    if f.type == FieldType.CODES and f.codelist:
        sep = "、" if lang.startswith("zh") else ", "
        return sep.join(books[f.codelist].label(c, lang) for c in str(value).split(",") if c)
    if f.type == FieldType.MONEY:
        return f"{float(value):,.2f}"
    if f.type == FieldType.NUMBER:
        return to_text(f, value) or ""
    if f.type == FieldType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
