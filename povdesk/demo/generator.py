"""The demo county's households: a realistic, invented Leibo county drawn from one random generator.

Pure Python: `Generator` draws places, households (members, incomes, conditions, measures) and
cadres as plain row dicts; `povdesk.demo.service` writes them, `povdesk.demo.faults` spoils a few of
them on purpose. Everything is drawn from one `random.Random(seed)`, in a fixed order: same seed,
same county. Any change that adds, drops or reorders a draw changes every county after it (a test
holds the digest of one seed's county).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from typing import Any

from povdesk.demo import data as dd
from povdesk.domain import admin, idnumber
from povdesk.domain.groups import INCOME_PARTS, TRANSFER_PARTS
from povdesk.domain.meanings import (
    DANGEROUS_GRADES,
    DISABLED_HEALTH,
    HEALTHY,
    ILL_HEALTH,
    MEMBER_CURRENT,
    SERIOUS_ILL,
    UNABLE_TO_WORK,
    is_current_member,
    is_exited,
    is_in_school,
)

YEAR = 2019
PREV = 2018
REF = dt.date(YEAR, 12, 31)
#: Timestamps of demo rows: the as-of moment of the invented snapshot (keeps builds identical).
AS_OF = dt.datetime(YEAR, 12, 31, 12, 0, 0)
REGION = admin.LEIBO[0]

#: A generated row (household, member, income, conditions, measure, cadre) by column name; keys
#: starting with "_" are the generator's notes, never written.
Row = dict[str, Any]
#: Per village: (village id, household count, Yi place, (township code, name), group names).
VillagePlan = tuple[int, int, bool, tuple[str, str], list[str]]

_TRANSFER_PARTS = TRANSFER_PARTS.columns
_INCOME_PARTS = INCOME_PARTS.columns  # wage, business, property, transfer: the total's order
_CHILD_CAUSES_FREE = ("04", "05", "06", "07", "09", "10", "11")


def weighted(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


#: The school status a pupil had the year before (七年级 came from 小学, 高一 and 中职一 from 九年级,
#: 高职一 from 高三); the stages that span several years (学前, 小学, 大专及以上) and 非在校生 stay.
_YEAR_BEFORE = {"04": "03", "05": "04", "06": "05", "07": "06", "08": "07", "09": "08", "10": "06",
                "11": "10", "12": "11", "13": "09", "14": "13", "15": "14"}


def school_status_before(status: str | None, years: int) -> str | None:
    """The school status `years` data years before a member's `status` (no random draw: the demo's
    earlier yearly snapshots follow from the data year's record)."""
    for _ in range(years):
        status = _YEAR_BEFORE.get(status or "", status)
    return status


def round10(x: float) -> float:
    return float(round(x / 10.0) * 10)


def round100(x: float) -> float:
    return float(round(x / 100.0) * 100)


def settle_income(inc: Row, size: int) -> None:
    """Recompute the sums of an income row from its parts (domain.md §1.1 arithmetic)."""
    inc["property"] = inc["dividend"] + inc["other_property"]
    inc["transfer"] = float(sum(inc[k] for k in _TRANSFER_PARTS))
    inc["total_income"] = sum(inc[k] for k in _INCOME_PARTS)
    inc["net_income"] = inc["total_income"] - inc["business_cost"]
    inc["per_capita_net"] = round(inc["net_income"] / size, 2) if size else None


class Draft:
    """One generated household (its rows as dicts) while its batch is in memory."""

    __slots__ = ("cadre", "cond", "faulted", "incomes", "measures", "members", "row", "township", "yi")

    def __init__(self, row: Row, yi: bool, township: tuple[str, str]) -> None:
        self.row = row
        self.members: list[Row] = []
        self.incomes: dict[int, Row] = {}
        self.cond: Row = {}
        self.measures: list[Row] = []
        self.yi = yi
        self.township = township
        self.cadre: Row | None = None
        self.faulted = False

    @property
    def current(self) -> list[Row]:
        return [m for m in self.members if m["status"] == MEMBER_CURRENT]

    @property
    def head(self) -> Row:
        return self.members[0]

    @property
    def size(self) -> int:
        return len(self.current)

    @property
    def exited(self) -> bool:
        return is_exited(self.row["status"])


