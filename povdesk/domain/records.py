"""Plain frozen records that services hand to the UI, reports and exports (never ORM objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from povdesk.domain.meanings import is_current_member


def frozen_map(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class Row:
    """A record whose fields are the data dictionary's columns of one entity."""

    id: int
    values: Mapping[str, Any] = field(default_factory=frozen_map)

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)

    def get(self, column: str, default: Any = None) -> Any:
        return self.values.get(column, default)


@dataclass(frozen=True)
class VillageNode:
    id: int
    code: str
    name: str
    households: int
    members: int
    synthetic: bool = False


@dataclass(frozen=True)
class TownshipNode:
    id: int
    code: str
    name: str
    villages: tuple[VillageNode, ...]

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)

    @property
    def members(self) -> int:
        return sum(v.members for v in self.villages)


@dataclass(frozen=True)
class CountyNode:
    code: str
    name: str
    townships: tuple[TownshipNode, ...]

    @property
    def households(self) -> int:
        return sum(t.households for t in self.townships)

    @property
    def members(self) -> int:
        return sum(t.members for t in self.townships)


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the household table: one attribute per column of `groups.HOUSEHOLD_LIST`."""

    id: int
    household_no: str
    head_name: str
    township: str
    village: str
    group_name: str
    size: int | None
    members: int
    attribute: str | None
    status: str | None
    per_capita_net: float | None
    version: int


@dataclass(frozen=True)
class Location:
    county_code: str
    county: str
    township_code: str
    township: str
    village_code: str
    village: str
    village_synthetic: bool = False


@dataclass(frozen=True)
class MemberRecord(Row):
    household_id: int = 0

    @property
    def current(self) -> bool:
        """On the household's roll, as the rules and the registry's counts decide it."""
        return is_current_member(self.values.get("status"))


@dataclass(frozen=True)
class CadreRecord(Row):
    pairing_start: dt.date | None = None
    pairing_end: dt.date | None = None


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    at: dt.datetime
    user: str
    source: str
    entity: str
    entity_id: int | None
    member_id: int | None
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


@dataclass(frozen=True)
class HouseholdDetail:
    household: Row
    location: Location
    members: tuple[MemberRecord, ...]
    incomes: tuple[Row, ...]  # one per year, oldest first
    conditions: tuple[Row, ...]
    measures: tuple[Row, ...]
    cadres: tuple[CadreRecord, ...]
    history: tuple[ChangeRecord, ...]

    @property
    def version(self) -> int:
        return int(self.household["version"] or 1)

    @property
    def current_members(self) -> tuple[MemberRecord, ...]:
        return tuple(m for m in self.members if m.current)

    def income_for(self, year: int) -> Row | None:
        return next((r for r in self.incomes if r["year"] == year), None)

    def conditions_for(self, year: int) -> Row | None:
        return next((r for r in self.conditions if r["year"] == year), None)

    @property
    def latest_income(self) -> Row | None:
        return self.incomes[-1] if self.incomes else None

    @property
    def latest_conditions(self) -> Row | None:
        return self.conditions[-1] if self.conditions else None


@dataclass(frozen=True)
class YearSettingRecord:
    year: int
    exit_income_line: float
    national_line: float | None
    source: str | None
    school_age_from: int
    school_age_to: int
    reference_date: dt.date
    #: incidence of poverty (%) at or below which a poverty village may exit (3 in the west)
    village_exit_incidence: float = 3.0
    #: the day a child's compulsory-school age is counted on (1 September of the school year that
    #: starts in the data year); None: that 1 September
    school_age_date: dt.date | None = None
    #: working age (劳动年龄), both ends included: one figure for every rule and the assessment
    working_age_from: int = 16
    working_age_to: int = 60
    #: per-capita net income (yuan) above which a 边缘户 marker needs a recorded risk
    monitoring_income_threshold: float = 5000.0
    #: share of members with labour capacity above which 缺劳力 as main cause is doubtful
    labour_shortage_share: float = 0.25
    #: a public-welfare post holder this old or older is doubtful
    public_post_age_limit: int = 70
    #: households planned to exit in the year (the dashboard compares the exits with it); None: no plan
    exit_plan_households: int | None = None

    @property
    def school_date(self) -> dt.date:
        """The date compulsory-school ages are counted on."""
        return self.school_age_date or dt.date(self.year, 9, 1)



@dataclass(frozen=True)
class ProblemRecord:
    """A data-quality problem as lists, panels and printed forms show it."""

    id: int
    rule: str
    category: str
    severity: str  # "error" or "warning"
    household_id: int
    household_no: str
    member_id: int | None
    member_name: str | None
    id_number: str | None
    fields: tuple[str, ...]  # data-dictionary keys the rule read
    message_zh: str
    message_en: str
    status: str  # see povdesk.domain.resolutions.STATUSES
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    resolution: str | None = None
    remark: str | None = None
    township: str = ""
    village: str = ""
    head_name: str = ""  # the household head's name, as the household row records it
    township_code: str = ""
    village_code: str = ""  # two villages of one township may share a name, never a code

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh
