"""Setting up a real county in a new database (issue 15 §3): the first run's "set up my county"
and `povdesk init`. The county (code and names of county, prefecture and province), its townships
(typed, or left to the first roster's import, which adds the ones it names), and the first
director's login and password, in one transaction before the director's password is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from povdesk.db.models import County, Household, Meta, Township
from povdesk.domain import admin
from povdesk.errors import InvalidValue
from povdesk.services.database import Database
from povdesk.services.users import UserService

#: GB/T 2260 province-level codes (the first two digits of every county code)
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82"})
META_KEY = "county_setup"


@dataclass(frozen=True)
class CountyPlan:
    code: str
    name: str
    prefecture: str
    province: str
    townships: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SetupResult:
    county_code: str
    county_name: str
    townships: int
    director: str


def check_county_code(code: str) -> str:
    """A county code: 6 digits of a real province (GB/T 2260); the shipped county's is known whole."""
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code) or code.endswith("00"):
        raise InvalidValue("input.county_code",
                           f"'{code}' is not a county code: 6 digits (GB/T 2260), e.g. 513437.",
                           f"“{code}”不是县级区划代码：应为 6 位数字（GB/T 2260），如 513437。")
    if code[:2] not in PROVINCE_CODES:
        raise InvalidValue("input.county_code",
                           f"'{code}' does not begin with a province's code (GB/T 2260).",
                           f"“{code}”的前两位不是省级区划代码（GB/T 2260）。")
    return code


def parse_township(text: str, county_code: str) -> tuple[str, str]:
    """`CODE:NAME` (or `CODE：NAME`): a 9-digit code under the county and its name."""
    code, sep, name = text.replace("：", ":").partition(":")
    code, name = code.strip(), name.strip()
    if not sep or not re.fullmatch(r"\d{9}", code) or not code.startswith(county_code) or not name:
        raise InvalidValue("input.township",
                           f"'{text}' is not a township: CODE:NAME, a 9-digit code beginning with {county_code}.",
                           f"“{text}”不是乡镇：应为“代码:名称”，代码为以 {county_code} 开头的 9 位数字。")
    return code, name


def plan_of(code: str, name: str, prefecture: str, province: str,
            townships: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()) -> CountyPlan:
    """The county to set up, checked: code, names (the shipped county's names fill in blanks)."""
    code = check_county_code(code)
    if code == admin.LEIBO[0]:
        name = name or admin.LEIBO[1]
        prefecture = prefecture or admin.PREFECTURE[1]
        province = province or admin.PROVINCE[1]
    for label_en, label_zh, value in (("county", "县", name), ("prefecture", "市（州）", prefecture),
                                      ("province", "省", province)):
        if not value.strip() or len(value.strip()) > 40:
            raise InvalidValue("input.county_name", f"The {label_en}'s name is missing (at most 40 characters).",
                               f"缺少{label_zh}的名称（最多 40 个字）。")
    seen: set[str] = set()
    for tcode, tname in townships:
        parse_township(f"{tcode}:{tname}", code)
        if tcode in seen:
            raise InvalidValue("input.township", f"Township {tcode} is given twice.", f"乡镇 {tcode} 重复。")
        seen.add(tcode)
    return CountyPlan(code, name.strip(), prefecture.strip(), province.strip(), tuple(townships))


def set_up_county(db: Database, plan: CountyPlan, *, director: str, password: str) -> SetupResult:
    """Write the county and its townships into an empty database, then make `director` its first
    login (a director with a password). Refused when the database already holds a county."""
    with db.reading() as s:
        _refuse_a_second(s)
    with db.transaction() as s:
        _refuse_a_second(s)
        county = County(code=plan.code, name=plan.name, prefecture=plan.prefecture, province=plan.province)
        s.add(county)
        s.flush()
        s.add_all(Township(county_id=county.id, code=c, name=n) for c, n in plan.townships)
        s.merge(Meta(key=META_KEY, value=plan.code))
    UserService(db=db).save(director, role="director", password=password)
    return SetupResult(plan.code, plan.name, len(plan.townships), director)


def _refuse_a_second(s: Session) -> None:
    if s.scalar(select(func.count()).select_from(County)) or s.scalar(select(func.count()).select_from(Household)):
        raise InvalidValue("setup.not_empty",
                           "This database already holds a county; set up a new county in a new database.",
                           "本数据库已有县的数据；请在新数据库中设置新的县。")


def townships_from_roster(path: str | Path, county_code: str) -> tuple[tuple[str, str], ...]:
    """The distinct townships (code, name) a provincial roster names, read the way `povdesk
    import` reads it: the header found through the data dictionary, the township's name from the
    乡(镇) column and its code from the first 9 digits of the 村代码 (village code) column.
    Refused, naming the file, when the roster has neither column, names no township with a code,
    gives one code two names, or holds a township outside `county_code`."""
    from povdesk.exchange import layouts

    county_code = check_county_code(county_code)
    file = Path(path)
    hmap, rows = layouts.scan(str(file))
    index = {c.field_key: c.index for c in hmap.mapped}
    name_at, code_at = index.get(_TOWNSHIP_KEY), index.get(_VILLAGE_CODE_KEY)
    if name_at is None or code_at is None:
        raise InvalidValue("setup.roster_no_townships",
                           f"{file.name} has no 乡(镇) (township) and 村代码 (village code) columns: the "
                           "townships' codes cannot be read from it. Type them instead.",
                           f"“{file.name}”没有“乡(镇)”和“村代码”两列，无法从中读出乡镇的代码，请直接填写乡镇。")
    found: dict[str, str] = {}
    outside: list[str] = []
    for row_no, cells in rows:
        if row_no <= hmap.header_row:
            continue
        code, name = _cell(cells, code_at), _cell(cells, name_at)
        if not code or not name:
            continue
        if not re.fullmatch(r"\d{9,12}", code):
            raise InvalidValue("setup.roster_township",
                               f"{file.name}, row {row_no}: '{code}' is not a village code (12 digits).",
                               f"“{file.name}”第 {row_no} 行：“{code}”不是村代码（应为 12 位数字）。")
        tcode = code[:9]
        if not tcode.startswith(county_code):
            if tcode not in outside:
                outside.append(tcode)
            continue
        if found.setdefault(tcode, name) != name:
            raise InvalidValue("setup.roster_township",
                               f"{file.name}: township {tcode} is named both '{found[tcode]}' and '{name}'.",
                               f"“{file.name}”中乡镇 {tcode} 有两个名称：“{found[tcode]}”和“{name}”。")
    if outside:
        shown = ", ".join(outside[:5]) + ("…" if len(outside) > 5 else "")
        raise InvalidValue("setup.roster_other_county",
                           f"{file.name} holds townships that are not under county {county_code} ({shown}); "
                           "choose this county's roster or check the county code.",
                           f"“{file.name}”中有不属于县 {county_code} 的乡镇（{shown}）；请选择本县的花名册，或核对县级区划代码。")
    if not found:
        raise InvalidValue("setup.roster_no_townships",
                           f"{file.name} names no township with a village code; type the townships instead.",
                           f"“{file.name}”中没有带村代码的乡镇，请直接填写乡镇。")
    return tuple(sorted(found.items()))


_TOWNSHIP_KEY = "location.township"
_VILLAGE_CODE_KEY = "location.village_code"


def _cell(cells: list[Any], at: int) -> str:
    value = cells[at] if at < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