class Generator:
    """Draws the county as rows; `DemoService` numbers and writes them, the fault table spoils some."""

    def __init__(self, *, households: int, seed: int, lines: dict[int, float]) -> None:
        self.n = households
        self.rng = random.Random(seed)
        #: The fields issue 14 added are drawn from a stream of their own, after everything else
        #: of a household: the county the first stream draws (and its faults' findings) stays as it was.
        self.rng2019 = random.Random(f"povdesk-fields-2019:{seed}")
        self.lines = lines
        self.ids_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.next_id = {"household": 1, "member": 1, "income": 1, "conditions": 1, "measure": 1,
                        "cadre": 1, "pairing": 1, "fault": 1}
        self.households_done = 0

    # ------------------------------------------------------------------ places
    def places(self) -> tuple[list[Row], list[Row], list[Row], list[VillagePlan]]:
        """Townships, villages, groups and, per village, its plan (how many households, which groups)."""
        rng = self.rng
        base = max(2 if self.n >= 500 else 1, min(6, round(self.n / 49 / 60)))
        townships: list[Row] = []
        villages: list[Row] = []
        groups: list[Row] = []
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
        out: list[VillagePlan] = []
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

    def born(self, age: int) -> dt.date:
        year = YEAR - age
        days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(days))

    def _person(self, h: Draft, relation: str, male: bool, age: int, surname: str | None = None,
                han: bool | None = None) -> Row:
        rng = self.rng
        han = (not h.yi) if han is None else han
        if surname is None:
            surname = rng.choice(dd.HAN_SURNAMES if han else dd.YI_SURNAMES)
        name = dd.han_name(rng, surname, male) if han else dd.yi_name(rng, surname, male)
        born = self.born(age)
        return {
            "name": name, "sex": "1" if male else "2", "id_type": "1", "birth_date": born,
            "id_number": self._id_number(born, male), "relation": relation,
            "ethnicity": "01" if han else "07", "status": "1", "_age": age, "_surname": surname,
            "_late": born.month >= 9, "_han": han, "work_status": None, "work_company": None,
            "disability_category": None, "disability_cert_no": None, "change_reason": None,
            "change_date": None, "phone": None,
        }

    def _compose(self, h: Draft, tekun: bool) -> None:
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
        size = weighted(rng, ((1, 2), (2, 8), (3, 14), (4, 21), (5, 21), (6, 16), (7, 10), (8, 5), (9, 2),
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

    def _fill(self, h: Draft, m: Row, attribute: str, poor: bool) -> None:
        """School, education, health, labour, work, insurance: consistent with age (domain.md §5.3)."""
        rng = self.rng
        age, late, han = m["_age"], m["_late"], m["_han"]
        # health
        if age < 16:
            health = weighted(rng, (("01", 985), ("02", 5), ("04", 10)))
        elif age < 60:
            health = weighted(rng, (("01", 85), ("02", 7), ("03", 3), ("04", 4), ("05", 0.5), ("06", 0.5)))
        else:
            health = weighted(rng, (("01", 55), ("02", 28), ("03", 7), ("04", 8), ("05", 1), ("06", 1)))
        m["health"] = health
        if health in DISABLED_HEALTH:
            cat = rng.randint(1, 7)
            m["disability_category"] = str(cat)
            grade = rng.randint(1, 4)
            m["disability_cert_no"] = f"{m['id_number']}{cat}{grade}"
            m["disability_grade"] = str(grade)
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
            if health in DISABLED_HEALTH and rng.random() < 0.6:
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
                education = weighted(rng, (("03", 60), ("04", 30), ("02", 10)) if han
                                      else (("03", 60), ("02", 35), ("04", 5)))
            elif age <= 40:
                education = weighted(rng, (("02", 25), ("03", 50), ("04", 20), ("05", 5)) if han
                                      else (("01", 25), ("02", 40), ("03", 30), ("04", 5)))
            elif age <= 60:
                education = weighted(rng, (("01", 10), ("02", 45), ("03", 40), ("04", 5)) if han
                                      else (("01", 60), ("02", 30), ("03", 10)))
            else:
                education = weighted(rng, (("01", 40), ("02", 50), ("03", 10)) if han
                                      else (("01", 90), ("02", 10)))
        m["school_status"], m["education"], m["out_of_school_reason"] = school, education, exemption
        student = school != "01"
        # labour
        if age < 16 or student:
            labour = "04"
        elif age <= 60:
            if health == HEALTHY:
                labour = "02" if rng.random() < 0.2 else "01"
            elif health == "02":
                labour = "05" if rng.random() < 0.5 else "01"
            else:
                labour = "03" if rng.random() < 0.6 else "05"
        elif age <= 65:
            labour = ("05" if rng.random() < 0.6 else "01") if health == HEALTHY else "03"
        else:
            labour = "05" if health == HEALTHY and rng.random() < 0.3 else "04"
        m["labour_skill"] = labour
        # migrant work
        m["work_months"] = None if age < 16 else 0
        can_work = not student and 16 <= age <= 58 and labour in ("01", "02", "05") and m["status"] == MEMBER_CURRENT
        if can_work and rng.random() < (0.25 if poor else (0.5 if han else 0.55)):
            m["work_status"] = weighted(rng, (("01", 15), ("02", 20), ("03", 35), ("04", 30)))
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
        m["medical_assistance"] = health in SERIOUS_ILL

    # ------------------------------------------------------------------ one household
    def households(self, village: VillagePlan, village_code: str) -> Iterator[Draft]:
        """A village's households, numbered on from the county's last, spread over its groups."""
        vid, count, yi, town, group_names = village
        per_group = max(1, math.ceil(count / len(group_names)))
        for seq in range(1, count + 1):
            hid = self.next_id["household"]
            self.next_id["household"] += 1
            group = group_names[min(len(group_names) - 1, (seq - 1) // per_group)]
            yield self.household(hid, vid, village_code, seq, group, yi, town)

    def household(self, hid: int, village_id: int, village_code: str, seq: int, group: str, yi_place: bool,
                  town: tuple[str, str]) -> Draft:
        rng = self.rng
        # a few Han households in Yi townships and Yi households in the towns
        yi = yi_place != (rng.random() < (0.08 if yi_place else 0.2))
        kind = weighted(rng, (("06", 3), ("04", 20), ("01", 77)))
        status = weighted(rng, (("1", 93), ("0", 5), ("3", 2)))
        if kind == "06":
            status = "1"
        first = weighted(rng, ((2014, 70), (2015, 15), (2016, 15)))
        exit_year = return_year = return_cause = None
        if status == "1":
            exit_year = weighted(rng, ((2014, 6), (2015, 10), (2016, 14), (2017, 16), (2018, 22), (2019, 26)))
            first = min(first, exit_year)
        elif status == "3":
            exit_year = rng.randint(max(first, 2015), 2018)
            return_year = rng.randint(exit_year + 1, 2019)
            return_cause = weighted(rng, (("01", 40), ("02", 10), ("04", 25), ("09", 10), ("13", 5), ("14", 10)))
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
        h = Draft(row, yi, town)
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
        if kind == "01" and all(m["labour_skill"] in UNABLE_TO_WORK for m in h.current):
            # nobody can work: such a household receives 低保 (rule ALW-001)
            row["attribute"] = "04"
            for m in h.current:
                m["dibao"] = True
        self._causes(h)
        self._conditions(h)
        self._incomes(h)
        if h.exited and poor:  # its income lifted it over the line: it exits this year (一超六有)
            h.cond.update(dangerous_house=False, house_grade="2", drinking_safe=True,
                          drinking_difficult=False, radio_tv=True, electricity=True)
        self._measures(h)
        self._fields_2019(h, village_code)
        return h

    def _fields_2019(self, h: Draft, village_code: str) -> None:
        """The fields of the 2019 record (issue 14 §1), from `rng2019` only."""
        rng = self.rng2019
        row, cond = h.row, h.cond
        row["is_relocated"] = bool(row["relocation_moved_in"])
        row["is_renovated"] = not cond["dangerous_house"] and rng.random() < 0.15
        # GPS: around the village's own point (its own stream, the same for every household of it)
        spot = random.Random(f"gps:{village_code}")
        lon, lat = 103.35 + spot.random() * 0.45, 27.95 + spot.random() * 0.45
        row["longitude"] = round(lon + rng.uniform(-0.01, 0.01), 6)
        row["latitude"] = round(lat + rng.uniform(-0.01, 0.01), 6)
        # 脱贫监测户: exited households at risk of falling back (a few percent)
        if h.exited and rng.random() < 0.05:
            row["monitoring_type"] = "2"
            row["monitoring_date"] = dt.date(YEAR, rng.randint(7, 11), rng.randint(1, 28))
            row["monitoring_reason"] = weighted(rng, (("01", 40), ("02", 15), ("04", 15), ("07", 15),
                                                      ("08", 15)))
        grade = cond["house_grade"]
        cond["house_structure"] = (weighted(rng, (("04", 70), ("05", 30))) if grade in DANGEROUS_GRADES
                                   else weighted(rng, (("02", 45), ("03", 25), ("04", 20), ("01", 10))))
        if cond["house_area"] and h.size:
            cond["house_area_per_capita"] = round(cond["house_area"] / h.size, 2)
        post_given = False
        for m in h.members:
            if m.get("disability_cert_no"):
                m["disability_cert_year"] = rng.randint(2008, YEAR)
            current = is_current_member(m["status"])
            m["family_doctor"] = current and rng.random() < 0.97
            m["chronic_card"] = m["health"] in ILL_HEALTH and rng.random() < 0.7
            if (not post_given and current and 20 <= m["_age"] <= 60 and m["school_status"] == "01"
                    and m["health"] in (HEALTHY, "02") and rng.random() < 0.04):
                post_given = True
                start = dt.date(rng.choice((2017, 2018, YEAR)), rng.randint(1, 6), 1)
                m["public_post_type"] = weighted(rng, (("01", 50), ("03", 25), ("02", 15), ("04", 5),
                                                        ("99", 5)))
                m["public_post_from"] = start
                m["public_post_to"] = None if rng.random() < 0.8 else dt.date(YEAR, 12, 31)
                m["public_post_months"] = 12 if start.year < YEAR else 13 - start.month
        for x in h.measures:
            if x["quantity"] and x["unit"]:
                x["scale"] = f"{x['quantity']:g}{x['unit']}"
            if x["year"] < YEAR or rng.random() < 0.6:
                x["completed_on"] = x["end_date"] or dt.date(x["year"], rng.randint(max(6, x["start_date"].month), 12),
                                                             rng.randint(1, 28))
            if x["category"] in ("01", "02", "07", "08"):
                x["benefit"] = float(round(rng.uniform(300, 3000), -1))

    def _phone(self) -> str:
        while True:
            p = dd.mobile_number(self.rng)
            if p not in self.phones_used:
                self.phones_used.add(p)
                return p

    def _causes(self, h: Draft) -> None:
        rng = self.rng
        cur = h.current
        ill = any(m["health"] in ILL_HEALTH for m in cur)
        disabled = any(m["health"] in DISABLED_HEALTH for m in cur)
        student = any(is_in_school(m["school_status"]) for m in cur)
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
        main = weighted(rng, tuple(table))
        others = [c for c in _CHILD_CAUSES_FREE if c != main]
        n = weighted(rng, ((0, 50), (1, 35), (2, 15)))
        h.row["main_cause"] = main
        h.row["other_causes"] = ",".join(sorted(rng.sample(others, n))) or None

    def _conditions(self, h: Draft) -> None:
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
            "road_type": weighted(rng, (("03", 70), ("02", 20), ("04", 5), ("01", 5))),
            "house_area": float(size * 25) if relocated else float(rng.randint(45, 140)),
            "drinking_difficult": not safe_water, "drinking_safe": safe_water,
            "dangerous_house": dangerous,
            "house_grade": rng.choice(("3", "4")) if dangerous else ("1" if relocated or rng.random() < 0.6 else "2"),
            "fuel": weighted(rng, (("01", 70), ("04", 25), ("03", 5)) if h.yi
                              else (("04", 45), ("01", 35), ("03", 20))),
            "toilet": rng.random() < (0.85 if exited else 0.5),
            "leading_enterprise": rng.random() < 0.3, "entrepreneur_help": rng.random() < 0.2,
        }

    def _income_row(self, h: Draft, year: int) -> Row:
        return {"household_id": h.row["id"], "year": year, "wage": 0.0, "business": 0.0,
                "business_cost": 0.0, "dividend": 0.0, "other_property": 0.0, "dibao_money": 0.0,
                "tekun_money": 0.0, "family_planning": 0.0, "pension": 0.0, "eco_compensation": 0.0,
                "other_transfer": 0.0}

    def _incomes(self, h: Draft) -> None:
        rng = self.rng
        cur = h.current
        size = len(cur)
        inc = self._income_row(h, YEAR)
        monthly = [round100(rng.uniform(2200, 4600)) for _ in cur]
        inc["wage"] = float(sum((m["work_months"] or 0) * w for m, w in zip(cur, monthly, strict=True)))
        kind = h.row["attribute"]
        if kind != "06":
            inc["business"] = round100(rng.uniform(2000, 9000) + size * 300 if h.yi else rng.uniform(3000, 14000))
        cost_ratio = rng.uniform(0.25, 0.45)
        inc["business_cost"] = max(10.0, round10(inc["business"] * cost_ratio)) if inc["business"] else 0.0
        if rng.random() < 0.3:
            inc["dividend"] = round10(rng.uniform(300, 800))
        poor = h.row["status"] != "1"
        if kind == "04":
            inc["dibao_money"] = float(sum(round10(rng.uniform(1260, 1800 if poor else 3360)) for _ in cur))
        if kind == "06":
            inc["tekun_money"] = float(sum(round10(rng.uniform(4800, 5400)) for _ in cur))
        kids = sum(1 for m in cur if m["relation"] in ("03", "04"))
        if not h.yi and kids and kids <= 2 and rng.random() < 0.3:
            inc["family_planning"] = 960.0
        inc["pension"] = float(sum(1236 for m in cur if m["_age"] >= 60))
        if h.cond["grain_for_green"]:
            inc["eco_compensation"] = round10(h.cond["grain_for_green"] * 150)
        inc["other_transfer"] = round10(rng.uniform(200, 900))
        settle_income(inc, size)
        line = self.lines[YEAR]
        if poor:
            cap = line * 0.95
            while inc["per_capita_net"] >= cap:
                excess = inc["net_income"] - cap * size + 100
                if inc["business"] > 500:
                    inc["business"] = max(500.0, round100(inc["business"] - excess / (1 - cost_ratio)))
                    inc["business_cost"] = max(10.0, round10(inc["business"] * cost_ratio))
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
                inc["wage"] -= round100(cut)
                excess -= round100(cut)
            if excess > 0 and inc["business"] > 1000:
                inc["business"] -= min(inc["business"] - 1000, round100(excess / (1 - cost_ratio)))
                inc["business_cost"] = max(10.0, round10(inc["business"] * cost_ratio))
            settle_income(inc, size)
            self._lift(inc, size, line * 1.05)
        h.incomes[YEAR] = inc
        # the year before: a little less of everything
        prev = self._income_row(h, PREV)
        f = rng.uniform(0.82, 0.95)
        prev["wage"] = round100(inc["wage"] * f)
        prev["business"] = round100(inc["business"] * f)
        prev["business_cost"] = max(10.0, round10(inc["business_cost"] * f)) if prev["business"] else 0.0
        prev["dividend"] = round10(inc["dividend"] * f)
        prev["dibao_money"] = round10(inc["dibao_money"] * 0.95)
        prev["tekun_money"] = round10(inc["tekun_money"] * 0.95)
        prev["family_planning"] = inc["family_planning"]
        prev["pension"] = float(sum(1188 for m in cur if m["_age"] >= 61))
        prev["eco_compensation"] = inc["eco_compensation"]
        prev["other_transfer"] = round10(inc["other_transfer"] * f)
        settle_income(prev, size)
        if h.row["status"] == "1" and h.row["exit_year"] <= PREV:
            self._lift(prev, size, self.lines[PREV] * 1.03)
        h.incomes[PREV] = prev

    @staticmethod
    def _lift(inc: Row, size: int, floor: float) -> None:
        if inc["per_capita_net"] <= floor:
            extra = math.ceil((floor * size - inc["net_income"]) / 100.0) * 100 + 100
            inc["business"] += extra
            inc["business_cost"] = max(10.0, inc["business_cost"])
            settle_income(inc, size)

    def _measures(self, h: Draft) -> None:
        rng = self.rng
        first = h.row["first_identified_year"] or 2014
        years = list(range(first, YEAR + 1))
        town = h.township[1]
        out = h.measures

        def add(cat: str, year: int, member: Row | None = None, pick: int | None = None,
                amount: float | None = None, quantity: float | None = None,
                extra: Row | None = None) -> None:
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
            if m["health"] in SERIOUS_ILL:
                add("06", rng.choice(years), member=m, pick=1 if rng.random() < 0.7 else 2)
            elif m["health"] in ("02", "05"):
                add("06", YEAR, member=m, pick=0)
            if m["health"] in DISABLED_HEALTH:
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
    def cadres(self, batch: list[Draft]) -> list[Row]:
        """Cadres of the batch's townships, each paired with 3-8 households of one township."""
        rng = self.rng
        out: list[Row] = []
        by_town: dict[str, list[Draft]] = {}
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
                cadre = self.cadre(town)
                first_of_village = chunk[0].row["village_id"] not in seen_villages
                if first_of_village:
                    seen_villages.add(chunk[0].row["village_id"])
                    cadre.update(is_first_secretary=True, is_team_leader=True, is_resident=True,
                                 position="驻村第一书记")
                out.append(cadre)
                for h in chunk:
                    h.cadre = cadre
        return out

    def cadre(self, town: str) -> Row:
        """A new assistance cadre of the county's units or of the township's government."""
        rng = self.rng
        han = rng.random() < 0.65
        male = rng.random() < 0.7
        age = rng.randint(24, 54)
        surname = rng.choice(dd.HAN_SURNAMES if han else dd.YI_SURNAMES)
        born = self.born(age)
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

    def regen_id(self, m: Row, born: dt.date | None = None, male: bool | None = None) -> None:
        """A fresh valid ID number for a member's (new) birth date or sex; the disability
        certificate number, which starts with it, follows."""
        born = born or m["birth_date"]
        male = (m["sex"] == "1") if male is None else male
        m["id_number"] = self._id_number(born, male)
        if m.get("disability_cert_no"):
            m["disability_cert_no"] = m["id_number"] + m["disability_cert_no"][18:]
