"""The database tables. Column names of the registry tables are the data dictionary's columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    LargeBinary,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from povdesk.db import limits
from povdesk.db.base import Base, utcnow
from povdesk.domain import meanings

Code = String(8)


# --------------------------------------------------------------------------- places
class County(Base):
    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    province: Mapped[str] = mapped_column(String(40), default="")
    prefecture: Mapped[str] = mapped_column(String(40), default="")
    townships: Mapped[list[Township]] = relationship(back_populates="county", order_by="Township.code")


class Township(Base):
    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    county: Mapped[County] = relationship(back_populates="townships")
    villages: Mapped[list[Village]] = relationship(back_populates="township", order_by="Village.code")


class Village(Base):
    __tablename__ = "village"
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    is_poverty_village: Mapped[bool] = mapped_column(default=False)
    exit_year: Mapped[int | None]
    #: True for demo villages whose names and codes were invented (domain.md §6.2).
    synthetic: Mapped[bool] = mapped_column(default=False)
    township: Mapped[Township] = relationship(back_populates="villages")
    groups: Mapped[list[VillagerGroup]] = relationship(back_populates="village", order_by="VillagerGroup.name")


class VillagerGroup(Base):
    """A villager group (村民小组 / 自然村); households name theirs in `Household.group_name`."""

    __tablename__ = "villager_group"
    __table_args__ = (UniqueConstraint("village_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    village: Mapped[Village] = relationship(back_populates="groups")


# --------------------------------------------------------------------------- registry
class Household(Base):
    __tablename__ = "household"
    __table_args__ = (
        # the dashboard's counts by place, status, attribute and exit year, read from the index alone
        Index("ix_household_dashboard", "active", "village_id", "status", "attribute", "exit_year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    household_no: Mapped[str] = mapped_column(String(32), unique=True)
    group_name: Mapped[str | None] = mapped_column(String(40))
    head_name: Mapped[str | None] = mapped_column(String(40), index=True)
    #: the head's name in toneless pinyin (`domain.pinyin.keys`): the list sorts names by it
    head_pinyin: Mapped[str | None] = mapped_column(String(240), index=True)
    head_id_number: Mapped[str | None] = mapped_column(String(24))
    phone: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int | None]
    first_identified_year: Mapped[int | None]
    standard: Mapped[str | None] = mapped_column(Code)
    attribute: Mapped[str | None] = mapped_column(Code)
    status: Mapped[str | None] = mapped_column(Code, index=True)
    exit_year: Mapped[int | None]
    return_year: Mapped[int | None]
    main_cause: Mapped[str | None] = mapped_column(Code)
    other_causes: Mapped[str | None] = mapped_column(String(64))
    return_cause: Mapped[str | None] = mapped_column(Code)
    military_family: Mapped[bool | None]
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(String(40))
    relocation_wish: Mapped[bool | None]
    relocation_mode: Mapped[str | None] = mapped_column(Code)
    relocation_moved_in: Mapped[bool | None]
    is_relocated: Mapped[bool | None]
    is_renovated: Mapped[bool | None]
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    monitoring_type: Mapped[str | None] = mapped_column(Code)
    monitoring_date: Mapped[dt.date | None]
    monitoring_reason: Mapped[str | None] = mapped_column(Code)
    #: household_record_status: 1 on the register, 2 自然销户, 3 清退 (with `cancel_date`).
    record_status: Mapped[str | None] = mapped_column(Code)
    #: Bumped on every change of the household or anything it owns; printed forms carry it.
    version: Mapped[int] = mapped_column(default=1)
    #: False once the whole household is cancelled (整户消亡 / 清退); the rows stay.
    active: Mapped[bool] = mapped_column(default=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    cancel_date: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village: Mapped[Village] = relationship()
    members: Mapped[list[Member]] = relationship(back_populates="household", order_by="Member.sort_order")
    incomes: Mapped[list[Income]] = relationship(back_populates="household", order_by="Income.year")
    conditions: Mapped[list[Conditions]] = relationship(back_populates="household", order_by="Conditions.year")
    measures: Mapped[list[Measure]] = relationship(back_populates="household", order_by="Measure.year")
    pairings: Mapped[list[Pairing]] = relationship(back_populates="household")

    #: No lost update: every ORM UPDATE of a household says `WHERE version = <the version read>`
    #: (the services bump `version` themselves, `RegistryService.journal`), so a write planned from
    #: a household another desk changed meanwhile matches no row and is refused (`StaleDataError`,
    #: turned into `Conflict` "household.version" by `Database.transaction`), on both engines.
    #: (a plain dict as SQLAlchemy's declarative base declares it; ClassVar would clash with its typing)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class SearchKey(Base):
    """What the list's search looks up, by prefix, through one index (`db/search_keys.py` writes
    them; `domain.pinyin` says which): every suffix of a member's name, of its pinyin and of its
    initials, the reversed ID number and the reversed household number (their tails)."""

    __tablename__ = "search_key"
    __table_args__ = (Index("ix_search_key_key_household", "key", "household_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    key: Mapped[str] = mapped_column(String(250))


MEMBER_CURRENT = meanings.MEMBER_CURRENT
MEMBER_DECREASED = "2"
MEMBER_REMOVED = "3"


def current_member_status(status: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """SQL for `meanings.is_current_member` over a status column (`Member.current` uses it)."""
    codes = [c for c in meanings.CURRENT_MEMBER_STATUSES if c is not None]
    # equalities, not IN: an IN list is rendered at execution, which the fast path's raw selects refuse
    tests = [status == c for c in codes]
    if None in meanings.CURRENT_MEMBER_STATUSES:
        tests.insert(0, status.is_(None))
    return or_(*tests)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_household_order", "household_id", "sort_order"),
        # Prefix search reads the household straight from these (covering) indexes.
        Index("ix_member_id_number_household", "id_number", "household_id"),
        Index("ix_member_name_household", "name", "household_id"),
        # current members per household (the dashboard) without reading the member rows
        Index("ix_member_household_status", "household_id", "status"),
        # a broad ID-number search tests each household for a member's number from the index only
        Index("ix_member_household_id_number", "household_id", "id_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    person_no: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(Code)
    id_type: Mapped[str | None] = mapped_column(Code)
    id_number: Mapped[str | None] = mapped_column(String(24))
    birth_date: Mapped[dt.date | None]
    relation: Mapped[str | None] = mapped_column(Code)
    ethnicity: Mapped[str | None] = mapped_column(Code)
    phone: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(Code)
    school_status: Mapped[str | None] = mapped_column(Code)
    out_of_school_reason: Mapped[str | None] = mapped_column(Code)
    health: Mapped[str | None] = mapped_column(Code)
    disability_category: Mapped[str | None] = mapped_column(Code)
    disability_cert_no: Mapped[str | None] = mapped_column(String(24))
    disability_grade: Mapped[str | None] = mapped_column(Code)
    disability_cert_year: Mapped[int | None]
    labour_skill: Mapped[str | None] = mapped_column(Code)
    work_status: Mapped[str | None] = mapped_column(Code)
    work_months: Mapped[int | None]
    work_company: Mapped[str | None] = mapped_column(String(100))
    public_post_type: Mapped[str | None] = mapped_column(Code)
    public_post_from: Mapped[dt.date | None]
    public_post_to: Mapped[dt.date | None]
    public_post_months: Mapped[int | None]
    political_status: Mapped[str | None] = mapped_column(Code)
    is_soldier: Mapped[bool | None]
    speaks_mandarin: Mapped[bool | None]
    dibao: Mapped[bool | None]
    tekun: Mapped[bool | None]
    ins_medical: Mapped[bool | None]
    ins_employee_medical: Mapped[bool | None]
    ins_major_illness: Mapped[bool | None]
    ins_pension: Mapped[bool | None]
    ins_employee_pension: Mapped[bool | None]
    ins_commercial: Mapped[bool | None]
    medical_assistance: Mapped[bool | None]
    family_doctor: Mapped[bool | None]
    chronic_card: Mapped[bool | None]
    #: member_status code list: 1 current, 2 naturally decreased, 3 removed, 4 current (as some
    #: systems write it). Rows are never deleted.
    status: Mapped[str] = mapped_column(Code, default=MEMBER_CURRENT)
    change_reason: Mapped[str | None] = mapped_column(String(100))
    change_date: Mapped[dt.date | None]
    household: Mapped[Household] = relationship(back_populates="members")

    @hybrid_property
    def current(self) -> bool:
        """On the household's roll (`meanings.is_current_member`); `Member.current` is the same
        test in SQL, so a query counts the members the rules count."""
        return meanings.is_current_member(self.status)

    @current.inplace.expression
    @classmethod
    def _current_expression(cls) -> ColumnElement[bool]:
        return current_member_status(cls.status)


class MemberYear(Base):
    """A member's 在校生状况 as a data year's roster gave it (the import keeps one row per current
    member and data year): what EDU-014 compares across three data years."""

    __tablename__ = "member_year"
    year: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    school_status: Mapped[str | None] = mapped_column(Code)


class Income(Base):
    __tablename__ = "income"
    __table_args__ = (UniqueConstraint("household_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int]
    total_income: Mapped[float | None]
    wage: Mapped[float | None]
    business: Mapped[float | None]
    property: Mapped[float | None]
    transfer: Mapped[float | None]
    business_cost: Mapped[float | None]
    net_income: Mapped[float | None]
    per_capita_net: Mapped[float | None]
    dibao_money: Mapped[float | None]
    tekun_money: Mapped[float | None]
    family_planning: Mapped[float | None]
    pension: Mapped[float | None]
    eco_compensation: Mapped[float | None]
    other_transfer: Mapped[float | None]
    dividend: Mapped[float | None]
    other_property: Mapped[float | None]
    public_post_income: Mapped[float | None]
    household: Mapped[Household] = relationship(back_populates="incomes")


class Conditions(Base):
    """Production and living conditions of a household in a year (AC30)."""

    __tablename__ = "conditions"
    __table_args__ = (UniqueConstraint("household_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int]
    farmland: Mapped[float | None]
    irrigated: Mapped[float | None]
    forest: Mapped[float | None]
    grain_for_green: Mapped[float | None]
    orchard: Mapped[float | None]
    pasture: Mapped[float | None]
    water_area: Mapped[float | None]
    electricity: Mapped[bool | None]
    production_power: Mapped[bool | None]
    radio_tv: Mapped[bool | None]
    cooperative: Mapped[bool | None]
    road_distance: Mapped[float | None]
    road_type: Mapped[str | None] = mapped_column(Code)
    house_area: Mapped[float | None]
    house_area_per_capita: Mapped[float | None]
    house_structure: Mapped[str | None] = mapped_column(Code)
    drinking_difficult: Mapped[bool | None]
    drinking_safe: Mapped[bool | None]
    dangerous_house: Mapped[bool | None]
    house_grade: Mapped[str | None] = mapped_column(Code)
    fuel: Mapped[str | None] = mapped_column(Code)
    toilet: Mapped[bool | None]
    leading_enterprise: Mapped[bool | None]
    entrepreneur_help: Mapped[bool | None]
    household: Mapped[Household] = relationship(back_populates="conditions")


class Measure(Base):
    """One assistance measure a household (or one member) received in a year."""

    __tablename__ = "measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    year: Mapped[int]
    category: Mapped[str] = mapped_column(Code)
    item: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float | None]
    quantity: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    implementer: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))
    scale: Mapped[str | None] = mapped_column(String(60))
    completed_on: Mapped[dt.date | None]
    benefit: Mapped[float | None]
    #: Category-specific extras (loan bank, resettlement site, …).
    extra: Mapped[dict[str, Any] | None]
    household: Mapped[Household] = relationship(back_populates="measures")


class Cadre(Base):
    """An assistance cadre (帮扶责任人)."""

    __tablename__ = "cadre"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(Code)
    id_number: Mapped[str | None] = mapped_column(String(24), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    org_name: Mapped[str | None] = mapped_column(String(100))
    org_type: Mapped[str | None] = mapped_column(Code)
    affiliation: Mapped[str | None] = mapped_column(Code)
    position: Mapped[str | None] = mapped_column(String(60))
    rank: Mapped[str | None] = mapped_column(Code)
    political_status: Mapped[str | None] = mapped_column(Code)
    education: Mapped[str | None] = mapped_column(Code)
    specialty: Mapped[str | None] = mapped_column(String(60))
    is_first_secretary: Mapped[bool | None]
    is_team_leader: Mapped[bool | None]
    is_resident: Mapped[bool | None]


class Pairing(Base):
    """A cadre responsible for a household over a period (结对帮扶)."""

    __tablename__ = "pairing"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    valid: Mapped[bool] = mapped_column(default=True)
    household: Mapped[Household] = relationship(back_populates="pairings")
    cadre: Mapped[Cadre] = relationship()


# --------------------------------------------------------------------------- history and people
class ChangeLog(Base):
    """One changed field: the registry's history is these rows, never silent overwrites."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_household_at", "household_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    #: Where the change came from: a `povdesk.domain.journal.JournalSource` (edit, import, …)
    source: Mapped[str] = mapped_column(String(30))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: The changed row: entity of the data dictionary and its primary key.
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None]
    #: Data-dictionary key (`member.relation`), or an event name (`member.added`).
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(200))
    #: What carried the change in: an import run, a print batch, an adjustment id.
    reference: Mapped[str | None] = mapped_column(String(60))


