"""The household registry: navigate, list, search, read and edit, with every edit journalled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    SQLColumnExpression,
    and_,
    false,
    func,
    null,
    or_,
    select,
    union,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.orm import Session

from povdesk.db import columns
from povdesk.db.fast import first_column
from povdesk.db.models import (
    MEMBER_CURRENT,
    MEMBER_DECREASED,
    Cadre,
    ChangeLog,
    Conditions,
    County,
    Household,
    Income,
    Member,
    Pairing,
    Problem,
    SearchKey,
    Township,
    Village,
)
from povdesk.domain import dictionary as dd
from povdesk.domain import groups, idnumber, pinyin, values
from povdesk.domain.assessment import Assessment, assess, facts_from_detail
from povdesk.domain.dictionary import Entity, FieldType
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.domain.meanings import is_head
from povdesk.domain.records import (
    CadreRecord,
    ChangeRecord,
    CountyNode,
    HouseholdDetail,
    HouseholdRow,
    Location,
    MemberRecord,
    Row,
    TownshipNode,
    VillageNode,
    frozen_map,
)
from povdesk.domain.resolutions import OPEN as PROBLEM_OPEN
from povdesk.errors import Conflict, InvalidValue, NotFound
from povdesk.services.conflicts import check_version
from povdesk.services.database import Database
from povdesk.services.settings import YearSettingsService

#: Columns the household table can sort by: the household list's columns (`groups.HOUSEHOLD_LIST`).
SORT_KEYS = groups.HOUSEHOLD_LIST.columns
#: List columns ordered by something other than the text shown: a place by its order, not its name.
_PLACE_ORDER = {"location.township": Village.township_id, "location.village": Village.code}


#: `HouseholdFilter.monitoring_type` for a household with either monitoring marker.
ANY_MARKER = "*"


@dataclass(frozen=True)
class HouseholdFilter:
    """Which households a list shows, besides the search text: what the filter bar sets and what a
    dashboard's drill-down asks for (`HouseholdQuery.filtered(f)`). None/False: no condition.

    `status`, `attribute`, `monitoring_type` are codes of their code lists (`monitoring_type`
    `ANY_MARKER`: either marker); `open_problems` keeps households with an open problem, narrowed
    by `problem_rule` and `problem_severity` (either one alone implies it); `include_inactive`
    shows cancelled households too. `exit_year` and `household_ids` come from a dashboard figure
    (the year's exits; the households not meeting an indicator) and have no place in the bar."""

    township_id: int | None = None
    village_id: int | None = None
    status: str | None = None
    attribute: str | None = None
    monitoring_type: str | None = None
    open_problems: bool = False
    problem_rule: str | None = None
    problem_severity: str | None = None
    include_inactive: bool = False
    exit_year: int | None = None
    household_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class HouseholdQuery:
    """Which households the table shows: a place, a search text, the filters; and the order."""

    township_id: int | None = None
    village_id: int | None = None
    text: str = ""
    status: str | None = None
    include_inactive: bool = False
    sort: str = "household_no"
    descending: bool = False
    attribute: str | None = None
    monitoring_type: str | None = None
    open_problems: bool = False
    problem_rule: str | None = None
    problem_severity: str | None = None
    exit_year: int | None = None
    household_ids: tuple[int, ...] | None = None

    @property
    def filter(self) -> HouseholdFilter:
        """The query's criteria besides text and order."""
        return HouseholdFilter(**{f.name: getattr(self, f.name) for f in fields(HouseholdFilter)})

    def filtered(self, f: HouseholdFilter) -> HouseholdQuery:
        """This query (text, order) with the criteria of `f` instead of its own."""
        return replace(self, **{x.name: getattr(f, x.name) for x in fields(HouseholdFilter)})


def row_of(obj: Any, entity: Entity, *extra: str) -> dict[str, Any]:
    cols = [f.column for f in dd.fields_of(entity)]
    return {c: getattr(obj, c, None) for c in (*cols, *extra)}


def _member_count() -> ScalarSelect[int]:
    return (select(func.count(Member.id))
            .where(Member.household_id == Household.id, Member.current)
            .correlate(Household).scalar_subquery())


def detail_of(h: Household, history: tuple[ChangeRecord, ...] = ()) -> HouseholdDetail:
    """The plain record of a loaded household and everything it owns (shared with printing)."""
    v = h.village
    t = v.township
    c = t.county
    loc = Location(c.code, c.name, t.code, t.name, v.code, v.name, v.synthetic)
    household = Row(h.id, frozen_map(row_of(h, Entity.HOUSEHOLD, "version", "active",
                                               "cancel_reason", "cancel_date", "village_id")))
    members = tuple(MemberRecord(m.id, frozen_map(row_of(m, Entity.MEMBER, "sort_order")), h.id)
                    for m in h.members)
    incomes = tuple(Row(i.id, frozen_map(row_of(i, Entity.INCOME))) for i in h.incomes)
    conds = tuple(Row(x.id, frozen_map(row_of(x, Entity.CONDITIONS, "year"))) for x in h.conditions)
    measures = tuple(Row(m.id, frozen_map(row_of(m, Entity.MEASURE, "member_id", "extra")))
                     for m in sorted(h.measures, key=lambda m: (m.year, m.category, m.id)))
    cadres = tuple(CadreRecord(p.cadre.id, frozen_map(row_of(p.cadre, Entity.CADRE)), p.start_date,
                               p.end_date) for p in h.pairings if p.valid)
    return HouseholdDetail(household, loc, members, incomes, conds, measures, cadres, history)


def _income_of_year(column: Any, year: int) -> ColumnElement[Any]:
    """The data year's value of an income column for the household (NULL without an income row)."""
    return (select(column)
            .where(Income.household_id == Household.id, Income.year == year)
            .correlate(Household).scalar_subquery())


class RegistryService:
    def __init__(self, *, db: Database, year_settings: YearSettingsService | None = None) -> None:
        self.db = db
        self.year_settings = year_settings or YearSettingsService(db=db)

    # ------------------------------------------------------------------ navigation
    def navigator(self) -> list[CountyNode]:
        """County → township → village with household and current-member counts."""
        with self.db.reading() as s:
            hh = dict(s.execute(select(Household.village_id, func.count(Household.id))
                                .where(Household.active.is_(True)).group_by(Household.village_id)).all())
            mm = dict(s.execute(
                select(Household.village_id, func.count(Member.id))
                .join(Member, Member.household_id == Household.id)
                .where(Household.active.is_(True), Member.current)
                .group_by(Household.village_id)).all())
            rows = s.execute(
                select(County.code, County.name, Township.id, Township.code, Township.name,
                       Village.id, Village.code, Village.name, Village.synthetic)
                .select_from(County)
                .outerjoin(Township, Township.county_id == County.id)
                .outerjoin(Village, Village.township_id == Township.id)
                .order_by(County.code, Township.code, Village.code)).all()
        # One query for the whole tree, grouped here (a query per township made start-up slow).
        counties: list[CountyNode] = []
        towns: dict[str, list[TownshipNode]] = {}
        villages: dict[int, list[VillageNode]] = {}
        names: dict[str, str] = {}
        town_info: dict[int, tuple[str, str, str]] = {}
        for c_code, c_name, t_id, t_code, t_name, v_id, v_code, v_name, v_synth in rows:
            names.setdefault(c_code, c_name)
            towns.setdefault(c_code, [])
            if t_id is None:
                continue
            town_info.setdefault(t_id, (c_code, t_code, t_name))
            bucket = villages.setdefault(t_id, [])
            if v_id is not None:
                bucket.append(VillageNode(v_id, v_code, v_name, hh.get(v_id, 0), mm.get(v_id, 0), v_synth))
        for t_id, (c_code, t_code, t_name) in town_info.items():
            towns[c_code].append(TownshipNode(t_id, t_code, t_name, tuple(villages[t_id])))
        for c_code, c_name in names.items():
            counties.append(CountyNode(c_code, c_name, tuple(towns[c_code])))
        return counties

    # ------------------------------------------------------------------ listing and search
    def _filtered(self, q: HouseholdQuery, *, places: bool = True) -> Select[int]:
        """The households `q` selects; `places`: with the village joined (a township filter joins
        it in any case), for a sort by place or a caller's columns."""
        stmt = select(Household.id)
        if places or (q.village_id is None and q.township_id is not None):
            stmt = stmt.join(Village, Village.id == Household.village_id)
        if not q.include_inactive:
            stmt = stmt.where(Household.active.is_(True))
        if q.village_id is not None:
            stmt = stmt.where(Household.village_id == q.village_id)
        elif q.township_id is not None:
            stmt = stmt.where(Village.township_id == q.township_id)
        if q.status:
            stmt = stmt.where(Household.status == q.status)
        if q.attribute:
            stmt = stmt.where(Household.attribute == q.attribute)
        if q.monitoring_type == ANY_MARKER:
            stmt = stmt.where(Household.monitoring_type.is_not(None), Household.monitoring_type != "")
        elif q.monitoring_type:
            stmt = stmt.where(Household.monitoring_type == q.monitoring_type)
        if q.open_problems or q.problem_rule or q.problem_severity:
            problem = select(Problem.household_id).where(Problem.status == PROBLEM_OPEN)
            if q.problem_rule:
                problem = problem.where(Problem.rule == q.problem_rule)
            if q.problem_severity:
                problem = problem.where(Problem.severity == q.problem_severity)
            stmt = stmt.where(Household.id.in_(problem))
        if q.exit_year is not None:
            stmt = stmt.where(Household.exit_year == q.exit_year)
        if q.household_ids is not None:
            stmt = stmt.where(Household.id.in_(q.household_ids))
        text = q.text.strip()
        if text:
            stmt = stmt.where(self._search_clause(text))
        return stmt

    #: An ID-number start matching at least this many members is broad (a county code matches
    #: everyone): then each household is tested with EXISTS instead of collecting every member.
    BROAD_SEARCH = 5_000

    @staticmethod
    def _key_branches(text: str, within: Sequence[int] | None = None,
                      starts: bool = True) -> list[Select[int, int | None]]:
        """(household id, member id) of every household a search text finds: any part of a name in
        Chinese, pinyin or initials; an ID number's or a household number's start or tail. Each
        branch is a range of one index (`search_key`, the ID number, the household number);
        `within`: only these households; `starts`: with the branches of the numbers' starts."""
        id_form = idnumber.key(text)
        branches: list[Select[int, int | None]] = []
        for prefix in pinyin.query_prefixes(text, id_form):
            branches.append(select(SearchKey.household_id, SearchKey.member_id)
                            .where(SearchKey.key >= prefix, SearchKey.key < prefix + "\uffff"))
        if id_form[:1].isdigit() and starts:  # the start of an ID number or a household number
            branches.append(select(Member.household_id, Member.id)
                            .where(Member.id_number >= id_form, Member.id_number < id_form + "\uffff"))
            branches.append(select(Household.id, sa_cast(null(), Integer))
                            .where(Household.household_no >= text, Household.household_no < text + "\uffff"))
        if within is not None:
            branches = [b.where(b.selected_columns[0].in_(list(within))) for b in branches]
        return branches

    def _search_clause(self, text: str) -> ColumnElement[bool]:
        id_form = idnumber.key(text)
        broad = False
        if id_form[:1].isdigit():
            probe = (select(Member.id).where(Member.id_number >= id_form, Member.id_number < id_form + "\uffff")
                     .limit(self.BROAD_SEARCH).subquery())
            with self.db.reading() as s:
                broad = (s.scalar(select(func.count()).select_from(probe)) or 0) >= self.BROAD_SEARCH
        ids = [b.with_only_columns(b.selected_columns[0]) for b in self._key_branches(text, starts=not broad)]
        found = Household.id.in_(union(*ids) if len(ids) > 1 else ids[0]) if ids else false()
        if not broad:
            return found
        member_starts = (select(Member.id).where(Member.household_id == Household.id, Member.id_number >= id_form,
                                                 Member.id_number < id_form + "\uffff").exists())
        return or_(member_starts, and_(Household.household_no >= text, Household.household_no < text + "\uffff"),
                   found)

    def search_matches(self, ids: Sequence[int], text: str) -> dict[int, tuple[str, ...]]:
        """For households of `ids` the search `text` found by members other than the head, the
        names of those members. A household found by its head (name, pinyin, ID number) or by its
        own number is left out: the list's row already shows why it was found."""
        text = text.strip()
        if not ids or not text:
            return {}
        found = union(*self._key_branches(text, within=ids)).subquery()
        stmt = (select(found.c[0], Member.name, Household.head_name)
                .select_from(found)
                .join(Household, Household.id == found.c[0])
                .outerjoin(Member, Member.id == found.c[1])
                .order_by(found.c[0], Member.sort_order, Member.id))
        out: dict[int, list[str]] = {}
        plain: set[int] = set()
        with self.db.reading() as s:
            for hid, name, head in s.execute(stmt):
                if name is None or name == head:
                    plain.add(hid)
                    continue
                names = out.setdefault(hid, [])
                if name not in names:
                    names.append(name)
        return {h: tuple(n) for h, n in out.items() if h not in plain}

    def household_ids(self, q: HouseholdQuery = HouseholdQuery()) -> list[int]:
        """The ordered ids of every household the query selects (the table pages rows from these)."""
        by_column = {groups.column(k): k for k in groups.HOUSEHOLD_LIST}
        sort = by_column.get(q.sort, "household.household_no")
        stmt = self._filtered(q, places=sort in _PLACE_ORDER)
        key = self._sort_expression(sort)
        order = key.desc() if q.descending else key.asc()
        if sort == "household.household_no":  # unique: no two households tie
            stmt = stmt.order_by(order)
        else:
            stmt = stmt.order_by(order, Household.head_name, Household.household_no)
        with self.db.reading() as s:
            # a whole county's ids straight from the driver: SQLAlchemy's rows took most of the time
            return first_column(s.connection(), stmt)

    def household_rows(self, ids: Sequence[int]) -> list[HouseholdRow]:
        """Table rows for these ids, in the order given (missing ids are left out)."""
        if not ids:
            return []
        year = self.db.data_year
        keys = groups.HOUSEHOLD_LIST.keys
        text = [groups.field(k).type == FieldType.TEXT for k in keys]
        stmt = (
            select(Household.id, Household.version, *(self._list_column(k) for k in keys))
            .join(Village, Village.id == Household.village_id)
            .join(Township, Township.id == Village.township_id)
            .outerjoin(Income, and_(Income.household_id == Household.id, Income.year == year))
            .where(Household.id.in_(list(ids)))
        )
        found: dict[int, HouseholdRow] = {}
        with self.db.reading() as s:
            for hid, version, *cells in s.execute(stmt):
                shown: dict[str, Any] = {groups.column(k): ("" if t and v is None else v)
                         for k, t, v in zip(keys, text, cells, strict=True)}
                found[hid] = HouseholdRow(id=hid, version=version, **shown)
        return [found[i] for i in ids if i in found]

    @staticmethod
    def _list_column(key: str) -> SQLColumnExpression[Any]:
        """What the household list shows in the column of `key` (Income joined for the data year)."""
        return _member_count() if key == groups.CURRENT_MEMBERS else columns.column(key)

    def _sort_expression(self, key: str) -> SQLColumnExpression[Any]:
        """What the household list's column of `key` is sorted by, over `_filtered`'s query."""
        if key in _PLACE_ORDER:
            return _PLACE_ORDER[key]
        if key == groups.CURRENT_MEMBERS:
            return _member_count()
        if key == "household.head_name":  # names sort by pinyin (then by the characters)
            return Household.head_pinyin
        if key.startswith(f"{Entity.INCOME}."):
            return _income_of_year(columns.column(key), self.db.data_year)
        return columns.column(key)

    #: The exported list's sheet title and the column of the members a search found households by.
    EXPORT_TITLE = "户列表"
    MATCHED_HEADER = "匹配成员"

    def export_list(self, q: HouseholdQuery, out: str | Path) -> int:
        """The list as `q` selects and orders it, as an .xlsx: Chinese headers from the data
        dictionary, codes as their Chinese labels, and with a search text the members it matched.
        Returns how many households were written."""
        out = Path(out)
        self.db.refuse_as_output(out)
        ids = self.household_ids(q)
        keys = groups.HOUSEHOLD_LIST.keys
        books = self.db.codebook()
        heads = [groups.field(k) for k in keys]
        headers = [f.label_with_unit("zh") if f.type == FieldType.MONEY else f.zh for f in heads]
        text = q.text.strip()
        if text:
            headers.append(self.MATCHED_HEADER)
        attrs = [groups.column(k) for k in keys]
        shown = [f.type in (FieldType.CODE, FieldType.CODES, FieldType.BOOL) for f in heads]

        def rows() -> Iterator[list[Any]]:
            for start in range(0, len(ids), 1_000):
                page = ids[start:start + 1_000]
                matches = self.search_matches(page, text) if text else {}
                for r in self.household_rows(page):
                    cells = [values.display(f, getattr(r, attr), "zh", books) if label else getattr(r, attr)
                             for f, attr, label in zip(heads, attrs, shown, strict=True)]
                    if text:
                        cells.append("、".join(matches.get(r.id, ())))
                    yield cells

        from povdesk import workbook  # openpyxl: imported on export, not at the window's start

        widths = [12.0 if f.type != FieldType.TEXT else 18.0 for f in heads] + ([18.0] if text else [])
        sheet = workbook.PlainSheet(self.EXPORT_TITLE, headers, widths, rows(),
                                    text_columns=frozenset({0}))
        data = workbook.plain_workbook([sheet], dt.datetime.now())
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        part.write_bytes(data)
        part.replace(out)
        return len(ids)

    def find_household_id(self, household_no: str) -> int | None:
        with self.db.reading() as s:
            return s.scalar(select(Household.id).where(Household.household_no == household_no))

    # ------------------------------------------------------------------ one household
    def household(self, household_id: int, *, history_limit: int = 500) -> HouseholdDetail:
        with self.db.reading() as s:
            h = s.get(Household, household_id)
            if h is None:
                raise NotFound("household.missing", f"No household with id {household_id}.",
                               f"找不到编号为 {household_id} 的户。")
            return self._detail(s, h, history_limit)

    def _detail(self, s: Session, h: Household, history_limit: int) -> HouseholdDetail:
        logs = s.scalars(select(ChangeLog).where(ChangeLog.household_id == h.id)
                         .order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(history_limit))
        history = tuple(ChangeRecord(x.id, x.at, x.user, x.source, x.entity, x.entity_id, x.member_id,
                                     x.field, x.old_value, x.new_value, x.reason) for x in logs)
        return detail_of(h, history)

    def assessment(self, household_id: int, year: int | None = None) -> Assessment:
        """The household held to the office's settings of `year` (default: the data year) by the
        one assessment: what the detail pane shows and the rules and the printed form agree with."""
        settings = self.year_settings.get(year or self.db.data_year)
        detail = self.household(household_id, history_limit=0)
        return assess(facts_from_detail(detail, settings.year, settings.reference_date), settings,
                      self.db.codebook())

    def history(self, household_id: int) -> list[ChangeRecord]:
        return list(self.household(household_id, history_limit=100_000).history)

    # ------------------------------------------------------------------ edits
    def update_field(self, *, entity: Entity | str, entity_id: int, key: str, value: Any,
                     reason: str | None = None, source: JournalSource = JournalSource.EDIT,
                     expected_version: int | None = None, reference: str | None = None) -> HouseholdDetail:
        """Set one field, journal old → new in the same transaction and bump the household version.

        `expected_version` guards against editing a household someone else changed meanwhile.
        """
        with self.db.transaction() as s:
            household = self.set_field_in(s, entity=entity, entity_id=entity_id, key=key, value=value,
                                          reason=reason, source=source, expected_version=expected_version,
                                          reference=reference)
            if household is None:
                return self.household(entity_id)
            s.flush()
            return self._detail(s, household, 500)

    def set_field_in(self, s: Session, *, entity: Entity | str, entity_id: int, key: str, value: Any,
                     reason: str | None = None, source: JournalSource = JournalSource.EDIT,
                     expected_version: int | None = None, reference: str | None = None) -> Household | None:
        """`update_field` inside the caller's transaction `s`; returns the household changed."""
        entity = Entity(entity)
        f = dd.field(key)
        if f.entity != entity:
            raise InvalidValue("field.entity", f"Field {key} does not belong to {entity}.",
                               f"字段 {key} 不属于 {entity}。")
        if not f.editable:
            raise InvalidValue("field.readonly", f"{f.en} cannot be edited here.", f"“{f.zh}”不能在此修改。")
        new = values.coerce(f, value, self.db.codebook())
        model = columns.MODELS[entity]
        obj = s.get(model, entity_id)
        if obj is None:
            raise NotFound("record.missing", f"No {entity} with id {entity_id}.",
                           f"找不到记录 {entity}#{entity_id}。")
        household = self._household_of(s, entity, obj)
        if household is not None:
            check_version(s, household, expected_version)
        old = getattr(obj, f.column)
        if values.to_text(f, old) == values.to_text(f, new):
            return household
        setattr(obj, f.column, new)
        self.journal(s, household=household, entity=entity, entity_id=entity_id,
                     member_id=obj.id if entity == Entity.MEMBER else getattr(obj, "member_id", None),
                     field=key, old=values.to_text(f, old), new=values.to_text(f, new),
                     reason=reason, source=source, reference=reference)
        return household

    def set_income_field(self, *, household_id: int, year: int, key: str, value: Any,
                         reason: str | None = None, source: JournalSource = JournalSource.EDIT) -> HouseholdDetail:
        """Edit a yearly income or conditions figure, creating that year's row when absent."""
        f = dd.field(key)
        yearly: dict[Entity, type[Income] | type[Conditions]] = {Entity.INCOME: Income,
                                                                 Entity.CONDITIONS: Conditions}
        model = yearly[f.entity]
        with self.db.transaction() as s:
            # select() of a union of two models is typed as their base: name the union again
            row = cast("Income | Conditions | None", s.scalar(
                select(model).where(model.household_id == household_id, model.year == year)))
            if row is None:
                row = model(household_id=household_id, year=year)
                s.add(row)
                s.flush()
            row_id = row.id
        return self.update_field(entity=f.entity, entity_id=row_id, key=key, value=value,
                                 reason=reason, source=source)

    def add_member(self, *, household_id: int, values_by_key: dict[str, Any], reason: str,
                   date: dt.date, source: JournalSource = JournalSource.EDIT) -> MemberRecord:
        """Natural increase (birth, marriage in, …): a new member row, journalled field by field."""
        with self.db.transaction() as s:
            m = self.add_member_in(s, household_id=household_id, values_by_key=values_by_key, reason=reason,
                                   date=date, source=source)
            return MemberRecord(m.id, frozen_map(row_of(m, Entity.MEMBER, "sort_order")), m.household_id)

    def add_member_in(self, s: Session, *, household_id: int, values_by_key: dict[str, Any], reason: str,
                      date: dt.date, source: JournalSource = JournalSource.EDIT,
                      reference: str | None = None) -> Member:
        """`add_member` inside the caller's transaction `s`."""
        books = self.db.codebook()
        typed = {}
        for key, raw in values_by_key.items():
            f = dd.field(key)
            if f.entity != Entity.MEMBER:
                raise InvalidValue("field.entity", f"{key} is not a member field.", f"{key} 不是成员字段。")
            typed[f.column] = values.coerce(f, raw, books)
        if not typed.get("name"):
            raise InvalidValue("member.name", "A new member needs a name.", "新增成员必须填写姓名。")
        if typed.get("id_number") and not typed.get("birth_date"):
            typed["birth_date"] = idnumber.birth_date(typed["id_number"])
        if typed.get("id_number") and not typed.get("sex"):
            typed["sex"] = idnumber.sex_code(typed["id_number"])
        h = s.get(Household, household_id)
        if h is None:
            raise NotFound("household.missing", f"No household with id {household_id}.",
                           f"找不到编号为 {household_id} 的户。")
        order = (s.scalar(select(func.max(Member.sort_order)).where(Member.household_id == h.id)) or 0) + 1
        m = Member(household_id=h.id, sort_order=order, status=MEMBER_CURRENT,
                   change_reason=reason, change_date=date, **typed)
        s.add(m)
        s.flush()
        self.journal(s, household=h, entity=Entity.MEMBER, entity_id=m.id, member_id=m.id,
                     field=JournalEvent.MEMBER_ADDED, old=None, new=m.name, reason=reason, source=source,
                     reference=reference)
        for col, val in typed.items():
            f = dd.field(f"member.{col}")
            self.journal(s, household=h, entity=Entity.MEMBER, entity_id=m.id, member_id=m.id,
                         field=f.key, old=None, new=values.to_text(f, val), reason=reason,
                         source=source, bump=False, reference=reference)
        self._sync_size(s, h, reason, source, reference)
        return m

    def decrease_member(self, *, member_id: int, reason: str, date: dt.date,
                        source: JournalSource = JournalSource.EDIT) -> MemberRecord:
        """Natural decrease (death, marriage out, …): the row stays, flagged with reason and date."""
        with self.db.transaction() as s:
            m = self.decrease_member_in(s, member_id=member_id, reason=reason, date=date, source=source)
            return MemberRecord(m.id, frozen_map(row_of(m, Entity.MEMBER, "sort_order")), m.household_id)

    def decrease_member_in(self, s: Session, *, member_id: int, reason: str, date: dt.date,
                           source: JournalSource = JournalSource.EDIT, reference: str | None = None,
                           status: str = MEMBER_DECREASED, new_head_named: bool = False) -> Member:
        """`decrease_member` inside the caller's transaction `s` (`status`: decreased or removed;
        `new_head_named`: the head may leave, another member was made head in this transaction)."""
        m = s.get(Member, member_id)
        if m is None:
            raise NotFound("member.missing", f"No member with id {member_id}.", f"找不到成员 {member_id}。")
        if not m.current:
            raise Conflict("member.not_current", f"{m.name} is no longer a current member.",
                           f"{m.name} 已不是在册成员。")
        if is_head(m.relation) and not new_head_named:
            raise Conflict("member.is_head",
                           f"{m.name} is the head of household; designate a new head first.",
                           f"{m.name} 是户主，请先变更户主再办理减少。")
        h = m.household
        self.journal(s, household=h, entity=Entity.MEMBER, entity_id=m.id, member_id=m.id,
                     field="member.status", old=m.status, new=status, reason=reason,
                     source=source, reference=reference)
        m.status = status
        m.change_reason = reason
        m.change_date = date
        self._sync_size(s, h, reason, source, reference)
        s.flush()
        return m

    # ------------------------------------------------------------------ helpers shared with imports
    def journal(self, s: Session, *, household: Household | None, entity: Entity | str,
                entity_id: int | None, member_id: int | None, field: str, old: str | None,
                new: str | None, reason: str | None, source: JournalSource, reference: str | None = None,
                bump: bool = True) -> None:
        s.add(ChangeLog(user=self.db.user, source=source,
                        household_id=household.id if household else None, member_id=member_id,
                        entity=str(entity), entity_id=entity_id, field=field, old_value=old,
                        new_value=new, reason=reason, reference=reference))
        if bump and household is not None:
            household.version = (household.version or 0) + 1

    def _sync_size(self, s: Session, h: Household, reason: str | None, source: JournalSource,
                   reference: str | None = None) -> None:
        s.flush()
        count = s.scalar(select(func.count(Member.id)).where(
            Member.household_id == h.id, Member.current)) or 0
        if h.size != count:
            self.journal(s, household=h, entity=Entity.HOUSEHOLD, entity_id=h.id, member_id=None,
                         field="household.size", old=None if h.size is None else str(h.size),
                         new=str(count), reason=reason, source=source, bump=False, reference=reference)
            h.size = count

    @staticmethod
    def _household_of(s: Session, entity: Entity, obj: Any) -> Household | None:
        if entity == Entity.HOUSEHOLD:
            return cast(Household, obj)
        hid = getattr(obj, "household_id", None)
        return s.get(Household, hid) if hid is not None else None


    # ------------------------------------------------------------------ cadre history (issue 14)
    def pair_cadre(self, *, household_id: int, cadre_id: int, start: dt.date, reason: str,
                   source: JournalSource = JournalSource.EDIT) -> list[CadreRecord]:
        """A new cadre for the household: a new pairing from `start`; every pairing still running
        ends the day before (its row stays, so the household's earlier cadres are kept).
        Returns the household's pairings, earlier ones included."""
        with self.db.transaction() as s:
            h = s.get(Household, household_id)
            cadre = s.get(Cadre, cadre_id)
            if h is None or cadre is None:
                raise NotFound("pairing.missing", f"No household {household_id} or cadre {cadre_id}.",
                               f"找不到户 {household_id} 或帮扶责任人 {cadre_id}。")
            running = [p for p in h.pairings if p.valid and (p.end_date is None or p.end_date >= start)]
            if any(p.start_date is not None and p.start_date >= start for p in running):
                raise InvalidValue("pairing.start", "The new pairing must start after the current one.",
                                   "新的结对开始时间须晚于当前结对的开始时间。")
            end = start - dt.timedelta(days=1)
            for p in running:
                self.journal(s, household=h, entity=Entity.PAIRING, entity_id=p.id, member_id=None,
                             field="pairing.end_date", old=p.end_date.isoformat() if p.end_date else None,
                             new=end.isoformat(), reason=reason, source=source, bump=False)
                p.end_date = end
            p = Pairing(household_id=h.id, cadre_id=cadre.id, start_date=start, end_date=None, valid=True)
            s.add(p)
            s.flush()
            self.journal(s, household=h, entity=Entity.PAIRING, entity_id=p.id, member_id=None,
                         field="pairing.start_date", old=None, new=start.isoformat(), reason=reason,
                         source=source)
            s.refresh(h)
            return list(detail_of(h).cadres)

    # ------------------------------------------------------------------ the county's journal (read only)
    def _journal_select(self, q: JournalQuery) -> Select[ChangeLog, str, str]:
        stmt = (select(ChangeLog, Household.household_no, Member.name)
                .outerjoin(Household, Household.id == ChangeLog.household_id)
                .outerjoin(Member, Member.id == ChangeLog.member_id))
        if q.since is not None:
            stmt = stmt.where(ChangeLog.at >= q.since)
        if q.until is not None:
            stmt = stmt.where(ChangeLog.at < q.until)
        if q.user:
            stmt = stmt.where(ChangeLog.user == q.user)
        if q.place:
            stmt = stmt.where(Household.household_no.startswith(q.place.strip(), autoescape=True))
        if q.field:
            stmt = stmt.where(ChangeLog.field == q.field)
        if q.reference:
            ref = q.reference.strip().lstrip("#")
            if ref.isdigit():
                ref = f"CR-{ref}"  # a change request's number
            elif ref.upper().startswith("CR-"):
                ref = ref.upper()
            stmt = stmt.where(ChangeLog.reference == ref)
        return stmt

    def journal_count(self, q: JournalQuery) -> int:
        """How many journal rows match (the journal view's total)."""
        sub = self._journal_select(q).with_only_columns(ChangeLog.id).subquery()
        with self.db.reading() as s:
            return int(s.scalar(select(func.count()).select_from(sub)) or 0)

    def journal_page(self, q: JournalQuery, *, before_id: int | None = None,
                     limit: int = 200) -> list[JournalEntry]:
        """The county's change journal, newest first, `limit` rows below `before_id` (the last id
        of the previous page): the journal view pages through it without an OFFSET."""
        stmt = self._journal_select(q).order_by(ChangeLog.id.desc()).limit(limit)
        if before_id is not None:
            stmt = stmt.where(ChangeLog.id < before_id)
        with self.db.reading() as s:
            return [JournalEntry(x.id, x.at, x.user, x.source, x.household_id, no, name, x.field, x.old_value,
                                 x.new_value, x.reason, x.reference) for x, no, name in s.execute(stmt)]

    def journal_choices(self) -> tuple[list[str], list[str]]:
        """The users and the fields the journal holds (the view's filter lists)."""
        with self.db.reading() as s:
            users = sorted(u for u in s.scalars(select(ChangeLog.user).distinct()) if u)
            fields = sorted(f for f in s.scalars(select(ChangeLog.field).distinct()) if f)
        return users, fields


@dataclass(frozen=True)
class JournalQuery:
    """Which journal rows: `since` (inclusive) to `until` (exclusive), UTC as stored; a user; a
    place (a village code or household number: its prefix); a field key; a reference (`CR-12`, or
    12 for change request #12, or an import's or batch's reference)."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    user: str | None = None
    place: str | None = None
    field: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    """One row of the change journal with its household's number and its member's name."""

    id: int
    at: dt.datetime
    user: str
    source: str
    household_id: int | None
    household_no: str | None
    member_name: str | None
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    reference: str | None
