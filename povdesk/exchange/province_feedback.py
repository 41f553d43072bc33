"""Read the province's answer to a monthly package (issue 12 §4): per change, accepted or rejected
with a reason. The reading only; which request a row names, and what is recorded, is decided by
`povdesk.services.packages.PackageService.feedback` (nothing here touches the database).

Two shapes (`docs/package-format.md`, "Provincial feedback"):

- a workbook (.xlsx, .xls; a CSV too): in any sheet, a header row within the first 30 rows naming a
  result column (审核结果, 结果, …) and either a request column (申请编号, 变更申请号, …) or a household
  column (户编号) with a type column (变更类型); optionally a reason (退回原因, 原因, …) and a package
  column (变更包). Headers are folded as the roster import folds them (`dictionary.normalise_header`:
  widths, brackets, spaces, line breaks), so the package's own 调整明细.xlsx with two columns added
  is a valid answer. Sheets without such a header are skipped (and said).
- JSON: `{"format": "povdesk-province-feedback", "format_version": 1, "package": NAME?,
  "results": [{"request_id"| "household_no"+"type", "result", "reason"?, "package"?}, ...]}`.

Every row's problems are collected (`FeedbackIssue`, with sheet and row); a file that cannot be
read at all is a `BadInput`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.errors import BadInput, Where
from povdesk.exchange.filled_forms import cell_text
from povdesk.exchange.readers import ReadLimits, SheetSource, UncomputedFormula, open_sources

ACCEPTED = "accepted"
REJECTED = "rejected"
RESULT_LABELS = {ACCEPTED: ("通过", "accepted"), REJECTED: ("退回", "rejected")}
JSON_FORMAT = "povdesk-province-feedback"
JSON_VERSION = 1
#: a JSON answer larger than this is refused unread (a month's answer is a few hundred KB)
MAX_JSON_BYTES = 64 << 20
HEADER_SCAN_ROWS = 30
#: the longest reason kept (`change_package_item.result_reason`)
MAX_REASON = 500


def _fold(text: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


#: result words (folded) -> result
RESULT_WORDS: dict[str, str] = {_fold(w): ACCEPTED for w in (
    "通过", "审核通过", "已通过", "同意", "接受", "采纳", "accepted", "accept", "ok", "pass", "passed")}
RESULT_WORDS.update({_fold(w): REJECTED for w in (
    "退回", "不通过", "未通过", "审核不通过", "驳回", "拒绝", "不同意", "不予通过",
    "rejected", "reject", "returned", "return", "fail", "failed")})

REQUEST = "request_id"
HOUSEHOLD = "household_no"
TYPE = "type"
RESULT = "result"
REASON = "reason"
PACKAGE = "package"
#: the header texts of each column (matched after `dictionary.normalise_header`)
HEADERS: dict[str, tuple[str, ...]] = {
    REQUEST: ("申请编号", "变更申请号", "变更申请编号", "申请号", "变更申请id", "申请id", "request_id", "requestid",
              "request id", "request"),
    HOUSEHOLD: ("household_no", "household no", "household"),  # + the dictionary's 户编号 and synonyms
    TYPE: ("变更类型", "调整类型", "变更类别", "调整类别", "类型", "type", "change type"),
    RESULT: ("审核结果", "结果", "反馈结果", "省级审核结果", "审核状态", "result"),
    REASON: ("退回原因", "原因", "退回理由", "理由", "审核意见", "意见", "说明", "reason"),
    PACKAGE: ("变更包", "变更包文件", "变更包文件名", "包文件名", "文件名", "package"),
}
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    REQUEST: ("申请编号", "request id"), HOUSEHOLD: ("户编号", "household number"), TYPE: ("变更类型", "type"),
    RESULT: ("审核结果", "result"), REASON: ("退回原因", "reason"), PACKAGE: ("变更包", "package"),
}


def _header_index() -> dict[str, str]:
    index = {dd.normalise_header(h): role for role, names in HEADERS.items() for h in names}
    hn = dd.field("household.household_no")
    for name in (hn.zh, *hn.synonyms):
        index[dd.normalise_header(name)] = HOUSEHOLD
    return index


_HEADER_INDEX = _header_index()
#: type codes and Chinese names (folded) -> type code
_TYPE_WORDS = {**{_fold(t.code): t.code for t in cr.TYPES.values()},
               **{_fold(t.zh): t.code for t in cr.TYPES.values()},
               **{_fold(t.en): t.code for t in cr.TYPES.values()}}
_REQUEST_ID = re.compile(r"^(?:CR-?|#)?0*(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class FeedbackIssue:
    """Something wrong in one row (or the whole file when `row` is None)."""

    sheet: str | None
    row: int | None
    en: str
    zh: str

    def where(self, file: str, lang: str) -> str:
        zh = lang.startswith("zh")
        parts = [f"文件“{file}”" if zh else f"file {file}"]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”" if zh else f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if zh else f"row {self.row}")
        return ("，" if zh else ", ").join(parts)

    def message(self, file: str, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        return f"{self.where(file, lang)}{'：' if zh else ': '}{self.zh if zh else self.en}"


@dataclass(frozen=True)
class FeedbackRow:
    """One answer as read: the request named (by id, or household number and type), the result,
    the reason, the package named (if the file names one)."""

    sheet: str | None
    row: int
    request_id: int | None
    household_no: str | None
    type: str | None
    result: str
    reason: str | None
    package: str | None


@dataclass(frozen=True)
class ParsedFeedback:
    file: str
    sha256: str
    #: "xlsx", "xls", "csv" or "json"
    kind: str
    rows: tuple[FeedbackRow, ...]
    issues: tuple[FeedbackIssue, ...]
    #: sheets read past (no feedback header): (English, Chinese)
    notices: tuple[tuple[str, str], ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_feedback(path: str | Path, limits: ReadLimits | None = None) -> ParsedFeedback:
    """The answers a feedback file holds; BadInput when it is no usable workbook or JSON, or no
    sheet has a feedback header. Row problems are collected in `issues`, never raised one by one."""
    path = Path(path)
    if not path.is_file():
        raise BadInput("input.missing", "The file does not exist.", "文件不存在。", Where(file=path.name))
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _read_json(path)
    return _read_workbook(path, limits)


# --------------------------------------------------------------------------- one value
def _text(value: Any) -> str:
    if value is None or isinstance(value, UncomputedFormula):
        return ""
    return cell_text(value)


def _request_id(value: Any) -> int | None:
    """A request id from a cell: 12, 12.0, "12", "CR-12", "#12"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    found = _REQUEST_ID.match(_fold(value).upper())
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def _answer(sheet: str | None, row: int, cells: Mapping[str, Any],
            issues: list[FeedbackIssue]) -> FeedbackRow | None:
    """One row's answer, or None with its problems added to `issues`."""
    def bad(en: str, zh: str) -> None:
        issues.append(FeedbackIssue(sheet, row, en, zh))

    before = len(issues)
    for role, value in cells.items():
        if isinstance(value, UncomputedFormula):
            zh_label, en_label = COLUMN_LABELS[role]
            bad(f"the {en_label} is a formula saved without its value ({value}); type the value instead",
                f"“{zh_label}”是未保存计算结果的公式（{value}），请直接填写")
    raw_id = cells.get(REQUEST)
    request_id = None
    if _text(raw_id):
        request_id = _request_id(raw_id)
        if request_id is None:
            bad(f"'{_text(raw_id)}' is not a change request id", f"“{_text(raw_id)}”不是变更申请编号")
    household_no = _text(cells.get(HOUSEHOLD)) or None
    type_text = _text(cells.get(TYPE))
    type_ = _TYPE_WORDS.get(_fold(type_text)) if type_text else None
    if type_text and type_ is None:
        bad(f"unknown change type '{type_text}' (use one of {', '.join(cr.TYPES)} or its Chinese name)",
            f"未知的变更类型“{type_text}”（应为{'、'.join(t.zh for t in cr.TYPES.values())}之一）")
    if request_id is None and not _text(raw_id) and (not household_no or not type_text):
        bad("neither a request id nor a household number with a change type names the change",
            "既没有申请编号，也没有“户编号 + 变更类型”，无法确定是哪一条变更")
    result_text = _text(cells.get(RESULT))
    result = RESULT_WORDS.get(_fold(result_text)) if result_text else None
    if not result_text:
        result = ""  # no answer on this row: another row of the same request may answer it (`_settle`)
    elif result is None:
        bad(f"'{result_text}' is not a result: write 通过 (accepted) or 退回 (rejected)",
            f"“{result_text}”不是审核结果，应为“通过”或“退回”")
    reason = " ".join(_text(cells.get(REASON)).split()) or None
    if result == REJECTED and not reason:
        bad("a rejection needs the province's reason", "退回的变更必须写明退回原因")
    if reason and len(reason) > MAX_REASON:
        bad(f"the reason is longer than {MAX_REASON} characters", f"退回原因超过 {MAX_REASON} 个字")
    package = _text(cells.get(PACKAGE)) or None
    if not result_text and reason:
        bad("a reason without a result (通过 or 退回)", "有退回原因但审核结果为空（应为“通过”或“退回”）")
    if len(issues) > before or result is None:
        return None
    return FeedbackRow(sheet, row, request_id, household_no, type_, result, reason, package)


