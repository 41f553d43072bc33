"""The demo county: a realistic, invented Leibo county with recorded faults, so every feature has data
to show and the checks have something real to find (issue #2 part 5, domain.md §1, §2, §6).

Everything is drawn from one `random.Random(seed)`: same seed, same database. Households are
generated and written a batch of townships at a time (to keep memory flat) inside ONE transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from povdesk.db.models import (
    MEMBER_CURRENT,
    AppUser,
    Cadre,
    ChangeLog,
    CheckRun,
    Conditions,
    County,
    DemoFault,
    Household,
    Income,
    Measure,
    Member,
    Meta,
    Pairing,
    PrintBatch,
    PrintBatchItem,
    Problem,
    ProblemEvent,
    Township,
    Village,
    VillagerGroup,
    YearSetting,
)
from povdesk.demo import data as dd
from povdesk.demo.faults import EMPTY_MANDATORY_FIELDS, FAULT_KINDS
from povdesk.domain import admin, idnumber
from povdesk.domain.roles import CLERK, DIRECTOR, REVIEWER
from povdesk.errors import Cancelled, PovdeskError
from povdesk.services.database import Database

YEAR = 2019
PREV = 2018
REF = dt.date(YEAR, 12, 31)
#: Timestamps of demo rows: the as-of moment of the invented snapshot (keeps builds identical).
AS_OF = dt.datetime(YEAR, 12, 31, 12, 0, 0)
REGION = admin.LEIBO[0]
FAULT_SHARE = 0.04
BATCH_HOUSEHOLDS = 1000
META_KEY = "demo"

#: Registry tables, children first: what `replace=True` clears.
_CLEAR_ORDER = (ProblemEvent, Problem, CheckRun, PrintBatchItem, PrintBatch, DemoFault, ChangeLog,
                Pairing, Cadre, Measure, Income, Conditions, Member, Household, VillagerGroup, Village,
                Township, County)

_TRANSFER_PARTS = ("dibao_money", "tekun_money", "family_planning", "pension", "eco_compensation",
                   "other_transfer")
_GENDERED = {"03": "04", "04": "03", "05": "06", "06": "05", "07": "08", "08": "07", "09": "10",
             "10": "09", "11": "12", "12": "11", "13": "14", "14": "13", "15": "16", "16": "15",
             "17": "18", "18": "17", "19": "20", "20": "19"}
_CHILD_CAUSES_FREE = ("04", "05", "06", "07", "09", "10", "11")
_ILL = ("02", "03", "05", "06")
_DISABLED = ("04", "05", "06")


@dataclass(frozen=True)
class DemoSummary:
    households: int
    members: int  # every member row, naturally decreased ones included
    villages: int
    faults: int
    seconds: float
    current_members: int = 0  # members still in the household (what the window counts)


def _cols(model: type) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns)  # type: ignore[attr-defined]


_MEMBER_COLS = _cols(Member)
_HOUSEHOLD_COLS = _cols(Household)
_INCOME_COLS = _cols(Income)
_COND_COLS = _cols(Conditions)
_MEASURE_COLS = _cols(Measure)
_CADRE_COLS = _cols(Cadre)


def _weighted(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def _r10(x: float) -> float:
    return float(round(x / 10.0) * 10)


def _r100(x: float) -> float:
    return float(round(x / 100.0) * 100)


def settle_income(inc: dict[str, Any], size: int) -> None:
    """Recompute the sums of an income row from its parts (domain.md §1.1 arithmetic)."""
    inc["property"] = inc["dividend"] + inc["other_property"]
    inc["transfer"] = float(sum(inc[k] for k in _TRANSFER_PARTS))
    inc["total_income"] = inc["wage"] + inc["business"] + inc["property"] + inc["transfer"]
    inc["net_income"] = inc["total_income"] - inc["business_cost"]
    inc["per_capita_net"] = round(inc["net_income"] / size, 2) if size else None


class _H:
    """One generated household while its batch is in memory."""

    __slots__ = ("cadre", "cond", "faulted", "incomes", "measures", "members", "row", "township", "yi")

    def __init__(self, row: dict[str, Any], yi: bool, township: tuple[str, str]) -> None:
        self.row = row
        self.members: list[dict[str, Any]] = []
        self.incomes: dict[int, dict[str, Any]] = {}
        self.cond: dict[str, Any] = {}
        self.measures: list[dict[str, Any]] = []
        self.yi = yi
        self.township = township
        self.cadre: dict[str, Any] | None = None
        self.faulted = False

    @property
    def current(self) -> list[dict[str, Any]]:
        return [m for m in self.members if m["status"] == "1"]

    @property
    def head(self) -> dict[str, Any]:
        return self.members[0]

    @property
    def size(self) -> int:
        return len(self.current)

    @property
    def exited(self) -> bool:
        return self.row["status"] == "1"


class _Generator:
    """Draws the county; pure Python apart from the rows it hands to `DemoService` for insertion."""

    def __init__(self, *, households: int, seed: int, lines: dict[int, float]) -> None:
        self.n = households
        self.rng = random.Random(seed)
        self.lines = lines
        self.ids_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.next_id = {"household": 1, "member": 1, "income": 1, "conditions": 1, "measure": 1,
                        "cadre": 1, "pairing": 1, "fault": 1}
        target = max(round(households * FAULT_SHARE), min(len(FAULT_KINDS) + 4, households // 5))
        self.fault_target = min(target, households)
        self.kind_queue: list[str] = []
        self.faults_done = 0
        self.households_done = 0

    # ------------------------------------------------------------------ places
    def places(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                              list[tuple[int, int, bool, tuple[str, str], list[str]]]]:
        """Townships, villages, groups and, per village, (village id, household count, yi, township,
        group names)."""
        rng = self.rng
        base = max(2 if self.n >= 500 else 1, min(6, round(self.n / 49 / 60)))
        townships, villages, groups = [], [], []
        plan: list[tuple[int, bool, tuple[str, str], float, list[str]]] = []
        vid = 0
        for tid, (tcode, tname) in enumerate(admin.LEIBO_TOWNSHIPS_2019, start=1):
            townships.append({"id": tid, "county_id": 1, "code": tcode, "name": tname})
            yi = tcode not in admin.LEIBO_HAN_TOWNS
            count = max(1, min(7, base + rng.choice((-1, 0, 0, 1))))
            for k, name in enumerate(dd.village_names(rng, count, yi=yi)):
                vid += 1
                poverty = rng.random() < 0.6
                villages.append({"id": vid, "township_id": tid, "code": f"{tcode}{201 + k:03d}",
                                 "name": name, "is_poverty_village": poverty,
                                 "exit_year": rng.choice((2016, 2017, 2018, 2018, 2019, 2019)) if poverty else None,
                                 "synthetic": True})
                weight = (1.0 if yi else 0.5) * rng.uniform(0.6, 1.4)
                plan.append((vid, yi, (tcode, tname), weight, []))
        # households per village: largest remainder of the weights
        total_w = sum(p[3] for p in plan)
        raw = [self.n * p[3] / total_w for p in plan]
        counts = [int(x) for x in raw]
        rest = sorted(range(len(plan)), key=lambda i: (counts[i] - raw[i], i))
        for i in rest[: self.n - sum(counts)]:
            counts[i] += 1
        gid = 0
        out = []
        for (vid, yi, town, _w, _), count in zip(plan, counts, strict=True):
            n_groups = max(2, min(8, count // 12 + rng.randint(0, 2)))
            names = [dd.group_name(g) for g in range(1, n_groups + 1)]
            for name in names:
                gid += 1
                groups.append({"id": gid, "village_id": vid, "name": name})
            out.append((vid, count, yi, town, names))
        return townships, villages, groups, out

    # ------------------------------------------------------------------ people
    def _id_number(self, born: dt.date, male: bool) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(500) * 2 + (1 if male else 0)
            number = idnumber.make(REGION, born, seq)
            if number not in self.ids_used:
                self.ids_used.add(number)
                return number

    def _born(self, age: int) -> dt.date:
        year = YEAR - age
        days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(days))

    def _person(self, h: _H, relation: str, male: bool, age: int, surname: str | None = None,
                han: bool | None = None) -> dict[str, Any]:
        rng = self.rng
        han = (not h.yi) if han is None else han
        if surname is None:
            surname = rng.choice(dd.HAN_SURNAMES if han else dd.YI_SURNAMES)
        name = dd.han_name(rng, surname, male) if han else dd.yi_name(rng, surname, male)
        born = self._born(age)
        return {
            "name": name, "sex": "1" if male else "2", "id_type": "1", "birth_date": born,
            "id_number": self._id_number(born, male), "relation": relation,
            "ethnicity": "01" if han else "07", "status": "1", "_age": age, "_surname": surname,
            "_late": born.month >= 9, "_han": han, "work_status": None, "work_company": None,
            "disability_category": None, "disability_cert_no": None, "change_reason": None,
            "change_date": None, "phone": None, "dropout_reason": None,
        }

    def _compose(self, h: _H, tekun: bool) -> None:
        rng = self.rng
        yi = h.yi
        add = h.members.append
        if tekun:
            male = rng.random() < 0.55
            age = rng.randint(66, 88)
            head = self._person(h, "01", male, age)
            add(head)
            if rng.random() < 0.25:
                add(self._person(h, "02", not male, max(62, min(92, age + rng.randint(-5, 5)))))
            return
        size = _weighted(rng, ((1, 2), (2, 8), (3, 14), (4, 21), (5, 21), (6, 16), (7, 10), (8, 5), (9, 2),
                               (10, 1))
                         if yi else ((1, 8), (2, 22), (3, 30), (4, 24), (5, 12), (6, 4)))
        head_male = rng.random() < 0.88
        head_age = rng.randint(24, 74)
        if size == 1:
            head_age = rng.randint(45, 80)
        head = self._person(h, "01", head_male, head_age)
        add(head)
        # children take the father's clan name; a woman head's late husband's clan is invented
        family = head["_surname"] if head_male else rng.choice(dd.HAN_SURNAMES if not yi else dd.YI_SURNAMES)
        mother_age = head_age if not head_male else None
        if head_male and size >= 2 and rng.random() < 0.93:
            wife_age = max(19, head_age - rng.randint(-3, 8))
            add(self._person(h, "02", False, wife_age))
            mother_age = wife_age
        slots = size - len(h.members)
        if slots >= 2 and head_age <= 48 and rng.random() < 0.25:
            male = rng.random() < 0.45
            add(self._person(h, "11" if male else "12", male, min(92, head_age + rng.randint(20, 32)),
                             surname=family if male else None))
            slots -= 1
        parent_age = min(head_age, mother_age if mother_age is not None else head_age)
        if slots >= 3 and parent_age >= 46 and rng.random() < 0.7:
            son_age = rng.randint(max(20, head_age - 38), min(head_age - 20, parent_age - 19))
            son = self._person(h, "03", True, son_age, surname=family)
            add(son)
            dil_age = max(18, son_age - rng.randint(-2, 5))
            add(self._person(h, "05", False, dil_age))
            slots -= 2
            young_parent = min(son_age, dil_age)
            if slots and rng.random() < 0.3:
                age = rng.randint(16, max(16, son_age - 1))
                male = rng.random() < 0.5
                add(self._person(h, "03" if male else "04", male, age, surname=family))
                slots -= 1
            hi = young_parent - 18
            age = rng.randint(max(0, hi - 6), hi) if hi >= 0 else -1
            for _ in range(slots):
                if age < 0:
                    age = rng.randint(0, max(0, hi))
                male = rng.random() < 0.52
                add(self._person(h, "07" if male else "08", male, max(0, min(hi, age)), surname=family))
                age -= rng.randint(1, 3)
            return
        hi = parent_age - 18
        lo = max(0, parent_age - 42)
        age = rng.randint(lo, hi) if slots else 0
        for _ in range(slots):
            if age < 0:
                age = rng.randint(0, hi)
            male = rng.random() < 0.52
            add(self._person(h, "03" if male else "04", male, age, surname=family))
            age -= rng.randint(1, 3)

    def _fill(self, h: _H, m: dict[str, Any], attribute: str, poor: bool) -> None:
        """School, education, health, labour, work, insurance: consistent with age (domain.md §5.3)."""
        rng = self.rng
        age, late, han = m["_age"], m["_late"], m["_han"]
        # health
        if age < 16:
            health = _weighted(rng, (("01", 985), ("02", 5), ("04", 10)))
        elif age < 60:
            health = _weighted(rng, (("01", 85), ("02", 7), ("03", 3), ("04", 4), ("05", 0.5), ("06", 0.5)))
        else:
            health = _weighted(rng, (("01", 55), ("02", 28), ("03", 7), ("04", 8), ("05", 1), ("06", 1)))
        m["health"] = health
        if health in _DISABLED:
            cat = rng.randint(1, 7)
            m["disability_category"] = str(cat)
            m["disability_cert_no"] = f"{m['id_number']}{cat}{rng.randint(1, 4)}"
        # school
        school, education, exemption = "01", None, None
        if age <= 3:
            education = "06"
        elif age <= 5:
            if age >= 4 and rng.random() < 0.55:
                school = "02"
            else:
                education = "06"
        elif age <= 15:
            if health in _DISABLED and rng.random() < 0.6:
                exemption = rng.choice(("01", "02"))
                education = "01" if age >= 7 else "06"
            elif age <= 12:
                school = "03"
            elif age == 13:
                school = "04"
            elif age == 14:
                school = "05"
            else:
                school = "06"
        elif age == 16 and late:
            school = "06"
        elif age <= 18:
            if rng.random() < (0.55 if han else 0.4):
                year = age - 16  # 0, 1, 2
                school = ("07", "08", "09")[year] if rng.random() < 0.7 else ("10", "11", "12")[year]
        elif age <= 22 and rng.random() < (0.2 if han else 0.1):
            school = "16" if rng.random() < 0.6 else ("13", "14", "15")[min(2, age - 19)]
        if school == "01" and education is None:
            if age <= 22:
                education = _weighted(rng, (("03", 60), ("04", 30), ("02", 10)) if han
                                      else (("03", 60), ("02", 35), ("04", 5)))
            elif age <= 40:
                education = _weighted(rng, (("02", 25), ("03", 50), ("04", 20), ("05", 5)) if han
                                      else (("01", 25), ("02", 40), ("03", 30), ("04", 5)))
            elif age <= 60:
                education = _weighted(rng, (("01", 10), ("02", 45), ("03", 40), ("04", 5)) if han
                                      else (("01", 60), ("02", 30), ("03", 10)))
            else:
                education = _weighted(rng, (("01", 40), ("02", 50), ("03", 10)) if han
                                      else (("01", 90), ("02", 10)))
        m["school_status"], m["education"], m["school_exemption"] = school, education, exemption
        student = school != "01"
        # labour
        if age < 16 or student:
            labour = "04"
        elif age <= 60:
            if health == "01":
                labour = "02" if rng.random() < 0.2 else "01"
            elif health == "02":
                labour = "05" if rng.random() < 0.5 else "01"
            else:
                labour = "03" if rng.random() < 0.6 else "05"
        elif age <= 65:
            labour = ("05" if rng.random() < 0.6 else "01") if health == "01" else "03"
        else:
            labour = "05" if health == "01" and rng.random() < 0.3 else "04"
        m["labour_skill"] = labour
        # migrant work
        m["work_months"] = None if age < 16 else 0
        can_work = not student and 16 <= age <= 58 and labour in ("01", "02", "05") and m["status"] == "1"
        if can_work and rng.random() < (0.25 if poor else (0.5 if han else 0.55)):
            m["work_status"] = _weighted(rng, (("01", 15), ("02", 20), ("03", 35), ("04", 30)))
            m["work_months"] = rng.randint(1, 5) if poor else rng.randint(3, 12)
            if m["work_status"] in ("03", "04") and rng.random() < 0.5:
                m["work_company"] = rng.choice(dd.WORK_COMPANIES)
        # status, flags, insurance
        if age >= 18 and rng.random() < 0.03:
            m["political_status"] = "01"
        elif 14 <= age <= 28 and rng.random() < 0.12:
            m["political_status"] = "03"
        else:
            m["political_status"] = "13"
        m["is_soldier"] = False
        m["speaks_mandarin"] = True if han else (age >= 6 and (age < 50 or rng.random() < 0.3))
        m["dibao"] = attribute == "04"
        m["tekun"] = attribute == "06"
        m["ins_medical"] = True
        m["ins_employee_medical"] = False
        m["ins_major_illness"] = True
        m["ins_pension"] = age >= 16 and not student
        m["ins_employee_pension"] = False
        m["ins_commercial"] = rng.random() < 0.6
        m["medical_assistance"] = health in ("03", "06")

    # ------------------------------------------------------------------ one household
    def household(self, hid: int, village_id: int, village_code: str, seq: int, group: str, yi_place: bool,
                  town: tuple[str, str]) -> _H:
        rng = self.rng
        # a few Han households in Yi townships and Yi households in the towns
        yi = yi_place != (rng.random() < (0.08 if yi_place else 0.2))
        kind = _weighted(rng, (("06", 3), ("04", 20), ("01", 77)))
        status = _weighted(rng, (("1", 93), ("0", 5), ("3", 2)))
        if kind == "06":
            status = "1"
        first = _weighted(rng, ((2014, 70), (2015, 15), (2016, 15)))
        exit_year = return_year = return_cause = None
        if status == "1":
            exit_year = _weighted(rng, ((2014, 6), (2015, 10), (2016, 14), (2017, 16), (2018, 22), (2019, 26)))
            first = min(first, exit_year)
        elif status == "3":
            exit_year = rng.randint(max(first, 2015), 2018)
            return_year = rng.randint(exit_year + 1, 2019)
            return_cause = _weighted(rng, (("01", 40), ("02", 10), ("04", 25), ("09", 10), ("13", 5), ("14", 10)))
        household_no = f"{village_code}{seq:05d}"
        row = {
            "id": hid, "village_id": village_id, "household_no": household_no, "group_name": group,
            "phone": self._phone(), "first_identified_year": first, "standard": "1",
            "attribute": kind, "status": status, "exit_year": exit_year, "return_year": return_year,
            "return_cause": return_cause, "military_family": False,
            "bank_name": rng.choice(("雷波县农村信用合作联社", "中国农业银行雷波县支行", "中国邮政储蓄银行雷波县支行")),
            "bank_account": "6217" + "".join(str(rng.randrange(10)) for _ in range(15)),
            "relocation_wish": False, "relocation_mode": None, "relocation_moved_in": None,
            "version": 1, "active": True, "created_at": AS_OF, "updated_at": AS_OF,
        }
        h = _H(row, yi, town)
        self._compose(h, tekun=kind == "06")
        poor = status != "1"
        # a naturally decreased member now and then (died or married out, before 2018)
        if kind != "06" and rng.random() < 0.05:
            parents = min([m["_age"] for m in h.members if m["relation"] in ("01", "02")])
            if rng.random() < 0.5 and h.head["_age"] <= 60 and \
                    not any(m["relation"] in ("11", "12") for m in h.members):
                p = self._person(h, "12", False, min(95, h.head["_age"] + rng.randint(22, 34)))
                p["change_reason"] = "死亡"
            else:
                hi = parents - 18
                if hi < 18:
                    p = None
                else:
                    p = self._person(h, "04", False, rng.randint(18, min(26, hi)), surname=h.head["_surname"])
                    p["change_reason"] = "婚出"
            if p is not None:
                p["status"] = "2"
                p["change_date"] = dt.date(2017, rng.randint(1, 12), rng.randint(1, 28))
                h.members.append(p)
        for k, m in enumerate(h.members):
            self._fill(h, m, kind, poor)
            m["sort_order"] = k
            m["person_no"] = f"{household_no}{k + 1:02d}"
            m["household_id"] = hid
        head = h.head
        head["phone"] = row["phone"]
        row["head_name"] = head["name"]
        row["head_id_number"] = head["id_number"]
        row["size"] = h.size
        self._causes(h)
        self._conditions(h)
        self._incomes(h)
        if h.exited and poor:  # its income lifted it over the line: it exits this year (一超六有)
            h.cond.update(dangerous_house=False, house_grade="2", drinking_safe=True,
                          drinking_difficult=False, radio_tv=True, electricity=True)
        self._measures(h)
        return h

    def _phone(self) -> str:
        while True:
            p = dd.mobile_number(self.rng)
            if p not in self.phones_used:
                self.phones_used.add(p)
                return p

    def _causes(self, h: _H) -> None:
        rng = self.rng
        cur = h.current
        ill = any(m["health"] in _ILL for m in cur)
        disabled = any(m["health"] in _DISABLED for m in cur)
        student = any(m["school_status"] != "01" for m in cur)
        table: list[tuple[str, float]] = [("04", 4), ("05", 8), ("06", 3), ("07", 20), ("08", 10),
                                          ("09", 18), ("10", 8), ("11", 5)]
        if ill:
            table.append(("01", 30))
        if disabled:
            table.append(("02", 15))
        if student:
            table.append(("03", 12))
        if h.row["attribute"] == "06":
            table = [("08", 10)] + [t for t in table if t[0] in ("01", "02")]
        main = _weighted(rng, tuple(table))
        others = [c for c in _CHILD_CAUSES_FREE if c != main]
        n = _weighted(rng, ((0, 50), (1, 35), (2, 15)))
        h.row["main_cause"] = main
        h.row["other_causes"] = ",".join(sorted(rng.sample(others, n))) or None

    def _conditions(self, h: _H) -> None:
        rng = self.rng
        size = max(1, h.size)
        exited = h.exited
        farmland = round(size * rng.uniform(1.2, 3.2) if h.yi else size * rng.uniform(0.6, 1.8), 1)
        forest = round(rng.uniform(0, 8), 1)
        ggf = round(rng.uniform(0.5, forest), 1) if forest >= 1 and rng.random() < 0.5 else 0.0
        relocated = exited and h.yi and rng.random() < 0.1
        if relocated:
            h.row["relocation_wish"] = True
            h.row["relocation_mode"] = "1" if rng.random() < 0.7 else "0"
            h.row["relocation_moved_in"] = True
        else:
            h.row["relocation_wish"] = False if exited else rng.random() < 0.2
            h.row["relocation_mode"] = None
            h.row["relocation_moved_in"] = None
        dangerous = (not exited) and rng.random() < 0.25
        safe_water = exited or rng.random() < 0.8
        h.cond = {
            "household_id": h.row["id"], "year": YEAR, "farmland": farmland,
            "irrigated": round(farmland * rng.uniform(0, 0.3), 1), "forest": forest,
            "grain_for_green": ggf, "orchard": round(rng.uniform(0, 2.5 if not h.yi else 1.0), 1),
            "pasture": round(rng.uniform(0, 5), 1) if h.yi else 0.0, "water_area": 0.0,
            "electricity": True, "production_power": rng.random() < 0.9,
            "radio_tv": exited or rng.random() < 0.85, "cooperative": rng.random() < 0.6,
            "road_distance": round(rng.uniform(0.1, 4.5), 1),
            "road_type": _weighted(rng, (("03", 70), ("02", 20), ("04", 5), ("01", 5))),
            "house_area": float(size * 25) if relocated else float(rng.randint(45, 140)),
            "drinking_difficult": not safe_water, "drinking_safe": safe_water,
            "dangerous_house": dangerous,
            "house_grade": rng.choice(("3", "4")) if dangerous else ("1" if relocated or rng.random() < 0.6 else "2"),
            "fuel": _weighted(rng, (("01", 70), ("04", 25), ("03", 5)) if h.yi
                              else (("04", 45), ("01", 35), ("03", 20))),
            "toilet": rng.random() < (0.85 if exited else 0.5),
            "leading_enterprise": rng.random() < 0.3, "entrepreneur_help": rng.random() < 0.2,
        }

    def _income_row(self, h: _H, year: int) -> dict[str, Any]:
        return {"household_id": h.row["id"], "year": year, "wage": 0.0, "business": 0.0,
                "business_cost": 0.0, "dividend": 0.0, "other_property": 0.0, "dibao_money": 0.0,
                "tekun_money": 0.0, "family_planning": 0.0, "pension": 0.0, "eco_compensation": 0.0,
                "other_transfer": 0.0}

    def _incomes(self, h: _H) -> None:
        rng = self.rng
        cur = h.current
        size = len(cur)
        inc = self._income_row(h, YEAR)
        monthly = [_r100(rng.uniform(2200, 4600)) for _ in cur]
        inc["wage"] = float(sum((m["work_months"] or 0) * w for m, w in zip(cur, monthly, strict=True)))
        kind = h.row["attribute"]
        if kind != "06":
            inc["business"] = _r100(rng.uniform(2000, 9000) + size * 300 if h.yi else rng.uniform(3000, 14000))
        cost_ratio = rng.uniform(0.25, 0.45)
        inc["business_cost"] = max(10.0, _r10(inc["business"] * cost_ratio)) if inc["business"] else 0.0
        if rng.random() < 0.3:
            inc["dividend"] = _r10(rng.uniform(300, 800))
        poor = h.row["status"] != "1"
        if kind == "04":
            inc["dibao_money"] = float(sum(_r10(rng.uniform(1260, 1800 if poor else 3360)) for _ in cur))
        if kind == "06":
            inc["tekun_money"] = float(sum(_r10(rng.uniform(4800, 5400)) for _ in cur))
        kids = sum(1 for m in cur if m["relation"] in ("03", "04"))
        if not h.yi and kids and kids <= 2 and rng.random() < 0.3:
            inc["family_planning"] = 960.0
        inc["pension"] = float(sum(1236 for m in cur if m["_age"] >= 60))
        if h.cond["grain_for_green"]:
            inc["eco_compensation"] = _r10(h.cond["grain_for_green"] * 150)
        inc["other_transfer"] = _r10(rng.uniform(200, 900))
        settle_income(inc, size)
        line = self.lines[YEAR]
        if poor:
            cap = line * 0.95
            while inc["per_capita_net"] >= cap:
                excess = inc["net_income"] - cap * size + 100
                if inc["business"] > 500:
                    inc["business"] = max(500.0, _r100(inc["business"] - excess / (1 - cost_ratio)))
                    inc["business_cost"] = max(10.0, _r10(inc["business"] * cost_ratio))
                elif any(m["work_months"] for m in cur):
                    w = next(m for m in cur if m["work_months"])
                    w["work_status"], w["work_months"], w["work_company"] = None, 0, None
                    inc["wage"] = float(sum((m["work_months"] or 0) * x for m, x in zip(cur, monthly, strict=True)))
                elif inc["dividend"] or inc["other_transfer"] > 200:
                    inc["dividend"], inc["other_transfer"] = 0.0, 200.0
                else:  # the allowances alone lift it over the line: it exited this year
                    h.row.update(status="1", exit_year=YEAR, return_year=None, return_cause=None)
                    settle_income(inc, size)
                    break
                settle_income(inc, size)
        if h.row["status"] == "1":
            self._lift(inc, size, line * 1.05)
            # registered households rarely earn far above the line: trim wage, then business
            excess = inc["net_income"] - rng.uniform(6000, 12000) * size
            months = sum(m["work_months"] or 0 for m in cur)
            if excess > 0 and inc["wage"] > months * 1200:
                cut = min(excess, inc["wage"] - months * 1200)
                inc["wage"] -= _r100(cut)
                excess -= _r100(cut)
            if excess > 0 and inc["business"] > 1000:
                inc["business"] -= min(inc["business"] - 1000, _r100(excess / (1 - cost_ratio)))
                inc["business_cost"] = max(10.0, _r10(inc["business"] * cost_ratio))
            settle_income(inc, size)
            self._lift(inc, size, line * 1.05)
        h.incomes[YEAR] = inc
        # the year before: a little less of everything
        prev = self._income_row(h, PREV)
        f = rng.uniform(0.82, 0.95)
        prev["wage"] = _r100(inc["wage"] * f)
        prev["business"] = _r100(inc["business"] * f)
        prev["business_cost"] = max(10.0, _r10(inc["business_cost"] * f)) if prev["business"] else 0.0
        prev["dividend"] = _r10(inc["dividend"] * f)
        prev["dibao_money"] = _r10(inc["dibao_money"] * 0.95)
        prev["tekun_money"] = _r10(inc["tekun_money"] * 0.95)
        prev["family_planning"] = inc["family_planning"]
        prev["pension"] = float(sum(1188 for m in cur if m["_age"] >= 61))
        prev["eco_compensation"] = inc["eco_compensation"]
        prev["other_transfer"] = _r10(inc["other_transfer"] * f)
        settle_income(prev, size)
        if h.row["status"] == "1" and h.row["exit_year"] <= PREV:
            self._lift(prev, size, self.lines[PREV] * 1.03)
        h.incomes[PREV] = prev

    @staticmethod
    def _lift(inc: dict[str, Any], size: int, floor: float) -> None:
        if inc["per_capita_net"] <= floor:
            extra = math.ceil((floor * size - inc["net_income"]) / 100.0) * 100 + 100
            inc["business"] += extra
            inc["business_cost"] = max(10.0, inc["business_cost"])
            settle_income(inc, size)

    def _measures(self, h: _H) -> None:
        rng = self.rng
        first = h.row["first_identified_year"] or 2014
        years = list(range(first, YEAR + 1))
        town = h.township[1]
        out = h.measures

        def add(cat: str, year: int, member: dict[str, Any] | None = None, pick: int | None = None,
                amount: float | None = None, quantity: float | None = None,
                extra: dict[str, Any] | None = None) -> None:
            items = dd.MEASURE_ITEMS[cat]
            item, unit, (qlo, qhi), price, who = items[rng.randrange(len(items)) if pick is None else pick]
            q = float(rng.randint(qlo, qhi)) if quantity is None else quantity
            start = dt.date(year, rng.randint(2, 10), rng.randint(1, 28))
            out.append({"household_id": h.row["id"], "_member": member, "year": year, "category": cat,
                        "item": item, "amount": float(q * price) if amount is None else amount,
                        "quantity": q, "unit": unit, "start_date": start,
                        "end_date": dt.date(year, 12, 31) if rng.random() < 0.5 else None,
                        "implementer": who.replace("乡人民政府", f"{town}人民政府"), "note": None,
                        "extra": extra})

        for year in sorted(rng.sample(years, min(len(years), rng.randint(1, 2)))):
            add("01", year)
        cur = h.current
        workers = [m for m in cur if m["work_months"]]
        if workers:
            add("02", rng.randint(max(first, 2017), YEAR), member=workers[0])
        for m in cur:
            s = m["school_status"]
            if s == "02":
                add("05", YEAR, member=m, pick=3)
            elif s in ("03", "04", "05", "06"):
                add("05", YEAR, member=m, pick=0 if rng.random() < 0.6 else 1)
            elif s in ("07", "08", "09", "10", "11", "12"):
                add("05", YEAR, member=m, pick=2)
            if m["health"] in ("03", "06"):
                add("06", rng.choice(years), member=m, pick=1 if rng.random() < 0.7 else 2)
            elif m["health"] in ("02", "05"):
                add("06", YEAR, member=m, pick=0)
            if m["health"] in _DISABLED:
                add("10", YEAR, member=m, pick=0)
        if rng.random() < 0.15:
            add("07", rng.choice([y for y in years if y >= 2016] or [YEAR]), amount=None)
        if h.cond["grain_for_green"]:
            add("08", YEAR, quantity=h.cond["grain_for_green"], amount=h.incomes[YEAR]["eco_compensation"])
        if h.row["attribute"] == "04":
            add("09", YEAR, pick=0, quantity=float(len(cur)), amount=h.incomes[YEAR]["dibao_money"])
        elif h.row["attribute"] == "06":
            add("09", YEAR, pick=1, quantity=float(len(cur)), amount=h.incomes[YEAR]["tekun_money"])
        if h.row["relocation_moved_in"]:
            year = min(h.row["exit_year"] or YEAR, rng.choice((2017, 2018)))
            add("03", max(first, year), quantity=h.cond["house_area"], amount=h.cond["house_area"] * 1200,
                extra={"安置方式": "集中安置" if h.row["relocation_mode"] == "1" else "分散安置",
                       "安置点": f"{town}集中安置点", "是否入住": "是"})
        elif h.exited and rng.random() < 0.25:
            year = rng.randint(first, h.row["exit_year"])
            add("04", year, amount=float(rng.choice((20000, 25000, 30000))),
                extra={"改造前等级": "D级", "改造后等级": "A级"})
        if rng.random() < 0.3:
            add("11", rng.choice(years))

    # ------------------------------------------------------------------ cadres
    def cadres(self, batch: list[_H]) -> list[dict[str, Any]]:
        """Cadres of the batch's townships, each paired with 3-8 households of one township."""
        rng = self.rng
        out: list[dict[str, Any]] = []
        by_town: dict[str, list[_H]] = {}
        for h in batch:
            by_town.setdefault(h.township[0], []).append(h)
        for tcode in sorted(by_town):
            hs = by_town[tcode]
            town = hs[0].township[1]
            seen_villages: set[int] = set()
            i = 0
            while i < len(hs):
                chunk = hs[i: i + rng.randint(3, 8)]
                i += len(chunk)
                cadre = self._cadre(town)
                first_of_village = chunk[0].row["village_id"] not in seen_villages
                if first_of_village:
                    seen_villages.add(chunk[0].row["village_id"])
                    cadre.update(is_first_secretary=True, is_team_leader=True, is_resident=True,
                                 position="驻村第一书记")
                out.append(cadre)
                for h in chunk:
                    h.cadre = cadre
        return out

    def _cadre(self, town: str) -> dict[str, Any]:
        rng = self.rng
        han = rng.random() < 0.65
        male = rng.random() < 0.7
        age = rng.randint(24, 54)
        surname = rng.choice(dd.HAN_SURNAMES if han else dd.YI_SURNAMES)
        born = self._born(age)
        county = rng.random() < 0.7
        cid = self.next_id["cadre"]
        self.next_id["cadre"] += 1
        return {
            "id": cid, "name": dd.han_name(rng, surname, male) if han else dd.yi_name(rng, surname, male),
            "sex": "1" if male else "2", "id_number": self._id_number(born, male), "phone": self._phone(),
            "org_name": rng.choice(dd.COUNTY_UNITS) if county else f"{town}人民政府",
            "org_type": "1", "affiliation": "51" if county else "62",
            "position": rng.choice(("科员", "股长", "副局长", "干部")) if county else rng.choice(("副乡长", "干部", "科员")),
            "rank": rng.choice(("09", "10", "11", "11", "11")),
            "political_status": "01" if rng.random() < 0.85 else "13",
            "education": rng.choice(("2", "2", "3", "4")), "specialty": rng.choice((None, None, "农业技术", "畜牧养殖", "财务")),
            "is_first_secretary": False, "is_team_leader": False, "is_resident": rng.random() < 0.3,
        }

    # ------------------------------------------------------------------ faults
    def quota(self, batch_size: int) -> int:
        """Faulted households for this batch: the county's share spread evenly over the batches."""
        done_after = self.households_done + batch_size
        want = round(self.fault_target * done_after / self.n)
        return max(0, want - self.faults_done)

    def inject(self, batch: list[_H], quota: int) -> list[dict[str, Any]]:
        rng = self.rng
        records: list[dict[str, Any]] = []
        attempts = 0
        while quota > 0 and attempts < 4 * len(FAULT_KINDS) + quota:
            attempts += 1
            if not self.kind_queue:
                kinds = list(FAULT_KINDS)
                rng.shuffle(kinds)
                self.kind_queue = kinds
            kind = self.kind_queue.pop(0)
            candidates = [h for h in batch if not h.faulted]
            if not candidates:
                break
            picks = rng.sample(candidates, min(len(candidates), 400))
            done = None
            for h in picks:
                done = _FAULTS[kind](self, h, batch)
                if done is not None:
                    break
            if done is None:
                self.kind_queue.append(kind)  # try again in a later batch
                continue
            for rec in done:
                rec["_household"].faulted = True
                rec["kind"] = kind
            records.extend(done)
            quota -= 1
            self.faults_done += 1
        return records

    def regen_id(self, m: dict[str, Any], born: dt.date | None = None, male: bool | None = None) -> None:
        born = born or m["birth_date"]
        male = (m["sex"] == "1") if male is None else male
        m["id_number"] = self._id_number(born, male)
        if m.get("disability_cert_no"):
            m["disability_cert_no"] = m["id_number"] + m["disability_cert_no"][18:]


