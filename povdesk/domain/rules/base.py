"""What a data-quality rule is, and the plain facts it reads: no database, no Qt, just records."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from povdesk.domain import dictionary as dd
from povdesk.domain import values as dv
from povdesk.domain.codelists import CodeBook
from povdesk.domain.idnumber import age_on
from povdesk.domain.idnumber import facts as id_facts
from povdesk.domain.idnumber import key as id_key

# the rules import these names from here (explicit re-exports)
from povdesk.domain.meanings import CURRENT_MEMBER_STATUSES as CURRENT_MEMBER_STATUSES
from povdesk.domain.meanings import DISABLED_HEALTH as DISABLED_HEALTH
from povdesk.domain.meanings import EXITED_STATUSES as EXITED_STATUSES
from povdesk.domain.meanings import HEAD as HEAD
from povdesk.domain.meanings import HEALTHY as HEALTHY
from povdesk.domain.meanings import ILL_HEALTH as ILL_HEALTH
from povdesk.domain.meanings import NOT_IN_SCHOOL as NOT_IN_SCHOOL
from povdesk.domain.meanings import SERIOUS_ILL as SERIOUS_ILL
from povdesk.domain.meanings import SPOUSE as SPOUSE
from povdesk.domain.meanings import is_in_school as is_in_school
from povdesk.domain.records import YearSettingRecord

ERROR = "error"
WARNING = "warning"

# Categories (stored on each problem; Chinese because the lists for the province are Chinese).
CAT_BASIC = "基础信息"
CAT_STRUCTURE = "家庭结构"
CAT_GUARANTEE = "两不愁三保障"
CAT_EDUCATION = "教育"
CAT_LABOUR = "劳动务工"
CAT_HEALTH = "健康医保"
CAT_INCOME = "收入"
CAT_ALLOWANCE = "低保特困"
CAT_CONDITIONS = "生产生活条件"
CAT_EXIT = "脱贫标准"
CAT_STATUS = "脱贫状态"
CAT_ASSIST = "帮扶"
CAT_REQUIRED = "必填项"

CATEGORY_EN: dict[str, str] = {
    CAT_BASIC: "Basic information",
    CAT_STRUCTURE: "Household structure",
    CAT_GUARANTEE: "Two assurances, three guarantees",
    CAT_EDUCATION: "Education",
    CAT_LABOUR: "Labour and work",
    CAT_HEALTH: "Health and insurance",
    CAT_INCOME: "Income",
    CAT_ALLOWANCE: "Allowance and destitute support",
    CAT_CONDITIONS: "Living conditions",
    CAT_EXIT: "Exit standard",
    CAT_STATUS: "Poverty status",
    CAT_ASSIST: "Assistance",
    CAT_REQUIRED: "Mandatory fields",
}

HOUSEHOLD = "household"
MEMBER = "member"

#: The first data year of the filing-card registry (建档立卡, 2014): a rule's range starts there
#: unless it says otherwise.
FIRST_YEAR = 2014
#: The data a rule may need beyond the data year's record (`Rule.requires`).
NEEDS_MEMBER_HISTORY = "member_history"
_NEEDS_TEXT = {NEEDS_MEMBER_HISTORY: ("需要连续三个数据年度的成员年度快照，当前未保存",
                                      "needs the members' yearly snapshots of three data years running; "
                                      "not held")}


class _Absent:
    """The value of an income or conditions column for a household without that row (gates)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()



_MEMBER_COLUMNS = tuple(f.column for f in dd.fields_of(dd.Entity.MEMBER))
_HOUSEHOLD_COLUMNS = tuple(f.column for f in dd.fields_of(dd.Entity.HOUSEHOLD))


class MemberFacts(dict[str, Any]):
    """One member as the rules see it: a mapping of the dictionary's member columns (every column
    present, None when empty) plus derived facts under keys starting with "_": `_age` on the
    reference date, `_id` (normalised ID number), `_idok` (a valid 18-digit number), `_sexok` and
    `_birthok` (sex and birth date agree with the number). A dict, so rules read it at C speed."""

    __slots__ = ("age", "birth", "current", "household", "id", "id_norm")
    age: int | None
    birth: dt.date | None
    current: bool
    household: HouseholdFacts
    id: int
    id_norm: str

    @property
    def v(self) -> MemberFacts:
        return self

    @property
    def name(self) -> str:
        return self["name"] or ""

    @property
    def in_school(self) -> bool:
        return is_in_school(self["school_status"])

    @property
    def healthy(self) -> bool:
        return bool(self["health"] == HEALTHY)

    @property
    def disabled(self) -> bool:
        return self["health"] in DISABLED_HEALTH

    def __repr__(self) -> str:
        return f"MemberFacts({self.id}, {self.get('name')!r})"