class AppUser(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    #: clerk (录入员), reviewer (审核员), director (签发)
    role: Mapped[str] = mapped_column(String(20), default="clerk")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: argon2 hash (argon2-cffi's PasswordHasher); None: this user cannot log in
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: wrong passwords since the last success or lockout; five lock the login
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    #: UTC; the login is refused until then
    locked_until: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """One entry of the append-only audit log; `hash` is the SHA-256 of the entry's canonical text,
    which includes the previous entry's hash (`services/audit.py`)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(Text)
    #: JSON with sorted keys, exactly the text hashed
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# --------------------------------------------------------------------------- office settings
class CodeItemRow(Base):
    """An office's edit of a shipped code list, or an added item (domain.md §8)."""

    __tablename__ = "code_item"
    __table_args__ = (UniqueConstraint("list_key", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    list_key: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(8))
    zh: Mapped[str] = mapped_column(String(60))
    en: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)


class YearSetting(Base):
    """Per-year figures the clerk maintains: exit income line, school ages, reference date."""

    __tablename__ = "year_setting"
    year: Mapped[int] = mapped_column(primary_key=True)
    exit_income_line: Mapped[float]
    national_line: Mapped[float | None]
    #: where the figures come from; a local change keeps what it replaced after "此前："
    source: Mapped[str | None] = mapped_column(Text)
    school_age_from: Mapped[int] = mapped_column(default=6)
    school_age_to: Mapped[int] = mapped_column(default=15)
    reference_date: Mapped[dt.date | None]
    #: a poor village may exit while its incidence of poverty (%) is at most this (3 in the west)
    village_exit_incidence: Mapped[float] = mapped_column(default=3.0, server_default="3")
    #: compulsory-school ages are counted on this day (empty: 1 September of the year)
    school_age_date: Mapped[dt.date | None]
    working_age_from: Mapped[int] = mapped_column(default=16, server_default="16")
    working_age_to: Mapped[int] = mapped_column(default=60, server_default="60")
    monitoring_income_threshold: Mapped[float] = mapped_column(default=5000.0, server_default="5000")
    labour_shortage_share: Mapped[float] = mapped_column(default=0.25, server_default="0.25")
    public_post_age_limit: Mapped[int] = mapped_column(default=70, server_default="70")
    #: households the county plans to lift out of poverty in the year (the dashboard's plan); empty: none set
    exit_plan_households: Mapped[int | None]


class RuleSwitch(Base):
    """An office's decision to run a rule, or not, on one data year (who, when and why): overrides
    the year range the rule states."""

    __tablename__ = "rule_switch"
    __table_args__ = (UniqueConstraint("rule", "year", name="uq_rule_switch_rule_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(24))
    year: Mapped[int]
    enabled: Mapped[bool]
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class Meta(Base):
    """Small key/value facts about this database (data year, demo seed, county code)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeCounter(Base):
    """One row (id 1), bumped by every commit another desk should see: on SQLite the second window
    polls it (on PostgreSQL the commit sends NOTIFY instead). `last` is the newest commit's
    announcement (JSON: kinds, household and place ids), so one step tells a poller what changed."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)
    last: Mapped[str | None] = mapped_column(Text)


class DemoFault(Base):
    """What the demo generator broke on purpose, so the checks can be measured against it."""

    __tablename__ = "demo_fault"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    kind: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[str | None] = mapped_column(String(200))


# --------------------------------------------------------------------------- data-quality checks
class CheckRun(Base):
    __tablename__ = "check_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    user: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(60), default="county")
    catalogue_version: Mapped[str] = mapped_column(String(20), default="")
    counts: Mapped[dict[str, Any] | None]


class Problem(Base):
    """A rule's finding on a household or member, tracked until rectified or accepted."""

    __tablename__ = "problem"
    __table_args__ = (Index("ix_problem_fingerprint_status", "fingerprint", "status"),
                      # the problems panel: open problems counted by rule, one rule's pages by place
                      Index("ix_problem_status_rule_household", "status", "rule", "household_id", "severity"))
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: rule + household + member: at most one open problem per fingerprint.
    fingerprint: Mapped[str] = mapped_column(String(80))
    #: the dictionary keys the rule names, comma-separated; unbounded (INC-004 names 17: 326 characters)
    fields: Mapped[str] = mapped_column(Text, default="")
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    values: Mapped[dict[str, Any] | None]
    #: open, rectified, accepted
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("check_run.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("check_run.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None] = mapped_column(String(200))
    remark: Mapped[str | None] = mapped_column(String(200))


class ProblemEvent(Base):
    __tablename__ = "problem_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    old_status: Mapped[str | None] = mapped_column(String(12))
    new_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(String(200))


# --------------------------------------------------------------------------- printing and exchange
class PrintBatch(Base):
    __tablename__ = "print_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    #: The choices that selected the households (township, village, sample %, seed, …).
    params: Mapped[dict[str, Any] | None]
    household_count: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(String(260))


class PrintBatchItem(Base):
    """A household as printed in a batch: its record version and the snapshot on the paper."""

    __tablename__ = "print_batch_item"
    __table_args__ = (UniqueConstraint("batch_id", "household_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("print_batch.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    household_version: Mapped[int]
    serial: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[dict[str, Any] | None]


#: The longest spreadsheet header remembered (a longer one is mapped for the import at hand only).
HEADER_LENGTH = 120


class HeaderMapping(Base):
    """A spreadsheet header the user mapped to a dictionary field; remembered for next time."""

    __tablename__ = "header_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    header: Mapped[str] = mapped_column(String(HEADER_LENGTH), unique=True)
    field_key: Mapped[str] = mapped_column(String(60))  # "" = ignore this column
    user: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ImportRun(Base):
    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict[str, Any] | None]


# --------------------------------------------------------------------------- change requests
class ChangeRequest(Base):
    """A change to the registry as a clerk asked for it, reviewed and signed off
    (`povdesk.services.changes`); only an approved request touches the registry."""

    __tablename__ = "change_request"
    __table_args__ = (Index("ix_change_request_status_period", "status", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: a `povdesk.domain.changes.TYPES` code: correct, exit, member-out, …
    type: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    #: the member the request is about (member-out), by id
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: draft, submitted, returned, approved, rejected, signed_off
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    based_on_version: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    #: a code of the type's code list (return_cause, increase_reason, decrease_reason)
    cause: Mapped[str | None] = mapped_column(String(8))
    event_date: Mapped[dt.date | None]
    #: the year of an exit or return
    year: Mapped[int | None]
    #: member-out of the head: the member who becomes head
    new_head_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: the notice record (assessment_date, notice_start, notice_end, township_review_date, township_reviewer)
    notice: Mapped[dict[str, Any] | None]
    #: typed, form (a PD1-… payload), workbook, import
    source: Mapped[str] = mapped_column(String(20), default="typed")
    source_ref: Mapped[str | None] = mapped_column(String(120))
    maker: Mapped[str] = mapped_column(String(40))
    reviewer: Mapped[str | None] = mapped_column(String(40))
    signer: Mapped[str | None] = mapped_column(String(40))
    #: 'YYYY-MM' the request was approved in (the month it is signed off with)
    period: Mapped[str | None] = mapped_column(String(7))
    review_comment: Mapped[str | None] = mapped_column(String(500))
    #: what a type records besides its fields (village-exit: the incidence of poverty it was judged on)
    detail: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    fields: Mapped[list[ChangeField]] = relationship(order_by="ChangeField.id", cascade="all, delete-orphan")
    events: Mapped[list[ChangeEvent]] = relationship(order_by="ChangeEvent.id")


class ChangeField(Base):
    """One field a request changes: before as the maker saw it, after as asked (journal texts)."""

    __tablename__ = "change_field"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    #: data-dictionary key (`member.education`)
    field: Mapped[str] = mapped_column(String(60))
    #: the member changed (None: a household field, or a member still to be added)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: new-household: the proposed member a member field belongs to (0, 1, … in the file's order)
    member_index: Mapped[int | None]
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    #: a request made from a printed form takes `before` as printed; where the registry held another
    #: value when the request was made, that value (the field is marked: changed since printing)
    current: Mapped[str | None] = mapped_column(Text)


class ChangeEvent(Base):
    """One state change of a request: who, when, from and to, and the comment."""

    __tablename__ = "change_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(String(500))


class EvidenceFile(Base):
    """A file backing a request (a scan of the signed form, 户口本, 死亡证明): stored once by its SHA-256."""

    __tablename__ = "evidence_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(260))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChangeEvidence(Base):
    """Which evidence files a request carries (a file may back several requests)."""

    __tablename__ = "change_evidence"
    __table_args__ = (UniqueConstraint("request_id", "file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("evidence_file.id"))
    #: the name the file was given on this request
    name: Mapped[str] = mapped_column(String(260))


class PeriodClose(Base):
    """A month signed off and closed; a reopening keeps the row with who, when and why."""

    __tablename__ = "period_close"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: 'YYYY-MM'
    period: Mapped[str] = mapped_column(String(7), index=True)
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(40))
    reopened_at: Mapped[dt.datetime | None]
    reopened_by: Mapped[str | None] = mapped_column(String(40))
    reopen_reason: Mapped[str | None] = mapped_column(String(200))


# --------------------------------------------------------------------------- monthly packages (issue 12)
class ChangePackage(Base):
    """A monthly package sent to the province (`povdesk.services.packages`): the file written, its
    place in the county's chain (sequence within the month, the previous package's hash)."""

    __tablename__ = "change_package"
    __table_args__ = (UniqueConstraint("period", "sequence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: 'YYYY-MM'
    period: Mapped[str] = mapped_column(String(7), index=True)
    #: 1, 2, … within the month
    sequence: Mapped[int]
    county_code: Mapped[str] = mapped_column(String(12))
    file_name: Mapped[str] = mapped_column(String(260))
    #: SHA-256 of the zip, of its manifest.json, of the package before it (None for the first)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[int]
    #: {"by_type": {type: n}, "by_township": {code: n}}
    counts: Mapped[dict[str, Any] | None]
    #: the latest sign-off of its requests (the time the manifest carries)
    signed_off_at: Mapped[dt.datetime]
    exported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    exported_by: Mapped[str] = mapped_column(String(40))
    key_fingerprint: Mapped[str] = mapped_column(String(64))


class ChangePackageItem(Base):
    """A signed-off request carried by a package: each request in exactly one (unique request_id)."""

    __tablename__ = "change_package_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("change_package.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), unique=True)
    #: the province's answer (`package feedback`): accepted, rejected, or None while none came
    result: Mapped[str | None] = mapped_column(String(10))
    #: the province's reason for a rejection
    result_reason: Mapped[str | None] = mapped_column(String(500))
    #: the feedback file that brought the answer
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("package_feedback.id"))
    #: a rejection: the new request, returned to the maker, that carries the change again
    returned_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_request.id"))


class PackageFeedback(Base):
    """A feedback file of the province received for a package (`package feedback`): when, by whom,
    the file's SHA-256, and how many of the package's changes it accepted and rejected (a file
    answering several packages has one row per package)."""

    __tablename__ = "package_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("change_package.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(260))
    file_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    received_by: Mapped[str] = mapped_column(String(40))
    accepted: Mapped[int]
    rejected: Mapped[int]


class OfficeKey(Base):
    """The office's Ed25519 key pair; the private key encrypted with a key derived (scrypt) from the
    password of the director who made it (`holder`)."""

    __tablename__ = "office_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_pem: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the raw public key, hex
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    holder: Mapped[str] = mapped_column(String(40))
    #: {"kdf": "scrypt", "n": …, "r": …, "p": …, "salt": hex, "nonce": hex, "cipher": "AES-256-GCM"}
    params: Mapped[dict[str, Any]]
    encrypted_private: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# Every engine refuses what a column cannot hold, and says so in words (povdesk.db.limits).
limits.install(Base)
limits.install_error_handler(Base.metadata)
