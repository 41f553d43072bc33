"""A small county built by hand, with facts the tests can name (the demo generator is bigger)."""

from __future__ import annotations

import datetime as dt

from povdesk.db.models import (
    Cadre,
    Conditions,
    County,
    Household,
    Income,
    Measure,
    Member,
    Pairing,
    Township,
    Village,
)
from povdesk.domain import idnumber
from povdesk.services.database import Database

YEAR = 2019


def member(name: str, relation: str, born: dt.date, sex: str, seq: int, **kw: object) -> Member:
    values: dict[str, object] = dict(
        name=name, relation=relation, sex=sex, birth_date=born, ethnicity="07", id_type="1",
        id_number=idnumber.make("513437", born, seq * 2 + (1 if sex == "1" else 0)),
        education="02", school_status="01", health="01", labour_skill="01", ins_medical=True,
        ins_major_illness=True, ins_pension=True, ins_employee_medical=False, dibao=False, tekun=False,
        speaks_mandarin=True, political_status="13", status="1",
    )
    values.update(kw)
    return Member(**values)  # type: ignore[arg-type]


def build_small_county(db: Database) -> dict[str, int]:
    """Returns ids by household number."""
    ids: dict[str, int] = {}
    with db.transaction() as s:
        county = County(code="513437", name="雷波县", province="四川省", prefecture="凉山彝族自治州")
        s.add(county)
        t1 = Township(code="513437204", name="帕哈乡", county=county)
        t2 = Township(code="513437100", name="锦城镇", county=county)
        s.add_all([t1, t2])
        v1 = Village(code="513437204201", name="八合村", township=t1, is_poverty_village=True)
        v2 = Village(code="513437204202", name="试点村", township=t1, synthetic=True)
        v3 = Village(code="513437100201", name="城郊村", township=t2, synthetic=True)
        s.add_all([v1, v2, v3])
        s.flush()
        cadre = Cadre(name="王建国", sex="1", phone="13800000001", org_name="雷波县农业农村局",
                      org_type="1", affiliation="51", is_resident=True)
        s.add(cadre)
        specs = [
            ("51343720420100001", v1, "沙马拉则", 5),
            ("51343720420100002", v1, "曲比阿呷", 3),
            ("51343720420100003", v1, "吉克伍呷", 4),
            ("51343720420200001", v2, "阿约日哈", 6),
            ("51343720420200002", v2, "吉木尔古", 2),
            ("51343710020100001", v3, "张德明", 3),
        ]
        for n, (no, village, head, size) in enumerate(specs):
            h = Household(household_no=no, village_id=village.id, group_name="一组", head_name=head,
                          size=size, attribute="01", status="1" if n % 2 else "0", main_cause="07",
                          first_identified_year=2014, exit_year=2018 if n % 2 else None,
                          phone=f"1390000{n:04d}")
            s.add(h)
            s.flush()
            born_head = dt.date(1970 + n, 3, 12)
            h.members.append(member(head, "01", born_head, "1", n * 10, sort_order=0))
            h.head_id_number = h.members[0].id_number
            if size >= 2:
                h.members.append(member(head[:2] + "阿依莫", "02", dt.date(1972 + n, 5, 1), "2", n * 10 + 1,
                                        sort_order=1))
            for k in range(size - 2):
                sex = "1" if k % 2 == 0 else "2"
                h.members.append(member(f"{head[:2]}子{k}", "03" if sex == "1" else "04",
                                        dt.date(2005 + k, 9, 1), sex, n * 10 + 2 + k, sort_order=2 + k,
                                        school_status="04", education=None, labour_skill="04"))
            s.add(Income(household_id=h.id, year=YEAR, wage=12000, business=3000, property=0,
                         transfer=1500, business_cost=1000, net_income=15500,
                         per_capita_net=round(15500 / size, 2), total_income=16500))
            s.add(Conditions(household_id=h.id, year=YEAR, farmland=3.5, forest=2, electricity=True,
                             production_power=True, radio_tv=True, cooperative=True, road_distance=0.5,
                             road_type="03", house_area=90, drinking_difficult=False, drinking_safe=True,
                             dangerous_house=False, house_grade="1", fuel="01", toilet=True))
            s.add(Measure(household_id=h.id, year=YEAR, category="01", item="发展花椒种植", amount=2000,
                          quantity=1.5, unit="亩"))
            s.add(Pairing(household_id=h.id, cadre=cadre, start_date=dt.date(2016, 1, 1)))
            ids[no] = h.id
    return ids