class MeasureFacts(NamedTuple):
    """One assistance measure of a household (a tuple: a county has ~5 per household)."""

    household_id: int | None
    member_id: int | None
    year: int | None
    category: str | None
    item: str | None
    amount: float | None


class CadreFacts(NamedTuple):
    """One pairing of a household with its assistance cadre."""

    household_id: int | None
    pairing_start: dt.date | None
    pairing_end: dt.date | None
    name: str | None
    id_number: str | None
    phone: str | None


class YearRow(Protocol):
    """A household's income or conditions of the data year as the rules read them: `get(column)`,
    None where the column is empty (a row of the database, a mapping in the tests)."""

    def get(self, key: str, /) -> Any: ...


class HouseholdFacts(dict[str, Any]):
    """One household for the rules: a mapping of its columns, plus its members, the data year's
    income and conditions (mappings of columns), its measures and its assistance cadres (named
    tuples)."""

    __slots__ = ("cadres", "conditions", "current", "first_head", "id", "income", "measures", "members")
    cadres: list[CadreFacts]
    conditions: YearRow | None
    current: list[MemberFacts]
    first_head: MemberFacts | None
    id: int
    income: YearRow | None
    measures: list[MeasureFacts]
    members: list[MemberFacts]

    @property
    def v(self) -> HouseholdFacts:
        return self

    @property
    def household_no(self) -> str:
        return self["household_no"] or ""

    @property
    def exited(self) -> bool:
        return self["status"] in EXITED_STATUSES

    def head(self) -> MemberFacts | None:
        """The first current member whose relation is head (found once, by make_household)."""
        return self.first_head

    def __repr__(self) -> str:
        return f"HouseholdFacts({self.id}, {self.get('household_no')!r})"


def make_member(member_id: int, values: Mapping[str, Any] | Iterable[tuple[str, Any]], on: dt.date, *,
                complete: bool = False) -> MemberFacts:
    """Member facts with the age on the reference date (from the birth date, else the ID number).

    Missing columns are filled with None unless the caller promises every column a rule reads
    (`complete`, the engine's loader)."""
    m = MemberFacts(values)
    if not complete and len(m) < len(_MEMBER_COLUMNS):
        for c in _MEMBER_COLUMNS:
            m.setdefault(c, None)
    born = m["birth_date"]
    if born.__class__ is str:  # raw SQLite rows carry ISO text
        born = m["birth_date"] = dt.date.fromisoformat(born)
    if m["change_date"].__class__ is str:
        m["change_date"] = dt.date.fromisoformat(m["change_date"])
    s = id_key(m["id_number"])
    ok, id_sex, id_born = id_facts(s)
    if born is None:  # as idnumber.birth_of, from the facts at hand
        born = id_born
    sex = m["sex"]
    m["_id"] = s
    m["_idok"] = ok
    m["_sexok"] = not ok or sex not in ("1", "2") or sex == id_sex
    m["_birthok"] = not ok or m["birth_date"] is None or born == id_born
    age = None if born is None else age_on(born, on)
    m["_age"] = age
    m.id, m.birth, m.age, m.id_norm = member_id, born, age, s
    m.current = m["status"] in CURRENT_MEMBER_STATUSES
    return m


_category = attrgetter("category")
_NO_CATEGORIES: frozenset[Any] = frozenset()


_Tuple = TypeVar("_Tuple", MeasureFacts, CadreFacts)


def _as_tuples(items: Iterable[Any], kind: type[_Tuple], household_id: int) -> list[_Tuple]:
    """Measures or cadres given as mappings (tests, editors) made into the engine's tuples."""
    out: list[_Tuple] = []
    for x in items:
        if not isinstance(x, kind):
            row: dict[str, Any] = {k: (household_id if k == "household_id" else x.get(k))
                                   for k in kind._fields}
            x = kind(**row)
        out.append(x)
    return out


