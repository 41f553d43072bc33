"""Turning raw values into typed field values and back into text, as the dictionary describes them."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from povdesk.domain import idnumber
from povdesk.domain.codelists import CodeBook, builtin_codebook
from povdesk.domain.dictionary import Field, FieldType
from povdesk.errors import InvalidValue

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _invalid(f: Field, raw: object, en: str, zh: str) -> InvalidValue:
    return InvalidValue(
        code=f"value.{f.type}",
        en=f"{f.en}: '{raw}' {en}",
        zh=f"{f.zh}：“{raw}”{zh}",
    )


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
            raw = int(raw)
        return str(raw).strip()
    if t == FieldType.ID_NUMBER:
        if isinstance(raw, float):
            raise _invalid(f, raw, "was turned into a number by a spreadsheet and lost digits",
                           "已被表格软件转换为数字，后几位已丢失，无法恢复")
        text = idnumber.normalise(raw)
        if re.fullmatch(r"\d(\.\d+)?E\+\d+", text):
            raise _invalid(f, raw, "is in scientific notation; the digits are lost",
                           "为科学计数法，号码已丢失，无法恢复")
        return text
    if t in (FieldType.INT, FieldType.YEAR):
        try:
            number = float(str(raw).strip().removesuffix("年"))
        except ValueError:
            raise _invalid(f, raw, "is not a whole number", "不是整数") from None
        if not number.is_integer():
            raise _invalid(f, raw, "is not a whole number", "不是整数")
        value = int(number)
        if t == FieldType.YEAR and not 1949 <= value <= 2100:
            raise _invalid(f, raw, "is not a plausible year", "不是合理的年份")
        return value
    if t in (FieldType.NUMBER, FieldType.MONEY):
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = float(text)
        except ValueError:
            raise _invalid(f, raw, "is not a number", "不是数字") from None
        if not math.isfinite(value):
            raise _invalid(f, raw, "is not a number", "不是数字")
        return round(value, 2)
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
            codes.append(code)
        return ",".join(codes) or None
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
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
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