# ---------------------------------------------------------------------- fault injectors
# Each takes (generator, household, batch) and returns fault records, or None when the household
# does not fit the fault (it is left untouched then).
Fault = list[dict[str, Any]] | None


def _rec(h: _H, m: dict[str, Any] | None, field: str | None, detail: str) -> dict[str, Any]:
    return {"_household": h, "_member": m, "field": field, "detail": detail[:200]}


def _pick(g: _Generator, h: _H, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    ms = [m for m in h.current if pred(m)]
    return g.rng.choice(ms) if ms else None


def _settle_h(h: _H) -> None:
    settle_income(h.incomes[YEAR], h.row["size"])


def _f_id_check_digit(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: True)
    assert m is not None
    old = m["id_number"]
    wrong = idnumber.CHECK_CHARS[(idnumber.CHECK_CHARS.index(old[17]) + g.rng.randint(1, 10)) % 11]
    m["id_number"] = old[:17] + wrong
    if m is h.head:
        h.row["head_id_number"] = m["id_number"]
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


def _f_id_15_digit(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 1900 <= m["birth_date"].year <= 1999)
    if m is None:
        return None
    old = m["id_number"]
    m["id_number"] = old[:6] + old[8:17]
    if m is h.head:
        h.row["head_id_number"] = m["id_number"]
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


def _f_id_bad_birth_date(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m is not h.head)
    if m is None:
        return None
    old = m["id_number"]
    bad = old[:10] + ("13" + old[12:14] if g.rng.random() < 0.5 else old[10:12] + "32")
    first17 = bad + old[14:17]
    m["id_number"] = first17 + idnumber.check_char(first17)
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']}")]


def _f_id_sex_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m is not h.head)
    if m is None:
        return None
    old = m["id_number"]
    g.regen_id(m, male=m["sex"] != "1")
    return [_rec(h, m, "member.id_number", f"{old} -> {m['id_number']} (sex {m['sex']})")]