def make_household(household_id: int, values: Mapping[str, Any] | Iterable[tuple[str, Any]],
                   members: Iterable[MemberFacts], *, complete: bool = False,
                   income: Mapping[str, Any] | None = None, conditions: Mapping[str, Any] | None = None,
                   measures: Iterable[MeasureFacts | Mapping[str, Any]] = (),
                   cadres: Iterable[CadreFacts | Mapping[str, Any]] = ()) -> HouseholdFacts:
    """Household facts from its columns and its members' facts. The engine's loader passes
    `complete` rows and lists of tuples as they are; anything else is filled in and converted."""
    h = HouseholdFacts(values)
    if not complete and len(h) < len(_HOUSEHOLD_COLUMNS):
        for c in _HOUSEHOLD_COLUMNS:
            h.setdefault(c, None)
    ms = members if isinstance(members, list) else list(members)
    h.id, h.members, h.income, h.conditions = household_id, ms, income, conditions
    if complete:
        h.measures, h.cadres = cast("list[MeasureFacts]", measures), cast("list[CadreFacts]", cadres)
    else:
        h.measures = _as_tuples(measures, MeasureFacts, household_id)
        h.cadres = _as_tuples(cadres, CadreFacts, household_id)
    current: list[MemberFacts] = []
    heads = spouses = workers = dibao = numbered = 0
    ids = set()
    head = None
    for m in ms:  # one pass: a county has ~90,000 members
        m.household = h
        if not m.current:
            continue
        current.append(m)
        rel = m["relation"]
        if rel == HEAD:
            heads += 1
            if head is None:
                head = m
        elif rel == SPOUSE:
            spouses += 1
        if m["work_months"]:
            workers += 1
        if m["dibao"]:
            dibao += 1
        if m.id_norm:
            ids.add(m.id_norm)
            numbered += 1
    h.current = current
    h.first_head = head
    # derived facts the engine's gates index on (see Rule.when)
    h["_current"] = len(current)
    h["_decreased"] = len(ms) - len(current)
    h["_heads"] = heads
    h["_spouses"] = spouses
    h["_workers"] = workers
    h["_dibao_members"] = dibao
    h["_same_ids"] = len(ids) < numbered
    h["_has_income"] = income is not None
    h["_has_conditions"] = conditions is not None
    h["_measure_categories"] = frozenset(map(_category, h.measures)) if h.measures else _NO_CATEGORIES
    return h


@dataclass(frozen=True)
class CheckContext:
    """What rules need beyond one household: the year's settings and county-wide indexes."""

    year: int
    settings: YearSettingRecord
    settings_by_year: Mapping[int, YearSettingRecord] = field(default_factory=dict)
    #: normalised ID number -> household numbers where it is a current member (whole county)
    id_households: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: the same numbers -> household number -> where that household is and the name recorded there
    id_holders: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: normalised ID numbers of every assistance cadre
    cadre_ids: frozenset[str] = frozenset()
    #: phone numbers used by more than one cadre
    shared_cadre_phones: frozenset[str] = frozenset()
    today: dt.date = field(default_factory=dt.date.today)
    #: the office's decisions for this data year: rule code -> run (True) or not (False); a rule
    #: without one runs when its year range holds the data year
    rule_switches: Mapping[str, bool] = field(default_factory=dict)
    #: member id -> data year -> school status, from the yearly snapshots; None: not held
    member_history: Mapping[int, Mapping[int, str | None]] | None = None

    def not_run(self, rule: Rule, lang: str = "zh") -> str | None:
        """Why `rule` is not run on this data year (None: it runs)."""
        zh = not lang.startswith("en")
        switched = self.rule_switches.get(rule.code)
        if switched is False:
            return f"本单位已停用于 {self.year} 年度" if zh else f"switched off by the office for {self.year}"
        if switched is None and not rule.applies_to(self.year):
            return (f"不适用于 {self.year} 年度（适用 {rule.years_text('zh')}）" if zh
                    else f"does not apply to {self.year} (applies {rule.years_text('en')})")
        if rule.requires == NEEDS_MEMBER_HISTORY and self.member_history is None:
            return _NEEDS_TEXT[rule.requires][0 if zh else 1]
        return None

    def runs(self, rule: Rule) -> bool:
        return self.not_run(rule) is None

    @property
    def reference_date(self) -> dt.date:
        return self.settings.reference_date

    def line_for_exit(self, exit_year: int | None) -> tuple[float, int]:
        """The income line an exited household is held to, and the year it belongs to.

        Every household marked exited must stay above the data year's exit line (the standard the
        data year's assessment applies), whatever year it exited in.
        """
        return self.settings.exit_income_line, self.year


Values = dict[str, Any]
When = tuple[Any, Callable[[Any, "CheckContext"], bool]]  # column (or tuple of columns), predicate


class _Among:
    """A gate predicate `value in among(ctx)`; the engine reads `among` to pick the passing values
    of a column with many distinct values (ID numbers) by one set intersection."""

    __slots__ = ("among",)

    def __init__(self, values: Callable[[CheckContext], Iterable[Any]]) -> None:
        self.among = values

    def __call__(self, value: Any, ctx: CheckContext) -> bool:
        return value in self.among(ctx)


