"""What a data-quality rule is, and the plain facts it reads: no database, no Qt, just records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber
from povdesk.domain import values as dv
from povdesk.domain.codelists import CodeBook
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

#: Health codes (health code list): which count as ill, which as disabled.
ILL_HEALTH = frozenset({"02", "03", "05", "06"})
SERIOUS_ILL = frozenset({"03", "06"})
DISABLED_HEALTH = frozenset({"04", "05", "06"})
NOT_IN_SCHOOL = "01"
EXITED_STATUSES = frozenset({"1", "4"})


@dataclass(slots=True)
class MemberFacts:
    """One member as the rules see it: the dictionary's member columns plus derived facts."""

    id: int
    v: Mapping[str, Any]
    birth: dt.date | None = None
    age: int | None = None
    current: bool = True
    id_norm: str = ""

    def __getitem__(self, column: str) -> Any:
        return self.v.get(column)

    @property
    def name(self) -> str:
        return self.v.get("name") or ""

    @property
    def in_school(self) -> bool:
        s = self.v.get("school_status")
        return bool(s) and s != NOT_IN_SCHOOL

    @property
    def healthy(self) -> bool:
        return self.v.get("health") == "01"

    @property
    def disabled(self) -> bool:
        return self.v.get("health") in DISABLED_HEALTH


@dataclass(slots=True)
class HouseholdFacts:
    """One household for the rules: its row, members, the data year's income and conditions,
    its measures and its assistance cadres (each a plain mapping of dictionary columns)."""

    id: int
    v: Mapping[str, Any]
    members: list[MemberFacts] = field(default_factory=list)
    income: Mapping[str, Any] | None = None
    conditions: Mapping[str, Any] | None = None
    measures: list[Mapping[str, Any]] = field(default_factory=list)
    cadres: list[Mapping[str, Any]] = field(default_factory=list)
    current: list[MemberFacts] = field(default_factory=list)

    def __getitem__(self, column: str) -> Any:
        return self.v.get(column)

    @property
    def household_no(self) -> str:
        return self.v.get("household_no") or ""

    @property
    def exited(self) -> bool:
        return self.v.get("status") in EXITED_STATUSES

    def head(self) -> MemberFacts | None:
        return next((m for m in self.current if m["relation"] == "01"), None)


def make_member(member_id: int, values: Mapping[str, Any], on: dt.date) -> MemberFacts:
    """Member facts with the age on the reference date (from the birth date, else the ID number)."""
    id_norm = idnumber.normalise(values.get("id_number"))
    born = values.get("birth_date")
    if born is None and len(id_norm) == 18:
        born = idnumber.birth_date(id_norm)
    age = idnumber.age_on(born, on) if born is not None else None
    status = values.get("status")
    return MemberFacts(member_id, values, born, age, status in (None, "1"), id_norm)


def make_household(household_id: int, values: Mapping[str, Any], members: Iterable[MemberFacts], *,
                   income: Mapping[str, Any] | None = None, conditions: Mapping[str, Any] | None = None,
                   measures: Iterable[Mapping[str, Any]] = (),
                   cadres: Iterable[Mapping[str, Any]] = ()) -> HouseholdFacts:
    ms = list(members)
    return HouseholdFacts(household_id, values, ms, income, conditions, list(measures), list(cadres),
                          [m for m in ms if m.current])


@dataclass(frozen=True)
class CheckContext:
    """What rules need beyond one household: the year's settings and county-wide indexes."""

    year: int
    settings: YearSettingRecord
    settings_by_year: Mapping[int, YearSettingRecord] = field(default_factory=dict)
    #: normalised ID number -> household numbers where it is a current member (whole county)
    id_households: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: normalised ID numbers of every assistance cadre
    cadre_ids: frozenset[str] = frozenset()
    #: phone numbers used by more than one cadre
    shared_cadre_phones: frozenset[str] = frozenset()
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def reference_date(self) -> dt.date:
        return self.settings.reference_date

    def line_for_exit(self, exit_year: int | None) -> tuple[float, int]:
        """The income line an exited household is held to, and the year it belongs to.

        A household marked exited in the data year must clear that year's provincial exit line;
        one that exited earlier must stay above the current national line (or, where that is not
        set, the exit line of the data year).
        """
        s = self.settings
        if exit_year is None or exit_year >= self.year:
            return s.exit_income_line, self.year
        return (s.national_line if s.national_line else s.exit_income_line), self.year


Values = dict[str, Any]
HouseholdCheck = Callable[[HouseholdFacts, CheckContext], Values | None]
MemberCheck = Callable[[MemberFacts, HouseholdFacts, CheckContext], Values | None]


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

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang.startswith("en") else self.title_zh

    @property
    def category_en(self) -> str:
        return CATEGORY_EN.get(self.category, self.category)

    def _field_for(self, name: str) -> dd.Field | None:
        for key in self.fields:
            if key.endswith("." + name):
                return dd.field(key)
        return None

    def format(self, values: Mapping[str, Any], lang: str = "zh", codebook: CodeBook | None = None) -> str:
        """The message with the actual values, code labels in the language asked for."""
        zh = not lang.startswith("en")
        shown: dict[str, str] = {}
        for name, value in values.items():
            f = self._field_for(name)
            if value is None or value == "":
                text = "空" if zh else "empty"
            elif f is not None:
                text = dv.display(f, value, "zh" if zh else "en", codebook)
            elif isinstance(value, float):
                text = f"{value:,.2f}"
            else:
                text = str(value)
            shown[name] = text
        template = self.zh if zh else self.en
        try:
            return template.format_map(_Missing(shown))
        except (ValueError, IndexError):  # a broken template must not stop a run
            return template


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "?"


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
             blocks_signoff: bool | None) -> Callable[[Callable[..., Values | None]], Callable[..., Values | None]]:
        for key in fields:
            dd.field(key)  # unknown keys fail at import, not in a run

        def deco(fn: Callable[..., Values | None]) -> Callable[..., Values | None]:
            self.rules.append(Rule(code, category, severity, scope, fields, title[0], title[1],
                                   message[0], message[1], fn, blocks_exit,
                                   severity == ERROR if blocks_signoff is None else blocks_signoff))
            return fn
        return deco

    def household(self, code: str, category: str, severity: str, fields: tuple[str, ...], *,
                  title: tuple[str, str], message: tuple[str, str], blocks_exit: bool = False,
                  blocks_signoff: bool | None = None):  # type: ignore[no-untyped-def]
        return self._add(HOUSEHOLD, code, category, severity, fields, title, message, blocks_exit,
                         blocks_signoff)

    def member(self, code: str, category: str, severity: str, fields: tuple[str, ...], *,
               title: tuple[str, str], message: tuple[str, str], blocks_exit: bool = False,
               blocks_signoff: bool | None = None):  # type: ignore[no-untyped-def]
        return self._add(MEMBER, code, category, severity, fields, title, message, blocks_exit,
                         blocks_signoff)


def who(m: MemberFacts) -> Values:
    """The values naming a member in every member message."""
    return {"name": m.name, "id_number": m["id_number"]}


def num(value: Any) -> float:
    return float(value) if value is not None else 0.0
