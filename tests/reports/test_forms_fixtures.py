"""Data for the form tests: a large household (continuation pages) and open problems on it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from povdesk.db.models import Cadre, Household, Measure, Pairing, Problem, Village
from povdesk.services.database import Database
from tests.factories import build_small_county, member

BIG_NO = "51343720420100099"
BIG_HEAD = "阿苏拉则"
PROBLEM_TEXT = "适龄儿童阿苏子3未在校，疑似辍学"
EARLIER_CADRE = "沙马伍呷"
BENEFIT = 2400


def add_big_household(db: Database, *, members: int = 40, measures: int = 30) -> int:
    """A household long enough to need more than two pages, with two open problems."""
    with db.transaction() as s:
        village = s.scalar(select(Village).where(Village.code == "513437204201"))
        assert village is not None
        h = Household(household_no=BIG_NO, village_id=village.id, group_name="二组", head_name=BIG_HEAD,
                      size=members, attribute="04", status="0", main_cause="01", first_identified_year=2014)
        s.add(h)
        s.flush()
        h.members.append(member(BIG_HEAD, "01", dt.date(1960, 1, 5), "1", 700, sort_order=0, work_status="04",
                                work_months=9, public_post_type="01", public_post_months=12))
        for k in range(1, members):
            sex = "1" if k % 2 else "2"
            extra: dict[str, object] = dict(health="04", disability_grade="2") if k == 1 else {}
            h.members.append(member(f"阿苏子{k}", "03" if sex == "1" else "04", dt.date(1985 + k % 20, 2, 3),
                                    sex, 700 + k, sort_order=k, **extra))
        for k in range(measures):
            s.add(Measure(household_id=h.id, year=2016 + k % 4, category=f"{1 + k % 9:02d}",
                          item=f"帮扶项目第{k + 1}项（含较长的说明文字以测试换行）", amount=1000 + k,
                          benefit=BENEFIT if k == 0 else None))
        # cadre history: an earlier cadre whose pairing ended, and the current one
        earlier = Cadre(name=EARLIER_CADRE, sex="2", phone="13800000009", org_name="雷波县教育局",
                        affiliation="51", position="干部")
        current = Cadre(name="吉克阿木", sex="1", phone="13800000008", org_name="帕哈乡人民政府",
                        affiliation="62", position="副乡长")
        s.add_all([Pairing(household_id=h.id, cadre=earlier, start_date=dt.date(2016, 3, 1),
                           end_date=dt.date(2018, 12, 31)),
                   Pairing(household_id=h.id, cadre=current, start_date=dt.date(2019, 1, 1))])
        s.add_all([
            Problem(rule="EDU-001", category="education", severity="error", household_id=h.id,
                    fingerprint=f"EDU-001:{h.id}", message_zh=PROBLEM_TEXT, message_en="Child not in school",
                    status="open"),
            Problem(rule="INC-002", category="income", severity="warning", household_id=h.id,
                    fingerprint=f"INC-002:{h.id}", message_zh="已解决的问题不应打印", message_en="closed",
                    status="rectified"),
        ])
        return h.id


def build_county_with_big_household(db: Database) -> dict[str, int]:
    ids = build_small_county(db)
    ids[BIG_NO] = add_big_household(db)
    return ids


def test_big_household_has_one_open_problem(db: Database) -> None:
    build_county_with_big_household(db)
    with db.reading() as s:
        assert s.scalar(select(Problem.message_zh).where(Problem.status == "open")) == PROBLEM_TEXT