def among(values: Callable[[CheckContext], Iterable[Any]]) -> Callable[[Any, CheckContext], bool]:
    """The gate predicate `value in values(ctx)`, marked so the engine can pick the passing values
    of a column with many distinct values (ID numbers) by one set intersection."""
    return _Among(values)


HouseholdCheck = Callable[[HouseholdFacts, CheckContext], Values | None]
MemberCheck = Callable[[MemberFacts, HouseholdFacts, CheckContext], Values | None]
_Check = TypeVar("_Check", HouseholdCheck, MemberCheck)


@functools.lru_cache(maxsize=4096)
def _field_for(fields: tuple[str, ...], name: str) -> dd.Field | None:
    """`Rule._field_for`, remembered: every message of a run asks it for every value shown."""
    for candidate in (name, name[3:] if name.startswith("id_") else None):
        for key in fields:
            if candidate and key.endswith("." + candidate):
                return dd.field(key)
    return None


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue. `check` returns the values to show when it fails, else None.

    Household rules may put `member_id` into the returned values to name the member concerned.
    """

    code: str
    category: str
    severity: str
    scope: str  # HOUSEHOLD or MEMBER
    fields: tuple[str, ...]
    title_zh: str
    title_en: str
    zh: str  # message templates: str.format over the returned values
    en: str
    check: Callable[..., Values | None] = field(repr=False, compare=False)
    blocks_exit: bool = False
    blocks_signoff: bool = False
    #: (column, predicate(value, ctx)): a necessary condition for failing, on one column of the
    #: member (or household) mapping. The engine groups records by that column's value and calls
    #: `check` only where the predicate holds for the value: a cheap index instead of a call per
    #: record. `check` still decides on its own; `when` only narrows whom it is asked about.
    when: When | None = field(default=None, compare=False)
    #: the data years the rule applies to, both ends included (None: open)
    years: tuple[int | None, int | None] = (FIRST_YEAR, None)
    #: data beyond the data year's record it needs (NEEDS_MEMBER_HISTORY); without it, not run
    requires: str | None = None

    def applies_to(self, year: int) -> bool:
        first, last = self.years
        return (first is None or first <= year) and (last is None or year <= last)

    def years_text(self, lang: str = "zh") -> str:
        """The year range as the catalogue lists it: 2014 年起, 2014–2019 年, ..."""
        first, last = self.years
        zh = not lang.startswith("en")
        if first is None and last is None:
            return "各年度" if zh else "every year"
        if last is None:
            return f"{first} 年起" if zh else f"{first} on"
        if first is None:
            return f"{last} 年及以前" if zh else f"up to {last}"
        return f"{first}–{last} 年" if zh else f"{first}-{last}"

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang.startswith("en") else self.title_zh

    @property
    def category_en(self) -> str:
        return CATEGORY_EN.get(self.category, self.category)

    def _field_for(self, name: str) -> dd.Field | None:
        """The field a shown value is displayed as: its own, or for a value read from the ID
        number (`id_sex`), the field it is compared with."""
        return _field_for(self.fields, name)

    def format(self, values: Mapping[str, Any], lang: str = "zh", codebook: CodeBook | None = None) -> str:
        """The message with the actual values, code labels in the language asked for (one
        message; a run's many go through one `Renderer`, which remembers the labels)."""
        return Renderer(codebook).format(self, values, lang)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


#: field types whose few distinct values a run's messages show again and again (labels, 是/否)
_REPEATED = frozenset({dd.FieldType.BOOL, dd.FieldType.CODE, dd.FieldType.CODES})


class Renderer:
    """`Rule.format` for the many messages of one run, with one code book: the text shown for a
    coded or yes/no value is looked up once per value (a thin roster's run renders half a million
    messages that show the same few labels), and each rule's fields are matched to the values'
    names once. A run records both languages of every message: `both` makes the two in one pass
    over the values. `Rule.format` is one message through a renderer of its own."""

    def __init__(self, codebook: CodeBook | None = None) -> None:
        self.codebook = codebook
        self._fields: dict[tuple[tuple[str, ...], str], dd.Field | None] = {}
        #: (field, value's class, value) -> (Chinese, English) text of a coded or yes/no value
        self._shown: dict[tuple[int, type, Any], tuple[str, str]] = {}

    def format(self, rule: Rule, values: Mapping[str, Any], lang: str = "zh") -> str:
        return self.both(rule, values)[1 if lang.startswith("en") else 0]

    def both(self, rule: Rule, values: Mapping[str, Any]) -> tuple[str, str]:
        """The message in Chinese and in English (`format`'s two texts)."""
        fields, known, memo, books = rule.fields, self._fields, self._shown, self.codebook
        zh, en = _Missing(), _Missing()
        for name, value in values.items():
            if value is None or value == "":
                zh[name], en[name] = "空", "empty"
                continue
            key = (fields, name)
            try:
                f = known[key]
            except KeyError:
                f = known[key] = _field_for(fields, name)
            if f is None:
                if value.__class__ is str:
                    zh[name] = en[name] = value
                else:
                    zh[name] = en[name] = f"{value:,.2f}" if isinstance(value, float) else str(value)
            elif f.type in _REPEATED:
                at = (id(f), value.__class__, value)  # (fields live as long as the program)
                try:
                    zh[name], en[name] = memo[at]
                except KeyError:
                    zh[name], en[name] = memo[at] = (dv.display(f, value, "zh", books),
                                                     dv.display(f, value, "en", books))
                except TypeError:  # unhashable
                    zh[name], en[name] = dv.display(f, value, "zh", books), dv.display(f, value, "en", books)
            else:
                zh[name], en[name] = dv.display(f, value, "zh", books), dv.display(f, value, "en", books)
        return _filled(rule.zh, zh), _filled(rule.en, en)


def _filled(template: str, shown: _Missing) -> str:
    try:
        return template.format_map(shown)
    except (ValueError, IndexError):  # a broken template must not stop a run
        return template


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule failing on a household (and member): what the engine records as a problem."""

    rule: Rule
    household_id: int
    member_id: int | None
    values: Mapping[str, Any]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule.code, self.household_id, self.member_id)

    def message(self, lang: str = "zh", codebook: CodeBook | None = None) -> str:
        return self.rule.format(self.values, lang, codebook)


def fingerprint(rule: str, household_id: int, member_id: int | None) -> str:
    return f"{rule}|{household_id}|{member_id or ''}"


class RuleSet:
    """Rules of one group, registered by decorating their check functions."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def _add(self, scope: str, code: str, category: str, severity: str, fields: tuple[str, ...],
             title: tuple[str, str], message: tuple[str, str], blocks_exit: bool,
             blocks_signoff: bool | None, when: When | None,
             years: tuple[int | None, int | None] = (FIRST_YEAR, None), requires: str | None = None,
             ) -> Callable[[_Check], _Check]:
        for key in fields:
            dd.field(key)  # unknown keys fail at import, not in a run

        def deco(fn: _Check) -> _Check:
            self.rules.append(Rule(code, category, severity, scope, fields, title[0], title[1],
                                   message[0], message[1], fn, blocks_exit,
                                   severity == ERROR if blocks_signoff is None else blocks_signoff,
                                   when, years, requires))
            return fn
        return deco

    def gate(self, gates: Mapping[str, When]) -> None:
        """Give rules their `when` (a necessary condition the engine indexes on), by code."""
        unknown = set(gates) - {r.code for r in self.rules}
        if unknown:
            raise KeyError(f"no such rules: {sorted(unknown)}")
        self.rules = [replace(r, when=gates[r.code]) if r.code in gates else r for r in self.rules]

    def household(self, code: str, category: str, severity: str, fields: tuple[str, ...], *,
                  title: tuple[str, str], message: tuple[str, str], blocks_exit: bool = False,
                  blocks_signoff: bool | None = None, when: When | None = None,
                  years: tuple[int | None, int | None] = (FIRST_YEAR, None), requires: str | None = None,
                  ) -> Callable[[HouseholdCheck], HouseholdCheck]:
        return self._add(HOUSEHOLD, code, category, severity, fields, title, message, blocks_exit,
                         blocks_signoff, when, years, requires)

    def member(self, code: str, category: str, severity: str, fields: tuple[str, ...], *,
               title: tuple[str, str], message: tuple[str, str], blocks_exit: bool = False,
               blocks_signoff: bool | None = None, when: When | None = None,
               years: tuple[int | None, int | None] = (FIRST_YEAR, None), requires: str | None = None,
               ) -> Callable[[MemberCheck], MemberCheck]:
        return self._add(MEMBER, code, category, severity, fields, title, message, blocks_exit,
                         blocks_signoff, when, years, requires)


def who(m: MemberFacts) -> Values:
    """The values naming a member in every member message."""
    return {"name": m.name, "id_number": m["id_number"]}


def no(value: Any) -> bool:
    """An explicit 'no' (False or 0), not an empty value."""
    return value is not None and not value


def num(value: Any) -> float:
    return float(value) if value is not None else 0.0