def _f_id_birth_date_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["_age"] >= 25 and m is not h.head)
    if m is None:
        return None
    old = m["birth_date"]
    m["birth_date"] = old + dt.timedelta(days=g.rng.choice((-1, 1)) * g.rng.randint(40, 300))
    return [_rec(h, m, "member.birth_date", f"{old} -> {m['birth_date']}, ID {m['id_number']}")]


def _f_id_duplicate_other_household(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m is not h.head and m["_age"] >= 20)
    if m is None:
        return None
    for other in g.rng.sample(batch, min(len(batch), 300)):
        if other is h or other.faulted:
            continue
        for o in other.current:
            if o is not other.head and o["sex"] == m["sex"] and abs(o["_age"] - m["_age"]) <= 3 \
                    and o["_age"] >= 20:
                old = m["id_number"]
                m["id_number"], m["birth_date"] = o["id_number"], o["birth_date"]
                if m.get("disability_cert_no"):
                    m["disability_cert_no"] = m["id_number"] + m["disability_cert_no"][18:]
                return [_rec(h, m, "member.id_number", f"{old} -> {o['id_number']} (= {other.row['household_no']})"),
                        _rec(other, o, "member.id_number", f"also in {h.row['household_no']}")]
    return None


def _f_no_head(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    h.head["relation"] = "99"
    return [_rec(h, h.head, "member.relation", "01 -> 99")]


def _f_two_heads(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m is not h.head and m["_age"] >= 18)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = "01"
    return [_rec(h, m, "member.relation", f"{old} -> 01")]


def _f_two_spouses(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if not any(m["relation"] == "02" for m in h.current):
        return None
    m = _pick(g, h, lambda m: m["relation"] in ("05", "04", "12") and m["_age"] >= 18)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = "02"
    return [_rec(h, m, "member.relation", f"{old} -> 02")]


def _f_relation_sex_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["relation"] in _GENDERED)
    if m is None:
        return None
    old = m["relation"]
    m["relation"] = _GENDERED[old]
    return [_rec(h, m, "member.relation", f"{old} -> {m['relation']} (sex {m['sex']})")]


def _f_spouses_same_sex(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["relation"] == "02")
    if m is None:
        return None
    m["sex"] = h.head["sex"]
    g.regen_id(m)
    return [_rec(h, m, "member.sex", f"spouse sex -> {m['sex']}, ID {m['id_number']}")]


def _f_child_older_than_head(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["relation"] in ("03", "04") and m["school_status"] == "01" and m["_age"] >= 18)
    if m is None:
        return None
    age = h.head["_age"] + g.rng.randint(1, 6)
    born = g._born(age)
    old = m["birth_date"]
    m["birth_date"], m["_age"] = born, age
    g.regen_id(m, born=born)
    return [_rec(h, m, "member.birth_date", f"{old} -> {born}, head born {h.head['birth_date']}")]


def _f_size_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    old = h.row["size"]
    h.row["size"] = old + (1 if old <= 2 or g.rng.random() < 0.5 else -1)
    _settle_h(h)
    return [_rec(h, None, "household.size", f"{old} -> {h.row['size']} ({h.size} current members)")]


def _f_head_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    old = h.row["head_name"]
    pool = dd.YI_MALE_GIVEN if h.yi else dd.HAN_MALE_GIVEN
    new = old
    while new == old:
        new = h.head["_surname"] + g.rng.choice(pool)
    h.row["head_name"] = new
    return [_rec(h, None, "household.head_name", f"{old} -> {new}")]


def _f_deceased_is_head(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.size < 2:
        return None
    head = h.head
    head["status"], head["change_reason"] = "2", "死亡"
    head["change_date"] = dt.date(YEAR, g.rng.randint(1, 11), g.rng.randint(1, 28))
    h.row["size"] = h.size
    _settle_h(h)
    return [_rec(h, head, "member.status", f"head died {head['change_date']}, still 户主")]


def _f_dropout_compulsory_age(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 7 <= m["_age"] <= 14 and m["school_status"] in ("03", "04", "05"))
    if m is None:
        return None
    old = m["school_status"]
    m["school_status"], m["education"] = "01", "02"
    h.measures[:] = [x for x in h.measures if x["_member"] is not m or x["category"] != "05"]
    return [_rec(h, m, "member.school_status", f"{old} -> 01, age {m['_age']}")]


def _f_grade_age_mismatch(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 8 <= m["_age"] <= 13 and m["school_status"] == "03")
    if m is None:
        return None
    m["school_status"] = g.rng.choice(("07", "10"))
    return [_rec(h, m, "member.school_status", f"03 -> {m['school_status']}, age {m['_age']}")]


def _f_education_and_school_both_filled(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["school_status"] not in ("01", "02"))
    if m is None:
        return None
    m["education"] = "02" if m["school_status"] in ("03", "04", "05", "06") else "03"
    return [_rec(h, m, "member.education", f"student {m['school_status']} with education {m['education']}")]


def _f_working_age_no_labour(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 20 <= m["_age"] <= 55 and m["health"] == "01" and m["school_status"] == "01"
              and not m["work_months"])
    if m is None:
        return None
    old = m["labour_skill"]
    m["labour_skill"] = "04"
    return [_rec(h, m, "member.labour_skill", f"{old} -> 04, age {m['_age']}")]


def _f_minor_with_labour(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 8 <= m["_age"] <= 14 and m["school_status"] != "01")
    if m is None:
        return None
    m["labour_skill"] = "01"
    return [_rec(h, m, "member.labour_skill", f"04 -> 01, age {m['_age']}")]


def _f_work_months_out_of_range(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: bool(m["work_months"]))
    if m is None:
        return None
    old = m["work_months"]
    m["work_months"] = g.rng.choice((13, 14))
    return [_rec(h, m, "member.work_months", f"{old} -> {m['work_months']}")]


def _f_work_place_without_months(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    workers = [m for m in h.current if m["work_months"]]
    if len(workers) < 2:
        return None
    m = g.rng.choice(workers)
    old = m["work_months"]
    m["work_months"] = 0
    return [_rec(h, m, "member.work_months", f"{old} -> 0 with work status {m['work_status']}")]


def _f_worker_without_labour(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: bool(m["work_months"]))
    if m is None:
        return None
    old = m["labour_skill"]
    m["labour_skill"] = "03"
    return [_rec(h, m, "member.labour_skill", f"{old} -> 03 while working {m['work_months']} months")]


def _f_wage_without_worker(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if any(m["work_months"] or m["work_status"] for m in h.current):
        return None
    inc = h.incomes[YEAR]
    inc["wage"] = _r100(g.rng.uniform(3000, 8000))
    _settle_h(h)
    return [_rec(h, None, "income.wage", f"wage {inc['wage']:.0f} without a worker")]


def _f_worker_without_wage(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    inc = h.incomes[YEAR]
    if not inc["wage"]:
        return None
    old = inc["wage"]
    inc["wage"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.wage", f"{old:.0f} -> 0 with workers")]


def _f_not_insured_medical(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: True)
    assert m is not None
    m["ins_medical"] = False
    return [_rec(h, m, "member.ins_medical", "resident medical insurance 1 -> 0")]


def _f_medical_insurance_both(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["_age"] >= 18)
    if m is None:
        return None
    m["ins_employee_medical"] = True
    return [_rec(h, m, "member.ins_employee_medical", "employee medical insurance 0 -> 1")]


def _f_no_major_illness_insurance(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if not h.exited:
        return None
    m = _pick(g, h, lambda m: True)
    assert m is not None
    m["ins_major_illness"] = False
    return [_rec(h, m, "member.ins_major_illness", "major-illness insurance 1 -> 0")]


def _f_disabled_no_certificate(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: m["health"] in _DISABLED)
    if m is None:
        return None
    old = m["disability_cert_no"]
    m["disability_cert_no"] = None
    return [_rec(h, m, "member.disability_cert_no", f"{old} -> empty")]


def _cause_fault(h: _H, code: str, ok: bool) -> Fault:
    if not ok or h.row["main_cause"] == code:
        return None
    old = h.row["main_cause"]
    h.row["main_cause"] = code
    others = [c for c in (h.row["other_causes"] or "").split(",") if c and c != code]
    h.row["other_causes"] = ",".join(others) or None
    return [_rec(h, None, "household.main_cause", f"{old} -> {code}")]


def _f_cause_illness_all_healthy(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _cause_fault(h, "01", all(m["health"] == "01" for m in h.current))


def _f_cause_disability_no_disabled(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _cause_fault(h, "02", not any(m["health"] in _DISABLED for m in h.current))


def _f_cause_school_no_student(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _cause_fault(h, "03", all(m["school_status"] == "01" for m in h.current))


def _f_other_cause_repeats_main(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    main = h.row["main_cause"]
    others = [c for c in (h.row["other_causes"] or "").split(",") if c]
    h.row["other_causes"] = ",".join(sorted([*others, main]))
    return [_rec(h, None, "household.other_causes", f"main {main}, others {h.row['other_causes']}")]


def _f_net_income_arithmetic(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    inc = h.incomes[YEAR]
    old = inc["net_income"]
    inc["net_income"] = old + g.rng.choice((-1, 1)) * _r100(g.rng.uniform(500, 3000))
    inc["per_capita_net"] = round(inc["net_income"] / h.row["size"], 2)
    return [_rec(h, None, "income.net_income", f"{old:.2f} -> {inc['net_income']:.2f}")]


def _f_per_capita_arithmetic(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    inc = h.incomes[YEAR]
    old = inc["per_capita_net"]
    inc["per_capita_net"] = round(old + _r10(g.rng.uniform(200, 1500)), 2)
    return [_rec(h, None, "income.per_capita_net", f"{old:.2f} -> {inc['per_capita_net']:.2f}")]


def _f_negative_income(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    inc = h.incomes[YEAR]
    inc["dividend"] = 0.0
    inc["other_property"] = -_r10(g.rng.uniform(200, 800))
    _settle_h(h)
    return [_rec(h, None, "income.property", f"property {inc['property']:.2f}")]


def _f_dibao_money_without_dibao_member(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.row["attribute"] != "01":
        return None
    inc = h.incomes[YEAR]
    inc["dibao_money"] = _r10(g.rng.uniform(1200, 3000))
    _settle_h(h)
    return [_rec(h, None, "income.dibao_money", f"0 -> {inc['dibao_money']:.0f}")]


def _f_dibao_household_no_money(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.row["attribute"] != "04":
        return None
    inc = h.incomes[YEAR]
    old = inc["dibao_money"]
    inc["dibao_money"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.dibao_money", f"{old:.0f} -> 0")]


def _f_tekun_household_no_money(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.row["attribute"] != "06":
        return None
    inc = h.incomes[YEAR]
    old = inc["tekun_money"]
    inc["tekun_money"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.tekun_money", f"{old:.0f} -> 0")]


def _f_business_income_no_cost(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    inc = h.incomes[YEAR]
    if not inc["business"]:
        return None
    old = inc["business_cost"]
    inc["business_cost"] = 0.0
    _settle_h(h)
    return [_rec(h, None, "income.business_cost", f"{old:.0f} -> 0 with business {inc['business']:.0f}")]


def _f_exited_below_line(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if not h.exited or h.row["attribute"] == "06":
        return None
    inc = h.incomes[YEAR]
    size = h.row["size"]
    line = g.lines[YEAR]
    floor_net = inc["wage"] + inc["property"] + inc["transfer"]
    target = line * g.rng.uniform(0.6, 0.9) * size
    if floor_net + 100 >= target:
        return None
    inc["business"] = float(math.floor((target - floor_net) / 100) * 100)
    inc["business_cost"] = max(10.0, _r10(inc["business"] * 0.3)) if inc["business"] else 0.0
    _settle_h(h)
    return [_rec(h, None, "income.per_capita_net", f"{inc['per_capita_net']:.2f} < line {line:.0f}")]


def _exit_condition(h: _H, key: str, value: Any, detail: str) -> Fault:
    if not h.exited:
        return None
    h.cond[key] = value
    return [_rec(h, None, f"conditions.{key}", detail)]


def _f_exited_dangerous_house(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.row["relocation_moved_in"] or not h.exited:  # give up before touching anything
        return None
    h.cond["house_grade"] = g.rng.choice(("3", "4"))
    return _exit_condition(h, "dangerous_house", True, f"dangerous house, grade {h.cond['house_grade']}")


def _f_exited_unsafe_water(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _exit_condition(h, "drinking_safe", False, "drinking water unsafe")


def _f_exited_no_electricity(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _exit_condition(h, "electricity", False, "no domestic electricity")


def _f_exited_no_radio_tv(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    return _exit_condition(h, "radio_tv", False, "no radio/TV")


def _f_exit_year_before_identification(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if not h.exited:
        return None
    old = h.row["first_identified_year"]
    h.row["first_identified_year"] = h.row["exit_year"] + g.rng.randint(1, 2)
    return [_rec(h, None, "household.exit_year",
                 f"exit {h.row['exit_year']}, first identified {old} -> {h.row['first_identified_year']}")]


def _f_return_year_before_exit(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.row["status"] != "3":
        return None
    old = h.row["return_year"]
    h.row["return_year"] = h.row["exit_year"] - 1
    return [_rec(h, None, "household.return_year", f"{old} -> {h.row['return_year']}, exit {h.row['exit_year']}")]


def _f_empty_mandatory(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    key = g.rng.choice(EMPTY_MANDATORY_FIELDS)
    entity, column = key.split(".")
    if entity == "member":
        m = _pick(g, h, lambda m: True)
        assert m is not None
        m[column] = None
        return [_rec(h, m, key, f"{key} emptied")]
    target = h.row if entity == "household" else h.cond
    target[column] = None
    return [_rec(h, None, key, f"{key} emptied")]


def _f_phone_not_11_digits(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    old = h.row["phone"]
    h.row["phone"] = old[:10] if g.rng.random() < 0.5 else old + str(g.rng.randrange(10))
    h.head["phone"] = h.row["phone"]
    return [_rec(h, None, "household.phone", f"{old} -> {h.row['phone']}")]


def _f_farmland_per_capita_absurd(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    old = h.cond["farmland"]
    h.cond["farmland"] = float(h.row["size"] * g.rng.randint(55, 120))
    return [_rec(h, None, "conditions.farmland", f"{old} -> {h.cond['farmland']} mu for {h.row['size']} people")]


def _f_road_distance_absurd(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    old = h.cond["road_distance"]
    h.cond["road_distance"] = float(g.rng.randint(55, 120))
    return [_rec(h, None, "conditions.road_distance", f"{old} -> {h.cond['road_distance']} km")]


def _f_no_cadre(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    if h.cadre is None:
        return None
    h.cadre = None
    return [_rec(h, None, "pairing.cadre", "pairing removed")]


def _f_cadre_is_poor_person(g: _Generator, h: _H, batch: list[_H]) -> Fault:
    m = _pick(g, h, lambda m: 22 <= m["_age"] <= 55 and m["school_status"] == "01")
    if m is None:
        return None
    cadre = g._cadre(h.township[1])
    cadre.update(name=m["name"], sex=m["sex"], id_number=m["id_number"], org_name=f"{h.township[1]}人民政府",
                 affiliation="71", position="村民小组长", rank="13", political_status="13")
    h.cadre = cadre
    return [_rec(h, m, "cadre.id_number", f"cadre {cadre['name']} is this member")]


_FAULTS: dict[str, Callable[[_Generator, _H, list[_H]], Fault]] = {
    kind: globals()[f"_f_{kind}"] for kind in FAULT_KINDS
}


# ---------------------------------------------------------------------- the service
class DemoService:
    """Builds the demo county into an empty database (or replaces the registry when asked)."""

    def __init__(self, *, db: Database) -> None:
        self.db = db

    def _office(self, s: Any) -> None:
        """The demo office: a clerk, a reviewer and a director; whoever builds the demo is made a
        director too, so every decision can be tried on it."""
        staff = [("liwenshu", "李文书", CLERK), ("wangshenhe", "王审核", REVIEWER),
                 ("zhangzhuren", "张主任", DIRECTOR), (self.db.user, self.db.user, DIRECTOR)]
        for login, name, role in staff:
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            if user is None:
                s.add(AppUser(login=login, display_name=name, role=role))
            else:
                user.role = role
        s.flush()

    def build(self, *, households: int, seed: int, progress: Callable[[int, int], None] | None = None,
              cancel: Callable[[], bool] | None = None, replace: bool = False) -> DemoSummary:
        if households < 1:
            raise PovdeskError("input.demo_households", "The demo county needs at least one household.",
                               "演示县至少需要 1 户。")
        started = time.perf_counter()

        def check() -> None:
            if cancel is not None and cancel():
                raise Cancelled()

        with self.db.transaction() as s:
            existing = s.scalar(select(func.count(Household.id))) or 0
            if existing and not replace:
                raise PovdeskError(
                    "demo.not_empty",
                    f"This database already holds {existing} households; the demo county is only built "
                    "into an empty database (use --replace to clear the registry first).",
                    f"该数据库已有 {existing} 户，演示县只能建在空数据库中（如需清空登记数据后重建，请加 --replace）。")
            for model in _CLEAR_ORDER:
                s.execute(delete(model))
            lines = {y: float(v) for y, v in s.execute(select(YearSetting.year, YearSetting.exit_income_line))}
            for y, line in ((2018, 3500.0), (2019, 3750.0)):
                lines.setdefault(y, line)
            gen = _Generator(households=households, seed=seed, lines=lines)
            counts = self._write(s, gen, check, progress)
            s.merge(Meta(key=META_KEY, value=json.dumps(
                {"seed": seed, "households": households, "county": REGION, "year": YEAR,
                 "note": "村名为虚构", "note_en": "village names and codes are invented",
                 "faults": counts["faults"]}, ensure_ascii=False, sort_keys=True)))
            self._office(s)
            self._fix_sequences(s)
            check()
            current = s.scalar(select(func.count(Member.id)).where(Member.status == MEMBER_CURRENT)) or 0
        return DemoSummary(households=counts["households"], members=counts["members"],
                           current_members=current, villages=counts["villages"], faults=counts["faults"],
                           seconds=round(time.perf_counter() - started, 2))

    def _write(self, s: Session, gen: _Generator, check: Callable[[], None],
               progress: Callable[[int, int], None] | None) -> dict[str, int]:
        county, province, prefecture = admin.LEIBO, admin.PROVINCE, admin.PREFECTURE
        s.execute(insert(County.__table__), [{"id": 1, "code": county[0], "name": county[1],
                                              "province": province[1], "prefecture": prefecture[1]}])
        townships, villages, groups, plan = gen.places()
        s.execute(insert(Township.__table__), townships)
        s.execute(insert(Village.__table__), villages)
        s.execute(insert(VillagerGroup.__table__), groups)
        code_of = {v["id"]: v["code"] for v in villages}
        counts = {"households": 0, "members": 0, "villages": len(villages), "faults": 0}
        total = gen.n
        if progress:
            progress(0, total)
        for batch_plan in _batches(plan):
            check()
            batch: list[_H] = []
            for vid, count, yi, town, group_names in batch_plan:
                per_group = max(1, math.ceil(count / len(group_names)))
                for seq in range(1, count + 1):
                    hid = gen.next_id["household"]
                    gen.next_id["household"] += 1
                    group = group_names[min(len(group_names) - 1, (seq - 1) // per_group)]
                    batch.append(gen.household(hid, vid, code_of[vid], seq, group, yi, town))
                    if len(batch) % 250 == 0:
                        check()
            cadres = gen.cadres(batch)
            faults = gen.inject(batch, gen.quota(len(batch)))
            check()
            counts["members"] += self._insert_batch(s, gen, batch, cadres, faults)
            counts["households"] += len(batch)
            counts["faults"] += len(faults)
            gen.households_done += len(batch)
            if progress:
                progress(gen.households_done, total)
        return counts

    @staticmethod
    def _insert_batch(s: Session, gen: _Generator, batch: list[_H], cadres: list[dict[str, Any]],
                      faults: list[dict[str, Any]]) -> int:
        nid = gen.next_id
        households, members, incomes, conds, measures, pairings = [], [], [], [], [], []
        for h in batch:
            households.append({c: h.row.get(c) for c in _HOUSEHOLD_COLS})
            for m in h.members:
                m["id"] = nid["member"]
                nid["member"] += 1
                members.append({c: m.get(c) for c in _MEMBER_COLS})
            for year in (PREV, YEAR):
                inc = h.incomes[year]
                inc["id"] = nid["income"]
                nid["income"] += 1
                incomes.append({c: inc.get(c) for c in _INCOME_COLS})
            h.cond["id"] = nid["conditions"]
            nid["conditions"] += 1
            conds.append({c: h.cond.get(c) for c in _COND_COLS})
            for x in h.measures:
                x["id"] = nid["measure"]
                nid["measure"] += 1
                x["member_id"] = x["_member"]["id"] if x["_member"] is not None else None
                measures.append({c: x.get(c) for c in _MEASURE_COLS})
            if h.cadre is not None:
                first = h.row["first_identified_year"] or 2015
                pairings.append({"id": nid["pairing"], "household_id": h.row["id"], "cadre_id": h.cadre["id"],
                                 "start_date": dt.date(max(2015, first), 1 + h.row["id"] % 6, 1),
                                 "end_date": None, "valid": True})
                nid["pairing"] += 1
        by_id = {x["id"]: x for x in cadres}
        for h in batch:  # a fault may have given a household a cadre of its own
            if h.cadre is not None:
                by_id.setdefault(h.cadre["id"], h.cadre)
        cadre_rows = [{c: by_id[k].get(c) for c in _CADRE_COLS} for k in sorted(by_id)]
        fault_rows = []
        for f in faults:
            fault_rows.append({"id": nid["fault"], "household_id": f["_household"].row["id"],
                               "member_id": f["_member"]["id"] if f["_member"] is not None else None,
                               "kind": f["kind"], "field": f["field"], "detail": f["detail"]})
            nid["fault"] += 1
        for model, rows in ((Household, households), (Member, members), (Income, incomes),
                            (Conditions, conds), (Measure, measures), (Cadre, cadre_rows),
                            (Pairing, pairings), (DemoFault, fault_rows)):
            if rows:
                s.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        return len(members)

    def _fix_sequences(self, s: Session) -> None:
        """Ids were given explicitly; PostgreSQL's sequences must learn where they stand."""
        if s.get_bind().dialect.name != "postgresql":
            return
        for model in (County, Township, Village, VillagerGroup, Household, Member, Income, Conditions,
                      Measure, Cadre, Pairing, DemoFault):
            table = model.__tablename__
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def _batches(plan: list[tuple[int, int, bool, tuple[str, str], list[str]]]
             ) -> Iterator[list[tuple[int, int, bool, tuple[str, str], list[str]]]]:
    """Whole townships at a time, about BATCH_HOUSEHOLDS households per batch."""
    batch: list[tuple[int, int, bool, tuple[str, str], list[str]]] = []
    size = 0
    for i, item in enumerate(plan):
        batch.append(item)
        size += item[1]
        next_town = plan[i + 1][3] if i + 1 < len(plan) else None
        if size >= BATCH_HOUSEHOLDS and next_town != item[3]:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