def _settle(rows: list[FeedbackRow], issues: list[FeedbackIssue]) -> list[FeedbackRow]:
    """The rows that answer; a row naming a change without a result is dropped where another row
    answers the same change (the package's workbook has a row per changed field, the province may
    answer on the first only), else it is a problem."""
    def key(r: FeedbackRow) -> object:
        return r.request_id if r.request_id is not None else (r.household_no, r.type)

    answered = {key(r) for r in rows if r.result}
    for r in rows:
        if not r.result and key(r) not in answered:
            issues.append(FeedbackIssue(r.sheet, r.row, "the result is empty (通过 or 退回)",
                                        "审核结果为空（应为“通过”或“退回”）"))
    return [r for r in rows if r.result]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- workbook
def _header(cells: list[Any]) -> dict[str, int] | None:
    """role -> column index when `cells` is a feedback header row, else None; BadInput-free: a
    repeated role keeps its first column (reported by the caller)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if _blank(cell):
            continue
        role = _HEADER_INDEX.get(dd.normalise_header(cell))
        if role is not None and role not in found:
            found[role] = i
    if RESULT in found and (REQUEST in found or (HOUSEHOLD in found and TYPE in found)):
        return found
    return None


def _repeated(cells: list[Any], header: Mapping[str, int]) -> list[tuple[str, str, str]]:
    """(role, first header, other header) of each role named by two columns."""
    out = []
    for i, cell in enumerate(cells):
        if _blank(cell):
            continue
        role = _HEADER_INDEX.get(dd.normalise_header(cell))
        if role is not None and header.get(role) != i:
            out.append((role, str(cells[header[role]]).strip(), str(cell).strip()))
    return out


def _read_sheet(source: SheetSource, rows: list[FeedbackRow], issues: list[FeedbackIssue]) -> bool:
    """The answers of one sheet; False when it has no feedback header."""
    sheet = source.sheet
    header: dict[str, int] | None = None
    scanned = 0
    for row_no, cells in source.rows():
        if header is None:
            scanned += 1
            if scanned > HEADER_SCAN_ROWS:
                return False
            header = _header(cells)
            if header is not None:
                for role, first, other in _repeated(cells, header):
                    zh_label, en_label = COLUMN_LABELS[role]
                    issues.append(FeedbackIssue(sheet, row_no, f"columns '{first}' and '{other}' both hold the "
                                                f"{en_label}; remove one",
                                                f"“{first}”列与“{other}”列都是“{zh_label}”，请删去其中一列"))
            continue
        picked = {role: cells[i] if i < len(cells) else None for role, i in header.items()}
        if all(_blank(v) for v in picked.values()):
            continue
        found = _answer(sheet, row_no, picked, issues)
        if found is not None:
            rows.append(found)
    return header is not None


def _read_workbook(path: Path, limits: ReadLimits | None) -> ParsedFeedback:
    sources = open_sources(path, limits)
    rows: list[FeedbackRow] = []
    issues: list[FeedbackIssue] = []
    notices: list[tuple[str, str]] = []
    skipped: list[str] = []
    for source in sources:
        if not _read_sheet(source, rows, issues):
            skipped.append(source.sheet or path.name)
    if len(skipped) == len(sources):
        shown = "、".join(skipped)
        raise BadInput("input.feedback_header",
                       f"No sheet ({', '.join(skipped)}) has a feedback header: a row within the first "
                       f"{HEADER_SCAN_ROWS} naming a result column (审核结果 or 结果) and the request id "
                       "(申请编号) or the household number (户编号) with the change type (变更类型).",
                       f"没有任何工作表（{shown}）含有反馈表头：前 {HEADER_SCAN_ROWS} 行中应有一行包含“审核结果”（或“结果”）列，"
                       "以及“申请编号”列或“户编号”与“变更类型”列。", Where(file=path.name))
    for name in skipped:
        notices.append((f"sheet {name} has no feedback header and was read past",
                        f"工作表“{name}”没有反馈表头，已跳过"))
    kind = sources[0].kind
    rows = _settle(rows, issues)
    return ParsedFeedback(path.name, file_sha256(path), kind, tuple(rows), tuple(issues), tuple(notices))


# --------------------------------------------------------------------------- JSON
_JSON_KEYS = {"format", "format_version", "package", "results"}
_RESULT_KEYS = {REQUEST, HOUSEHOLD, TYPE, RESULT, REASON, PACKAGE}


def _read_json(path: Path) -> ParsedFeedback:
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise BadInput("input.too_large", f"The file is larger than {MAX_JSON_BYTES >> 20} MB.",
                       f"文件超过 {MAX_JSON_BYTES >> 20} MB。", Where(file=path.name))
    data = path.read_bytes()
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput("input.feedback_json", f"The file is not valid JSON (UTF-8): {exc}.",
                       f"文件不是有效的 JSON（UTF-8）：{exc}。", Where(file=path.name)) from None

    def refuse(en: str, zh: str) -> BadInput:
        return BadInput("input.feedback_json", f"Not a povdesk feedback file: {en}.", f"不是反馈文件：{zh}。",
                        Where(file=path.name))

    if not isinstance(doc, dict):
        raise refuse("the top is not an object", "顶层不是对象")
    if doc.get("format") != JSON_FORMAT:
        raise refuse(f'"format" is not "{JSON_FORMAT}"', f"“format”不是“{JSON_FORMAT}”")
    if doc.get("format_version") != JSON_VERSION:
        raise refuse(f'"format_version" is not {JSON_VERSION}', f"“format_version”不是 {JSON_VERSION}")
    extra = sorted(set(doc) - _JSON_KEYS)
    if extra:
        raise refuse(f"unknown keys {', '.join(extra)}", f"含有未知的键 {'、'.join(extra)}")
    results = doc.get("results")
    if not isinstance(results, list):
        raise refuse('"results" is not a list', "“results”不是列表")
    package = doc.get("package")
    if package is not None and not isinstance(package, str):
        raise refuse('"package" is not a text', "“package”不是文本")
    rows: list[FeedbackRow] = []
    issues: list[FeedbackIssue] = []
    for n, item in enumerate(results, start=1):
        if not isinstance(item, dict):
            issues.append(FeedbackIssue(None, n, "the entry is not an object", "该条不是对象"))
            continue
        unknown = sorted(set(item) - _RESULT_KEYS)
        if unknown:
            issues.append(FeedbackIssue(None, n, f"unknown keys {', '.join(unknown)}",
                                        f"含有未知的键 {'、'.join(unknown)}"))
            continue
        cells = {k: v for k, v in item.items() if v is not None}
        if package and PACKAGE not in cells:
            cells[PACKAGE] = package
        found = _answer(None, n, cells, issues)
        if found is not None:
            rows.append(found)
    rows = _settle(rows, issues)
    return ParsedFeedback(path.name, file_sha256(path), "json", tuple(rows), tuple(issues))


def result_label(result: str, lang: str = "zh") -> str:
    zh, en = RESULT_LABELS.get(result, (result, result))
    return en if lang.startswith("en") else zh
