"""Recognise a roster's layout by its header names and turn its rows into households, faithfully.

Headers are matched through the data dictionary (`header_index`), so full-width brackets, spaces,
line breaks and known synonyms all meet; title rows and merged title cells above the header are
skipped. Values go through `values.coerce`: a value that cannot be stored as it is (an ID number a
spreadsheet turned into a float, a code outside its list, an impossible date) is a format error of
its row, and a household with any such row is skipped whole by the importer. Domain problems
(a wrong check digit, an inconsistent family) are not import errors.

What is read but changed on the way is a notice, never silent: control characters removed from a
cell (`values.clean_text`), a member's row that repeats an earlier row of the household exactly
(imported once). The same person number or ID number twice in one household with different
content is an error naming both rows.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import Entity, Field, FieldType
from povdesk.domain.idnumber import well_formed
from povdesk.errors import BadInput, Cancelled, InvalidValue, Where
from povdesk.exchange.readers import ReadLimits, SheetSource, UncomputedFormula, open_sources

#: Entities a roster row can fill; earlier ones win where two fields share a header text.
IMPORTABLE = (Entity.LOCATION, Entity.HOUSEHOLD, Entity.MEMBER, Entity.INCOME, Entity.CONDITIONS)
PERSON = "person"  # domain.md §7 (a)/(c)/(e): one row per member, household facts repeated
HOUSEHOLD = "household"  # §7 (d): one row per household
HEADER_SCAN_ROWS = 30
MIN_HEADERS = 3
#: Rosters exported by older versions carry an apostrophe before = + - @ (`neutralise`); the
#: import removes it (`restore`). Exports now use Excel's quote-prefix style (`povdesk.workbook`).
FORMULA_PREFIX = "'"
FORMULA_STARTS = ("=", "+", "-", "@")
_TEXTUAL = (FieldType.TEXT, FieldType.PHONE, FieldType.ID_NUMBER)


def importable_fields() -> tuple[Field, ...]:
    """Fields a column may be mapped to (the choices of the wizard's mapping combo)."""
    return tuple(f for f in dd.FIELDS if f.entity in IMPORTABLE)


def neutralise(text: str) -> str:
    """Text a spreadsheet will never run as a formula; `restore` gives the original back."""
    return FORMULA_PREFIX + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    if text.startswith(FORMULA_PREFIX) and text[1:2] in FORMULA_STARTS and len(text) > 1:
        return text[1:]
    return text


def field_for_header(header: object) -> Field | None:
    """The importable field a header names, preferring location/household/member/income/conditions."""
    hits = dd.header_index().get(dd.normalise_header(header), ())
    for entity in IMPORTABLE:
        for f in hits:
            if f.entity == entity:
                return f
    return None


# --------------------------------------------------------------------------- header map
@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field_key: str | None
    #: dictionary (matched by name), remembered (a mapping the user saved), unknown, ignored
    source: str


@dataclass(frozen=True)
class HeaderMap:
    source: SheetSource
    header_row: int
    columns: tuple[Column, ...]
    layout: str
    two_rows: bool = False  # the header spans header_row - 1 and header_row

    @property
    def mapped(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field_key)

    @property
    def unknown(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.source == "unknown")

    def has(self, key: str) -> bool:
        return any(c.field_key == key for c in self.columns)

    def keys(self) -> set[str]:
        return {c.field_key for c in self.columns if c.field_key}


def _classify(header: object, mappings: dict[str, str]) -> tuple[str | None, str]:
    norm = dd.normalise_header(header)
    if norm in mappings:
        key = mappings[norm]
        return (key or None), ("remembered" if key else "ignored")
    f = field_for_header(header)
    return (f.key, "dictionary") if f else (None, "unknown")


def read_header(path: str, mappings: dict[str, str] | None = None, *,
                limits: ReadLimits | None = None) -> HeaderMap:
    """Find the header row in the first sheet that has one; BadInput when none is recognisable."""
    hmap, _rows = scan(path, mappings, limits=limits)
    return hmap


def scan(path: str, mappings: dict[str, str] | None = None,
         on_total: Callable[[int], None] | None = None, *, limits: ReadLimits | None = None
         ) -> tuple[HeaderMap, Iterator[tuple[int, list[Any]]]]:
    """The header map and the sheet's rows (header and title rows included), reading the file once."""
    mappings = {dd.normalise_header(k): v for k, v in (mappings or {}).items()}
    sources = open_sources(path, limits)
    any_rows = False
    near: list[tuple[int, HeaderMap]] = []  # headers found without a household number column
    for source in sources:
        rows = source.rows(on_total)
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        any_rows = any_rows or bool(head)
        hmap = _header_in(source, head, mappings, near)
        if hmap is not None:
            return hmap, itertools.chain(head, rows)
    first = sources[0]
    if not any_rows:
        raise BadInput("input.empty_sheet", "The sheet is empty.", "工作表是空的，没有任何数据。",
                       Where(file=first.path.name))
    if near:
        _, hmap = max(near, key=lambda n: n[0])
        found = [c for c in hmap.columns if c.field_key]
        hn = dd.field("household.household_no")
        at = f"{hmap.header_row - 1}–{hmap.header_row}" if hmap.two_rows else str(hmap.header_row)
        raise BadInput("input.no_household_column",
                       f"The header in row {at} names {len(found)} known columns "
                       f"({', '.join(c.header for c in found[:6])}…) but no {hn.zh} ({hn.en}) column; "
                       f"a roster needs one. Add it, or map a column to it.",
                       f"第 {at} 行是表头（已识别 {len(found)} 列：{'、'.join(c.header for c in found[:6])}…），"
                       f"但其中没有“{hn.zh}”列。花名册必须有“{hn.zh}”列，请补上，或把某一列对应为“{hn.zh}”。",
                       Where(file=hmap.source.path.name, row=hmap.header_row))
    hint_en = hint_zh = ""
    if first.kind == "csv" and first.encoding == "gb18030":  # read as GBK: perhaps it was not
        hint_en = (" The text was read as GBK (GB18030); if the file was saved in another encoding "
                   "(Big5, a Windows code page), save it again from Excel as \"CSV UTF-8\".")
        hint_zh = "文件按 GBK（GB18030）编码读取；如果它是用其他编码（如 Big5 繁体）保存的，请在 Excel 中另存为“CSV UTF-8”后再导入。"
    raise BadInput("input.no_header",
                   "No recognisable roster header was found (it needs at least 户编号 and two other "
                   "known column names in one of the first 30 rows, or in two rows one above the other)."
                   + hint_en,
                   "找不到可识别的花名册表头（前 30 行中应有一行，或上下相邻的两行，包含“户编号”及至少两个已知列名）。"
                   + hint_zh,
                   Where(file=first.path.name))


def _header_cells(upper: list[Any] | None, lower: list[Any],
                  mappings: dict[str, str]) -> list[tuple[int, str, str | None, str]] | None:
    """(index, header text, field key, how) of every named column of a header row, or of a header
    over two rows: a column is named by its lower cell, by both cells read as one text (a heading
    broken over two rows), or by its upper cell (a heading merged down over both rows, whose text
    sits in the upper cell only). A group heading above several columns names none of them.
    None when the upper cell names a column whose lower cell holds a value of its own: the lower
    row is then data under a one-row header, not the second row of the header."""
    out = []
    width = max(len(lower), len(upper or ()))
    for i in range(width):
        low = lower[i] if i < len(lower) else None
        up = upper[i] if upper is not None and i < len(upper) else None
        candidates = [c for c in (low, _joined(up, low), up) if not values.is_blank(c)]
        if not candidates:
            continue
        for text in candidates:
            key, how = _classify(text, mappings)
            if key or how == "ignored":
                break
        else:
            text, key, how = candidates[0], None, "unknown"
        if key and text is up and not values.is_blank(low):
            return None  # the upper cell names a column whose lower cell holds something else: data
        out.append((i, " ".join(str(text).split()), key, how))
    return out


def _joined(upper: Any, lower: Any) -> str | None:
    if values.is_blank(upper) or values.is_blank(lower):
        return None
    return f"{str(upper).strip()}{str(lower).strip()}"


def _header_in(source: SheetSource, head: list[tuple[int, list[Any]]], mappings: dict[str, str],
               near: list[tuple[int, HeaderMap]] | None = None) -> HeaderMap | None:
    """The header of one sheet: the row (or two adjacent rows) naming the most known columns.

    Two rows are taken together only when they name more columns than either row alone, so a
    single header row and the data row below it never merge."""
    best: tuple[int, int, bool, list[tuple[int, str, str | None, str]]] | None = None
    previous: tuple[int, list[Any]] | None = None
    for row_no, cells in head:
        single = _header_cells(None, cells, mappings) or []
        hits = sum(1 for c in single if c[2])
        if hits >= MIN_HEADERS and (best is None or hits > best[0]):
            best = (hits, row_no, False, single)
        if previous is not None and previous[0] == row_no - 1:
            both = _header_cells(previous[1], cells, mappings)
            both_hits = sum(1 for c in both or () if c[2])
            upper_hits = sum(1 for c in _header_cells(None, previous[1], mappings) or () if c[2])
            if (both is not None and both_hits >= MIN_HEADERS and both_hits > max(hits, upper_hits)
                    and (best is None or both_hits > best[0])):
                best = (both_hits, row_no, True, both)
        previous = (row_no, cells)
    if best is None:
        return None
    hits, row_no, two_rows, cells_ = best
    columns = tuple(Column(i, header, key, how) for i, header, key, how in cells_)
    hmap = HeaderMap(source, row_no, columns, PERSON, two_rows)
    if not hmap.has("household.household_no"):
        if near is not None:
            near.append((hits, hmap))
        return None
    _check_duplicates(hmap)
    layout = PERSON if hmap.has("member.name") or hmap.has("member.id_number") else HOUSEHOLD
    return HeaderMap(source, row_no, hmap.columns, layout, two_rows)


def _check_duplicates(hmap: HeaderMap) -> None:
    seen: dict[str, Column] = {}
    for c in hmap.columns:
        if not c.field_key:
            continue
        if c.field_key in seen:
            f = dd.field(c.field_key)
            other = seen[c.field_key]
            raise BadInput("input.duplicate_columns",
                           f"Columns '{other.header}' and '{c.header}' both hold {f.en}; remove one.",
                           f"“{other.header}”列与“{c.header}”列都是“{f.zh}”，请删去其中一列。",
                           Where(file=hmap.source.path.name, row=hmap.header_row, column=c.header))
        seen[c.field_key] = c


def require_columns(hmap: HeaderMap) -> None:
    """BadInput naming the columns without which nothing can be imported."""
    needed = ["household.household_no"]
    if hmap.layout == PERSON:
        needed.append("member.name")
    missing = [dd.field(k) for k in needed if not hmap.has(k)]
    if missing:
        raise BadInput("input.missing_columns",
                       "Required columns missing: " + ", ".join(f"{f.zh} ({f.en})" for f in missing),
                       "缺少必需的列：" + "、".join(f.zh for f in missing),
                       Where(file=hmap.source.path.name, row=hmap.header_row))


# --------------------------------------------------------------------------- parsed rows
@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None  # header text as in the file
    col_index: int | None
    household_no: str | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


class _Noted(Exception):  # not an error: a value read, with a note of what was changed
    """A cell's value, read after cleaning; the note (zh, en) says what was changed."""

    def __init__(self, value: Any, zh: str, en: str) -> None:
        super().__init__(en)
        self.value, self.zh, self.en = value, zh, en


class MemberColumns:
    """The member columns of a file, in its order: shared by every `MemberCells` of the file."""

    __slots__ = ("_pickers", "index", "keys")

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.index = {k: i for i, k in enumerate(self.keys)}
        self._pickers: dict[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}

    def picker(self, columns: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        """Cells -> the values of `columns` (None for a column the file lacks), made once."""
        pick = self._pickers.get(columns)
        if pick is None:
            at = [self.index.get(c) for c in columns]
            if columns == self.keys:
                def pick(cells: tuple[Any, ...]) -> tuple[Any, ...]:
                    return cells
            elif len(at) > 1 and None not in at:
                pick = operator.itemgetter(*at)
            else:
                def pick(cells: tuple[Any, ...]) -> tuple[Any, ...]:
                    return tuple(None if i is None else cells[i] for i in at)
            self._pickers[columns] = pick
        return pick


class MemberCells(Mapping[str, Any]):
    """A member's values read cleanly: its cells in one tuple, their column names in the file's
    `MemberColumns`. A dict per member held ~630 bytes more at 21 columns, and a large roster has
    600,000 members."""

    __slots__ = ("cells", "columns")

    def __init__(self, columns: MemberColumns, cells: tuple[Any, ...]) -> None:
        self.columns, self.cells = columns, cells

    def __getitem__(self, key: str) -> Any:
        return self.cells[self.columns.index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self.columns.index.get(key)
        return default if i is None else self.cells[i]

    def __contains__(self, key: object) -> bool:
        return key in self.columns.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns.keys)

    def __len__(self) -> int:
        return len(self.cells)

    def pick(self, columns: tuple[str, ...]) -> tuple[Any, ...]:
        """The values of `columns` in their order, None for a column the file lacks."""
        return self.columns.picker(columns)(self.cells)


def pick(values: Mapping[str, Any], columns: tuple[str, ...]) -> tuple[Any, ...]:
    """A member's values of `columns`, None where it has none."""
    if values.__class__ is MemberCells:
        return values.pick(columns)
    return tuple(map(values.get, columns))


@dataclass(slots=True)  # slots: 600,000 of them in a large roster
class ParsedMember:
    row: int
    #: member column -> typed value (a `MemberCells` when every cell read cleanly, else a dict)
    values: Mapping[str, Any]


@dataclass(slots=True)
class ParsedHousehold:
    household_no: str
    rows: list[int] = field(default_factory=list)
    place: dict[str, Any] = field(default_factory=dict)  # location column -> text
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # entity -> column -> value
    #: field key -> the row that set it, when not the household's first row (most never are)
    value_rows: dict[str, int] = field(default_factory=dict)
    members: list[ParsedMember] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: what was read but changed on the way (control characters removed, duplicate rows merged)
    notices: list[RowError] = field(default_factory=list)
    first_raw: Any = None  # the raw household cells of the first row, once they read cleanly

    @property
    def year(self) -> int | None:
        return self.values.get(Entity.INCOME, {}).get("year")


@dataclass
class ParsedRoster:
    header: HeaderMap
    households: dict[str, ParsedHousehold]
    orphan_errors: list[RowError]  # rows without a household number
    data_rows: int

    @property
    def errors(self) -> list[RowError]:
        out = list(self.orphan_errors)
        for h in self.households.values():
            out.extend(h.errors)
        return sorted(out, key=lambda e: (e.row, e.col_index or 0))

    @property
    def notices(self) -> list[RowError]:
        out = [n for h in self.households.values() for n in h.notices]
        return sorted(out, key=lambda e: (e.row, e.col_index or 0))


_MEMO_TYPES = (FieldType.CODE, FieldType.CODES, FieldType.BOOL, FieldType.INT, FieldType.YEAR,
               FieldType.MONEY, FieldType.NUMBER, FieldType.DATE)


class _Memo(dict[Any, Any]):
    """Raw cell -> coerced value for one repetitive column (codes, flags, money, dates).

    A hit is a plain dict lookup (no Python frame); a miss goes through `values.coerce` once.
    Values that cannot be read are kept apart and raised again each time they are looked up, and
    so are values read only after cleaning (`_Noted`), so that every such cell is reported.
    """

    def __init__(self, f: Field, books: CodeBook) -> None:
        super().__init__()
        self.f = f
        self.books = books
        self.bad: dict[Any, InvalidValue | _Noted] = {}

    def __missing__(self, raw: Any) -> Any:
        bad = self.bad.get(raw)
        if bad is None:
            try:
                if raw.__class__ is str and not raw.isprintable():  # control characters?
                    bad = _cleaned(self.f, raw, lambda text: values.coerce(self.f, text, self.books))
                if bad is None:
                    value = values.coerce(self.f, raw, self.books)
                    if len(self) < 200_000:
                        self[raw] = value
                    return value
            except InvalidValue as exc:
                bad = exc
            except (TypeError, ValueError, OverflowError):
                bad = values._invalid(self.f, raw, "cannot be read", "无法识别")
            if len(self.bad) < 10_000:
                self.bad[raw] = bad
        raise bad.with_traceback(None)


def _cleaned(f: Field, raw: str, convert: Callable[[str], Any]) -> _Noted | None:
    """A text cell holding control characters: None when nothing needed removing, else the value
    read from the cleaned text with a note of what was removed; InvalidValue when refused."""
    cleaned = values.clean_text(f, raw)
    if not cleaned.changed:
        return None
    value = convert(cleaned.text)
    zh, en = cleaned.note(f)
    return _Noted(value, zh, en)


def _coerce(f: Field, raw: Any, books: CodeBook) -> Any:
    """values.coerce, but a formula saved without its value is an error of its cell, never a blank
    (the reader gives it as an UncomputedFormula; it is unhashable, so memos never take it)."""
    if raw.__class__ is UncomputedFormula:
        raise InvalidValue(
            "value.uncomputed_formula",
            f"{f.en}: the formula {raw} has no computed value; open the file in Excel, save it "
            "and import it again",
            f"{f.zh}：公式未计算，请在 Excel 中打开并保存后再导入（{raw}）")
    return values.coerce(f, raw, books)


def _converter(f: Field, books: CodeBook, memos: dict[str, _Memo] | None = None, *,
               fast: bool = False) -> Callable[[Any], Any]:
    """coerce() for one column, remembering answers for the repetitive columns (codes, flags, money).

    Plain text and well-formed 18-character ID numbers take a fast path that gives exactly what
    `values.coerce` gives; everything else goes through it. With `fast`, a repetitive column's
    converter is the memo's own lookup, which raises TypeError for an unhashable raw value: the
    caller then takes the ordinary converter. Converters made with the same `memos` share them.
    """
    coerce = _coerce
    if f.type in (FieldType.TEXT, FieldType.PHONE):
        limit = f.max_length or dd.EXCEL_CELL_LIMIT

        def plain(stripped: str) -> Any:
            if not stripped:
                return None
            text = restore(stripped) if stripped[0] == FORMULA_PREFIX else stripped
            return coerce(f, text, books) if len(text) > limit else text  # too long: refused

        def text(raw: Any) -> Any:
            if raw.__class__ is str:
                stripped = raw.strip()
                if not stripped:
                    return None
                if not stripped.isprintable():  # control characters (or a full-width space)
                    noted = _cleaned(f, stripped, plain)
                    if noted is not None:
                        raise noted
                return plain(stripped)
            return coerce(f, raw, books)
        return text
    if f.type == FieldType.ID_NUMBER:
        def read_id(raw: Any) -> Any:
            if raw.__class__ is str and raw[:1] == FORMULA_PREFIX:
                raw = restore(raw)
            return coerce(f, raw, books)

        def id_number(raw: Any) -> Any:
            if raw.__class__ is str and well_formed(raw):  # already in its normal form
                return raw
            if raw.__class__ is str and not raw.isprintable():
                noted = _cleaned(f, raw, read_id)
                if noted is not None:
                    raise noted
            return read_id(raw)
        return id_number
    if f.type not in _MEMO_TYPES:
        return lambda raw: coerce(f, raw, books)
    memos = {} if memos is None else memos
    memo = memos.get(f.key)
    if memo is None:
        memo = memos[f.key] = _Memo(f, books)
    if fast:
        return memo.__getitem__

    def cached(raw: Any) -> Any:
        try:
            return memo[raw]
        except TypeError:  # unhashable raw value
            return coerce(f, raw, books)
    return cached


def parse_rows(hmap: HeaderMap, rows: Iterable[tuple[int, list[Any]]], books: CodeBook, *,
               progress: Callable[[int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> ParsedRoster:
    """Group the data rows under the header into households, collecting every format error."""
    hh_cols = []
    mem_cols = []
    mem_fast = []
    memos: dict[str, _Memo] = {}
    hn_index = -1
    last = 0
    for c in hmap.mapped:
        f = dd.field(c.field_key or "")
        if f.key == "household.household_no":
            hn_index = c.index
        last = max(last, c.index)
        if f.entity is Entity.MEMBER:
            mem_cols.append((c.index, c.header, f.column, _converter(f, books, memos)))
            mem_fast.append(_converter(f, books, memos, fast=True))
        else:
            hh_cols.append((c.index, c.header, f, f.entity, f.column, f.key, _converter(f, books, memos)))
    hn_convert = _converter(dd.field("household.household_no"), books, memos)
    # a member's cells in one C-level pass: pick the cells, convert each with its column's converter
    mem_keys = tuple(c[2] for c in mem_cols)
    mem_columns = MemberColumns(mem_keys)
    mem_indexes = [c[0] for c in mem_cols]
    member_raw = (operator.itemgetter(*mem_indexes) if len(mem_indexes) > 1
                  else (lambda cells: tuple(cells[i] for i in mem_indexes)))
    call = operator.call
    # a household's first row, when every cell reads: its facts go straight into fresh buckets
    hh_fast = [_converter(f, books, memos, fast=True) for _, _, f, *_ in hh_cols]
    groups: dict[str, list[int]] = {}
    for pos, hc in enumerate(hh_cols):
        groups.setdefault(hc[3], []).append(pos)
    hh_groups = [(entity, [hh_cols[p][4] for p in positions], _picker(positions))
                 for entity, positions in groups.items()]
    name_index = next((c.index for c in hmap.mapped if c.field_key == "member.name"), None)
    name_header = _header(hmap, name_index) if name_index is not None else None
    hh_indexes = [c[0] for c in hh_cols]
    household_raw = (operator.itemgetter(*hh_indexes) if len(hh_indexes) > 1
                     else (lambda cells: tuple(cells[i] for i in hh_indexes)))
    width_needed = last + 1
    person = hmap.layout == PERSON
    households: dict[str, ParsedHousehold] = {}
    orphans: list[RowError] = []
    count = 0
    for row_no, cells in rows:
        if row_no <= hmap.header_row:
            continue
        count += 1
        if count % 2000 == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(count)
        if len(cells) < width_needed:
            cells = [*cells, *([None] * (width_needed - len(cells)))]
        try:
            no = hn_convert(cells[hn_index])
            if no and not (no.isdigit() and no.isascii()):
                values.check_household_no(no)  # InvalidValue: digits only
        except InvalidValue as exc:
            orphans.append(RowError(row_no, _header(hmap, hn_index), hn_index, None, exc.zh, exc.en))
            continue
        except _Noted:  # control characters in a household number: not a household number
            orphans.append(_household_no_error(row_no, hmap, hn_index, cells[hn_index]))
            continue
        if not no:
            if not all(values.is_blank(cells[c.index]) for c in hmap.mapped):
                orphans.append(RowError(row_no, _header(hmap, hn_index), hn_index, None,
                                        "户编号为空，该行无法归户", "Household number is empty"))
            continue
        h = households.get(no)
        raw = household_raw(cells)
        if h is None:
            h = households[no] = ParsedHousehold(no)
        h.rows.append(row_no)
        if len(h.rows) == 1:
            try:
                converted = tuple(map(call, hh_fast, raw))
            except (InvalidValue, TypeError, _Noted):  # cell by cell below, to report each one
                converted = None
            if converted is not None:
                for entity, columns, pick in hh_groups:
                    fresh = dict(zip(columns, pick(converted), strict=True))
                    if entity is Entity.LOCATION:
                        h.place = fresh
                    else:
                        h.values[entity] = fresh
                h.first_raw = raw
        if raw != h.first_raw:  # household facts as on the household's first row: nothing to do
            errors_before = len(h.errors)
            hvalues = h.values
            for index, header, f, entity, column, key, convert in hh_cols:
                try:
                    value = convert(cells[index])
                except InvalidValue as exc:
                    h.errors.append(RowError(row_no, header, index, no, exc.zh, exc.en))
                    continue
                except _Noted as note:
                    value = note.value
                    h.notices.append(RowError(row_no, header, index, no, note.zh, note.en))
                bucket: dict[str, Any] | None
                if entity is Entity.LOCATION:
                    bucket = h.place
                else:
                    bucket = hvalues.get(entity)
                    if bucket is None:
                        bucket = hvalues[entity] = {}
                _household_fact(h, bucket, column, key, value, f, row_no, header, index)
            if len(h.rows) == 1 and len(h.errors) == errors_before:
                h.first_raw = raw  # later rows repeating these cells are skipped (faulty ones never)
        elif not person and len(h.rows) > 1:  # one row per household, and this one again
            h.notices.append(_repeated_row(h, row_no))
        if person:
            try:
                member: dict[str, Any] | MemberCells = MemberCells(
                    mem_columns, tuple(map(call, mem_fast, member_raw(cells))))
            except (InvalidValue, TypeError, _Noted):  # again cell by cell, to report each one
                member = read = {}
                for index, header, column, convert in mem_cols:
                    try:
                        read[column] = convert(cells[index])
                    except InvalidValue as exc:
                        h.errors.append(RowError(row_no, header, index, no, exc.zh, exc.en))
                    except _Noted as note:
                        read[column] = note.value
                        h.notices.append(RowError(row_no, header, index, no, note.zh, note.en))
            if name_index is not None and member.get("name", "") is None:  # blank, not unreadable
                h.errors.append(RowError(row_no, name_header, name_index, no, "姓名为空", "Name is empty"))
            h.members.append(ParsedMember(row_no, member))
    if progress is not None:
        progress(count)
    if person:
        same = _SameMember(hmap, mem_keys)
        for h in households.values():
            if len(h.members) > 1:
                same.check(h)
    return ParsedRoster(hmap, households, orphans, count)


def _household_no_error(row_no: int, hmap: HeaderMap, index: int, raw: Any) -> RowError:
    exc = values._invalid(dd.field("household.household_no"), raw, "must consist of digits only",
                          "只能由数字组成")
    return RowError(row_no, _header(hmap, index), index, None, exc.zh, exc.en)


def _repeated_row(h: ParsedHousehold, row_no: int) -> RowError:
    first = h.rows[0]
    return RowError(row_no, None, None, h.household_no,
                    f"第 {row_no} 行与第 {first} 行完全相同（户编号 {h.household_no} 重复粘贴的行），只导入一次",
                    f"Row {row_no} repeats row {first} exactly (household {h.household_no} pasted "
                    "twice); imported once")


class _SameMember:
    """Rows of one household that list the same member twice.

    A row whose member cells all equal an earlier row's is a pasted duplicate: it is imported once
    and a notice names both rows. The same person number or ID number on two rows whose cells
    differ cannot be told apart: an error naming both rows, so the household is skipped whole.
    """

    def __init__(self, hmap: HeaderMap, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.unique = []
        for key in ("member.person_no", "member.id_number"):
            col = next((c for c in hmap.mapped if c.field_key == key), None)
            if col is not None:
                self.unique.append((dd.field(key), col.header, col.index))

    def check(self, h: ParsedHousehold) -> None:
        seen: dict[tuple[Any, ...], ParsedMember] = {}
        by_value: list[dict[Any, ParsedMember]] = [{} for _ in self.unique]
        kept: list[ParsedMember] = []
        complete = len(self.keys)
        for m in h.members:
            cells = m.values
            # a member read cleanly has every column, in the header's order (a faulty one: not)
            first = seen.setdefault(
                cells.cells if isinstance(cells, MemberCells)
                else tuple(cells.values() if len(cells) == complete else cells.items()), m)
            if first is not m:
                h.notices.append(RowError(
                    m.row, None, None, h.household_no,
                    f"第 {m.row} 行与本户第 {first.row} 行的成员各列完全相同（重复粘贴的行），只导入一次",
                    f"Row {m.row} repeats row {first.row} of the same household in every member "
                    "column (a row pasted twice); imported once"))
                continue
            kept.append(m)
            for k, (f, header, index) in enumerate(self.unique):
                value = cells.get(f.column)
                if value is not None:
                    other = by_value[k].setdefault(value, m)
                    if other is not m:
                        h.errors.append(self._conflict(h, m, other, f, header, index, value))
        h.members = kept

    @staticmethod
    def _conflict(h: ParsedHousehold, m: ParsedMember, other: ParsedMember, f: Field, header: str,
                  index: int, value: Any) -> RowError:
        return RowError(
            m.row, header, index, h.household_no,
            f"{f.zh}“{value}”在本户第 {other.row} 行已出现，两行其他内容不同；同一户中"
            f"{f.zh}不能重复，请删去或改正其中一行",
            f"{f.en} '{value}' is also on row {other.row} of this household, with other "
            f"content; a {f.en.lower()} appears once per household: remove or correct "
            "one of the two rows")


def _picker(positions: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A tuple of the items at `positions` (always a tuple, also for one position)."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    (only,) = positions
    return lambda items: (items[only],)


def _household_fact(h: ParsedHousehold, bucket: dict[str, Any], column: str, key: str, value: Any,
                    f: Field, row_no: int, header: str, index: int) -> None:
    if column not in bucket:
        bucket[column] = value
        if row_no != h.rows[0]:
            h.value_rows[key] = row_no
        return
    old = bucket[column]
    if old == value or (value is None and old is None):
        return
    first = h.value_rows.get(key, h.rows[0])
    if old is None:  # blank on the first rows, given later: take it
        bucket[column] = value
        return
    if value is None:
        return
    h.errors.append(RowError(
        row_no, header, index, h.household_no,
        f"{f.zh}：“{values.display(f, value)}”与本户第 {first} 行的“{values.display(f, old)}”不一致",
        f"{f.en}: '{values.display(f, value, 'en')}' differs from row {first} of the same household "
        f"('{values.display(f, old, 'en')}')"))


def _header(hmap: HeaderMap, index: int) -> str | None:
    for c in hmap.columns:
        if c.index == index:
            return c.header
    return None


def read_roster(path: str, books: CodeBook, *, mappings: dict[str, str] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None, limits: ReadLimits | None = None) -> ParsedRoster:
    """Header detection, required columns and every data row, in one pass over the file."""
    total = [0]

    def on_total(n: int) -> None:
        total[0] = n

    hmap, rows = scan(path, mappings, on_total, limits=limits)
    require_columns(hmap)

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, max(total[0], done))

    roster = parse_rows(hmap, rows, books, progress=tick, cancel=cancel)
    if roster.data_rows == 0:
        raise BadInput("input.no_data", "The sheet has a header but no data rows.",
                       "工作表只有表头，没有数据行。", Where(file=hmap.source.path.name))
    return roster


def iter_file_rows(hmap: HeaderMap) -> Iterator[tuple[int, list[Any]]]:
    """All rows of the sheet the header was found in (for the error report)."""
    return hmap.source.rows()
