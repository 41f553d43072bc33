"""What one household's comparison table (基础信息与帮扶措施对照表) says, as plain text tables.

The builders here are pure: a household record in, a `HouseholdForm` out. The same object is drawn
to PDF (`form_pdf`), written to Excel (`form_xlsx`) and stored as the batch's JSON snapshot, so the
snapshot is exactly what was on paper. Labels come from the data dictionary and code labels from the
office's code book; nothing is retyped here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from povdesk.domain import dictionary as dd
from povdesk.domain import groups, idnumber, values
from povdesk.domain.assessment import (
    INCOME,
    Assessment,
    assess,
    facts_from_detail,
    food_and_clothing,
)
from povdesk.domain.codelists import CodeBook
from povdesk.domain.records import (
    CadreRecord,
    HouseholdDetail,
    MemberRecord,
    ProblemRecord,
    Row,
    YearSettingRecord,
)

FORM_TITLE = "建档立卡贫困户基础信息与帮扶措施对照表"
INDICATORS_TITLE = "“一超”“两不愁三保障”及饮水、用电、广播电视"
CORRECTION = "核实情况/更正"
PAYLOAD_PREFIX = "PD1"
SNAPSHOT_VERSION = 1

# ------------------------------------------------------------------ fields printed, in order
# The field lists are the dictionary's named groups (`domain.groups`); the widths are the form's own.
#: widths of the member table in points of the PDF's 531-point line (序号, the FORM_MEMBERS fields,
#: then the correction column): an 18-digit ID number and a five-character name on one line
MEMBER_WIDTHS = (18, 43, 82, 24, 20, 20, 22, 30, 36, 36, 22, 44, 36, 22, 28, 48)
#: the measures table (the FORM_MEASURES fields, then the correction column)
MEASURE_WIDTHS = (5, 9, 19, 7, 6, 8, 8, 12, 14)
#: the cadres table (the FORM_CADRES fields, then the correction column)
CADRE_WIDTHS = (9, 19, 6, 10, 11, 10, 10, 14)
#: who signs the form: the two cadres who verified it (practice: two people per visit), the date
#: of the visit, then the household head, who confirms what was read out (CONFIRMATION)
HEAD_SIGNATURE = "户主签字或按手印"
SIGNATURES = ("核实人签字(一)", "核实人签字(二)", "核实日期", HEAD_SIGNATURE, "确认日期")
#: the line above the household head's signature
CONFIRMATION = "以上信息已向户主宣读并确认"
#: the verdict column of the indicator table: met, not met, the record does not say
VERDICT_TEXT = {True: "达标", False: "未达标", None: "待核实"}


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative weight within the table
    align: str = "left"  # left, center, right
    correction: bool = False  # the empty column written in by hand


@dataclass(frozen=True)
class FormTable:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    #: key-value tables pair (label, value, correction) cells; labels are shaded
    key_value: bool = False


@dataclass(frozen=True)
class FormSection:
    title: str
    tables: tuple[FormTable, ...]


@dataclass(frozen=True)
class FormOptions:
    """What the office chose for this print run: the data year's settings (the office's, from
    `YearSettingsService`) and whether ID numbers are masked."""

    settings: YearSettingRecord
    mask_ids: bool = False

    @property
    def year(self) -> int:
        return self.settings.year

    @property
    def age_date(self) -> dt.date:
        """Ages are printed as on the year's reference date (the assessment's date too)."""
        return self.settings.reference_date


@dataclass(frozen=True)
class HouseholdForm:
    """One household's form: the header, the sections and the keys that find it again."""

    household_id: int
    household_no: str
    version: int
    batch_id: int
    serial: str
    year: int
    header: tuple[tuple[str, str], ...]
    sections: tuple[FormSection, ...]
    village_code: str = ""
    village: str = ""
    township: str = ""
    group_name: str = ""
    head_name: str = ""
    members: int = 0
    status: str = ""
    open_problems: int = 0
    signatures: tuple[str, ...] = SIGNATURES
    title: str = FORM_TITLE

    @property
    def payload(self) -> str:
        return form_payload(self.batch_id, self.household_no, self.version)

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready copy of everything printed (stored with the batch item)."""
        return {
            "snapshot_version": SNAPSHOT_VERSION,
            "household_id": self.household_id, "household_no": self.household_no,
            "version": self.version, "batch_id": self.batch_id, "serial": self.serial,
            "year": self.year, "title": self.title,
            "header": [list(p) for p in self.header],
            "sections": [{"title": s.title, "tables": [_table_json(t) for t in s.tables]}
                         for s in self.sections],
            "village_code": self.village_code, "village": self.village, "township": self.township,
            "group_name": self.group_name, "head_name": self.head_name, "members": self.members,
            "status": self.status, "open_problems": self.open_problems,
            "signatures": list(self.signatures), "payload": self.payload,
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> HouseholdForm:
        sections = tuple(
            FormSection(s["title"], tuple(
                FormTable(t["key"], t["title"],
                          tuple(Column(c["title"], c["width"], c["align"], c["correction"])
                                for c in t["columns"]),
                          tuple(tuple(r) for r in t["rows"]), t.get("key_value", False))
                for t in s["tables"]))
            for s in data["sections"])
        return cls(
            household_id=data["household_id"], household_no=data["household_no"],
            version=data["version"], batch_id=data["batch_id"], serial=data["serial"],
            year=data["year"], header=tuple((a, b) for a, b in data["header"]), sections=sections,
            village_code=data.get("village_code", ""), village=data.get("village", ""),
            township=data.get("township", ""), group_name=data.get("group_name", ""),
            head_name=data.get("head_name", ""), members=data.get("members", 0),
            status=data.get("status", ""), open_problems=data.get("open_problems", 0),
            signatures=tuple(data.get("signatures", SIGNATURES)), title=data.get("title", FORM_TITLE))

    def table(self, key: str) -> FormTable | None:
        return next((t for s in self.sections for t in s.tables if t.key == key), None)

    def texts(self) -> Iterable[str]:
        """Every printed string (benchmarks and searches)."""
        for a, b in self.header:
            yield a
            yield b
        for s in self.sections:
            yield s.title
            for t in s.tables:
                yield t.title
                for c in t.columns:
                    yield c.title
                for r in t.rows:
                    yield from r


def as_text(form: HouseholdForm) -> str:
    """The form as plain lines (command line and the window's lookup), correction cells left out."""
    lines = [form.title]
    lines += [f"  {label}：{value}" for label, value in form.header]
    for section in form.sections:
        lines.append(section.title)
        for table in section.tables:
            if table.title:
                lines.append(f"  [{table.title}]")
            keep = [k for k, c in enumerate(table.columns) if not c.correction]
            if not table.key_value:
                lines.append("  " + " | ".join(table.columns[k].title for k in keep))
            for row in table.rows:
                lines.append("  " + " | ".join(row[k] for k in keep))
    return "\n".join(lines)


def _table_json(t: FormTable) -> dict[str, Any]:
    return {"key": t.key, "title": t.title, "key_value": t.key_value,
            "columns": [{"title": c.title, "width": c.width, "align": c.align,
                         "correction": c.correction} for c in t.columns],
            "rows": [list(r) for r in t.rows]}


# ------------------------------------------------------------------ payload (QR and scanner)
_MAX_ID = 2**31 - 1
_PAYLOAD_RE = re.compile(rf"^\s*{PAYLOAD_PREFIX}-B(\d+)-H([0-9A-Za-z]+)-V(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class FormKey:
    batch_id: int
    household_no: str
    version: int


def form_payload(batch_id: int, household_no: str, version: int) -> str:
    """Short, upper-case text (QR alphanumeric mode) a keyboard-wedge scanner types back."""
    return f"{PAYLOAD_PREFIX}-B{batch_id}-H{household_no}-V{version}"


def parse_payload(text: str) -> FormKey | None:
    m = _PAYLOAD_RE.match(text or "")
    if not m:
        return None
    batch_id, version = int(m[1]), int(m[3])
    if batch_id > _MAX_ID or version > _MAX_ID:  # no batch or version gets there (32-bit columns)
        return None
    return FormKey(batch_id, m[2].upper(), version)


def form_serial(batch_id: int, sequence: int) -> str:
    return f"B{batch_id}-{sequence:04d}"


# ------------------------------------------------------------------ small pure helpers
def mask_id(number: str | None) -> str:
    """Keep the region (6) and the last 4 characters: 513437********123X."""
    if not number:
        return ""
    if len(number) <= 10:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def short_label(f: dd.Field) -> str:
    """A column header for a yes/no field: its label without 是否参加 / 是否享受 / 是否."""
    for prefix in ("是否参加", "是否享受", "是否接受", "是否"):
        if f.zh.startswith(prefix) and len(f.zh) > len(prefix):
            return f.zh[len(prefix):]
    return f.zh


def _show(key: str, value: Any, books: CodeBook, *, mask: bool = False) -> str:
    f = dd.field(key)
    if f.type == dd.FieldType.ID_NUMBER and mask:
        return mask_id(value)
    return values.display(f, value, "zh", books)


def age(member: Row, on: dt.date) -> str:
    """The member's age as the rules take it (the recorded birth date, else the ID number's)."""
    born = idnumber.birth_of(member["birth_date"], member["id_number"])
    return "" if born is None else str(idnumber.age_on(born, on))


def key_value_table(key: str, title: str, pairs: Sequence[tuple[str, str]], *,
                    per_row: int = 2) -> FormTable:
    """Pairs laid out `per_row` to a line, each with its own empty correction cell."""
    columns: list[Column] = []
    for _ in range(per_row):
        columns += [Column("项目", 10.5), Column("登记内容", 11), Column(CORRECTION, 11.5, correction=True)]
    rows = []
    for i in range(0, len(pairs), per_row):
        row: list[str] = []
        for label, value in pairs[i:i + per_row]:
            row += [label, value, ""]
        row += [""] * (3 * per_row - len(row))
        rows.append(tuple(row))
    return FormTable(key, title, tuple(columns), tuple(rows), key_value=True)


def _pairs(keys: Iterable[str], row: Row | None, books: CodeBook, *, mask: bool = False
           ) -> list[tuple[str, str]]:
    out = []
    for key in keys:
        f = dd.field(key)
        value = row[f.column] if row is not None else None
        out.append((f.label_with_unit("zh"), _show(key, value, books, mask=mask)))
    return out


# ------------------------------------------------------------------ the tables
def header_pairs(detail: HouseholdDetail, books: CodeBook, serial: str) -> tuple[tuple[str, str], ...]:
    loc = detail.location
    by_location = {"location.county": loc.county, "location.township": loc.township,
                   "location.village": loc.village}
    pairs = []
    for key in groups.FORM_HEADER:
        f = dd.field(key)
        value = by_location[key] if key in by_location else _show(key, detail.household[f.column], books)
        pairs.append((f.zh, value or ""))
    pairs.append(("表单编号", serial))
    return tuple(pairs)


def facts_table(detail: HouseholdDetail, books: CodeBook, opts: FormOptions) -> FormTable:
    return key_value_table("facts", groups.FORM_FACTS.zh,
                           _pairs(groups.FORM_FACTS, detail.household, books, mask=opts.mask_ids))


def member_rows(members: Sequence[MemberRecord], books: CodeBook, opts: FormOptions
                ) -> list[tuple[str, ...]]:
    rows = []
    for n, m in enumerate(members, start=1):
        row = [str(n)]
        for key in groups.FORM_MEMBERS:
            if key == groups.AGE:
                row.append(age(m, opts.age_date))
            else:
                row.append(_show(key, m[dd.field(key).column], books, mask=opts.mask_ids))
        row.append("")
        rows.append(tuple(row))
    return rows


def members_table(detail: HouseholdDetail, books: CodeBook, opts: FormOptions) -> FormTable:
    titles = ["序号"] + [f.zh for f in groups.FORM_MEMBERS.fields] + [CORRECTION]
    aligns = {"序号": "center", "性别": "center", "年龄": "center", dd.field("member.work_months").zh: "center",
              dd.field("member.disability_grade").zh: "center"}
    columns = tuple(Column(t, w, aligns.get(t, "left"), correction=t == CORRECTION)
                    for t, w in zip(titles, MEMBER_WIDTHS, strict=True))
    title = f"{groups.FORM_MEMBERS.zh}(在册；年龄计算至 {opts.age_date:%Y年%m月%d日})"
    return FormTable("members", title, columns, tuple(member_rows(detail.current_members, books, opts)))


def insurance_table(detail: HouseholdDetail, books: CodeBook) -> FormTable:
    fs = groups.FORM_INSURANCE.fields
    columns = (Column(dd.field("member.name").zh, 9), *(Column(short_label(f), 6.5, "center") for f in fs),
               Column(CORRECTION, 16, correction=True))
    rows = tuple((m["name"] or "", *(values.display(f, m[f.column], "zh", books) for f in fs), "")
                 for m in detail.current_members)
    return FormTable("insurance", groups.FORM_INSURANCE.zh, columns, rows)


def decreased_table(detail: HouseholdDetail, books: CodeBook, opts: FormOptions) -> FormTable | None:
    gone = [m for m in detail.members if not m.current]
    if not gone:
        return None
    keys = groups.FORM_DECREASED
    columns = (*(Column(dd.field(k).zh, w) for k, w in zip(keys, (9, 16, 7, 7, 14, 9), strict=True)),
               Column(CORRECTION, 16, correction=True))
    rows = tuple((*(_show(k, m[dd.field(k).column], books, mask=opts.mask_ids) for k in keys), "")
                 for m in gone)
    return FormTable("decreased", keys.zh, columns, rows)


def assessment_of(detail: HouseholdDetail, books: CodeBook, opts: FormOptions) -> Assessment:
    """The household held to the year's settings by the one assessment (domain/assessment.py)."""
    return assess(facts_from_detail(detail, opts.year, opts.age_date), opts.settings, books)


def indicator_rows(detail: HouseholdDetail, books: CodeBook, opts: FormOptions,
                   assessment: Assessment | None = None) -> list[tuple[str, str, str, str, str]]:
    """一超, 两不愁 and the 三保障 (and 六有) rows as the assessment judges them: the indicator, the
    standard it is held to (验收标准), the recorded values behind the verdict (which say why when it
    is not met), 达标 / 未达标 / 待核实 (the record does not say) and the correction cell."""
    result = assessment or assessment_of(detail, books, opts)
    verdicts = list(result.verdicts)
    at = next((k + 1 for k, v in enumerate(verdicts) if v.key == INCOME), 0)
    verdicts.insert(at, food_and_clothing())  # 两不愁 right after 一超, as the standard reads
    return [(v.title_zh, v.standard_zh, v.basis_zh, VERDICT_TEXT[v.met], "") for v in verdicts]


def indicators_table(detail: HouseholdDetail, books: CodeBook, opts: FormOptions,
                     assessment: Assessment | None = None) -> FormTable:
    columns = (Column("指标", 17), Column("验收标准", 29), Column("登记情况(未达标原因)", 33),
               Column("达标情况", 8, "center"), Column(CORRECTION, 22, correction=True))
    return FormTable("indicators", INDICATORS_TITLE, columns, tuple(indicator_rows(detail, books, opts, assessment)))


def measure_rows(detail: HouseholdDetail, books: CodeBook) -> list[tuple[str, ...]]:
    names = {m.id: m["name"] or "" for m in detail.members}
    ordered = sorted(detail.measures, key=lambda r: (str(r["category"] or ""), r["year"] or 0, r.id))
    rows = []
    for r in ordered:
        row = []
        for key in groups.FORM_MEASURES:
            if key == groups.BENEFICIARY:
                row.append(names.get(r["member_id"], "全户") if r["member_id"] else "全户")
                continue
            f = dd.field(key)
            text = _show(key, r[f.column], books)
            if key == "measure.quantity" and text and r["unit"]:
                text += str(r["unit"])
            row.append(text)
        row.append("")
        rows.append(tuple(row))
    return rows


def measures_table(detail: HouseholdDetail, books: CodeBook) -> FormTable:
    titles = [f.label_with_unit("zh") for f in groups.FORM_MEASURES.fields]
    aligns = {"measure.amount": "right", "measure.year": "center", "measure.quantity": "right",
              "measure.benefit": "right"}
    columns = tuple(Column(t, w, aligns.get(k, "left")) for t, w, k in
                    zip(titles, MEASURE_WIDTHS, groups.FORM_MEASURES, strict=False))
    columns += (Column(CORRECTION, MEASURE_WIDTHS[-1], correction=True),)
    rows = measure_rows(detail, books)
    if not rows:
        rows = [("", "", "(未登记帮扶措施)", *[""] * (len(columns) - 3))]
    return FormTable("measures", f"{groups.FORM_MEASURES.zh}(按类别、年度)", columns, tuple(rows))


def cadre_rows(detail: HouseholdDetail, books: CodeBook) -> list[tuple[str, ...]]:
    """The household's cadres, the current ones first (no end date: 至今), then the earlier ones,
    latest first, each with the dates of its pairing."""
    def order(c: CadreRecord) -> tuple[bool, int]:
        start = c.pairing_start.toordinal() if c.pairing_start is not None else 0
        return (c.pairing_end is not None, -start)

    rows = []
    for c in sorted(detail.cadres, key=order):
        row = []
        for key in groups.FORM_CADRES:
            f = dd.field(key)
            if key == "pairing.start_date":
                row.append(_show(key, c.pairing_start, books))
            elif key == "pairing.end_date":
                row.append(_show(key, c.pairing_end, books) if c.pairing_end is not None else "至今")
            else:
                row.append(_show(key, c[f.column], books))
        rows.append((*row, ""))
    return rows


def cadre_table(detail: HouseholdDetail, books: CodeBook) -> FormTable:
    columns = tuple(Column(f.zh, w) for f, w in zip(groups.FORM_CADRES.fields, CADRE_WIDTHS, strict=False))
    columns += (Column(CORRECTION, CADRE_WIDTHS[-1], correction=True),)
    rows = cadre_rows(detail, books)
    if not rows:
        rows.append(("(未登记)", *[""] * (len(columns) - 1)))
    return FormTable("cadres", f"{groups.FORM_CADRES.zh}(现任及历任)", columns, tuple(rows))


def problems_table(problems: Sequence[ProblemRecord]) -> FormTable | None:
    if not problems:
        return None
    columns = (Column("序号", 4, "center"), Column("问题", 52), Column("涉及成员", 12),
               Column(CORRECTION, 32, correction=True))
    rows = tuple((str(n), p.message_zh, p.member_name or "全户", "")
                 for n, p in enumerate(problems, start=1))
    return FormTable("problems", "", columns, rows)


def build_form(detail: HouseholdDetail, *, problems: Sequence[ProblemRecord] = (), books: CodeBook,
               opts: FormOptions, batch_id: int, serial: str) -> HouseholdForm:
    """The whole form of one household, ready to draw, write or store."""
    h = detail.household
    sections: list[FormSection] = []
    ptable = problems_table(problems)
    if ptable is not None:
        sections.append(FormSection("请重点核实", (ptable,)))
    basic = [facts_table(detail, books, opts), members_table(detail, books, opts),
             insurance_table(detail, books)]
    gone = decreased_table(detail, books, opts)
    if gone is not None:
        basic.append(gone)
    sections.append(FormSection("一、基础信息", tuple(basic)))
    income = detail.income_for(opts.year)
    cond = detail.conditions_for(opts.year)
    sections.append(FormSection(f"二、收入与生活条件({opts.year}年度)", (
        key_value_table("income", groups.FORM_INCOME.zh, _pairs(groups.FORM_INCOME, income, books)),
        indicators_table(detail, books, opts),
        key_value_table("conditions", groups.FORM_CONDITIONS.zh,
                        _pairs(groups.FORM_CONDITIONS, cond, books)),
    )))
    sections.append(FormSection("三、帮扶措施及帮扶责任人", (measures_table(detail, books),
                                                     cadre_table(detail, books))))
    loc = detail.location
    return HouseholdForm(
        household_id=detail.household.id, household_no=str(h["household_no"]),
        version=detail.version, batch_id=batch_id, serial=serial, year=opts.year,
        header=header_pairs(detail, books, serial), sections=tuple(sections),
        village_code=loc.village_code, village=loc.village, township=loc.township,
        group_name=h["group_name"] or "", head_name=h["head_name"] or "",
        members=len(detail.current_members),
        status=_show("household.status", h["status"], books), open_problems=len(problems))


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_GROUP_NUMBER = re.compile(r"^(?:第)?([0-9]+|[零一二两三四五六七八九十]+)")


def group_key(name: str | None) -> tuple[int, str]:
    """Villager groups in their number order: 一组, 二组 … 十组, 十一组 (then the named ones)."""
    text = (name or "").strip()
    m = _GROUP_NUMBER.match(text)
    if not m:
        return (10_000, text)
    token = m[1]
    if token.isdigit():
        return (int(token), text)
    if "十" in token:
        tens, _, units = token.partition("十")
        value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    else:
        value = 0
        for ch in token:
            value = value * 10 + _CN_DIGITS[ch]
    return (value, text)


def sort_key(form: HouseholdForm) -> tuple[str, tuple[int, str], str]:
    """Village, villager group (by number), household number: the order the team walks the village."""
    return (form.village_code, group_key(form.group_name), form.household_no)


@dataclass(frozen=True)
class BatchInfo:
    """What the cover lists and page footers say about the print run."""

    batch_id: int
    printed_at: dt.datetime
    user: str
    year: int
    params_text: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
