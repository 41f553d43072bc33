"""Small roster files made in the tests: the national person list (a) and the household list (d)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from povdesk.domain import idnumber

PERSON_HEADER = [
    "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
    "与户主关系", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间（月）",
    "参加大病医疗", "脱贫属性", "脱贫年度", "贫困户属性", "主要致贫原因", "危房户", "饮水安全", "饮水困难",
    "人均纯收入", "联系电话",
]

HOUSEHOLD_HEADER = [
    "省", "市", "县", "乡", "村", "户编号", "户主编号", "户主姓名", "户主证件号码", "家庭人口数", "是否危房户",
    "人均纯收入", "年收入", "是否解决安全饮用水", "年度", "主要致贫原因", "工资性收入", "生产经营性收入",
    "耕地面积（亩）", "是否通生活用电", "是否通广播电视", "与村主干路距离", "入户路类型", "住房面积",
    "主要燃料类型", "危房级别",
]


def pid(seq: int, born: dt.date = dt.date(1980, 5, 17)) -> str:
    return idnumber.make("513437", born, seq)


def person_rows() -> list[list[Any]]:
    """Three households, seven members, values as the national system writes them (labels)."""
    place = ["雷波县", "帕哈乡", "八合村"]
    rows: list[list[Any]] = []

    def add(no: str, pno: str, name: str, seq: int, size: int, relation: str, school: str, **kw: Any) -> None:
        row = [*place, "一组", no, pno, name, pid(seq), size, relation, "彝族", kw.get("edu", "小学"),
               school, "健康", kw.get("labour", "普通劳动力"), "乡(镇)内务工", kw.get("months", 3), "是",
               kw.get("status", "未脱贫"), kw.get("exit_year"), "一般贫困户", "缺技术", "否", "是", "否",
               kw.get("income", 3650.5), "13900000001"]
        rows.append(row)

    add("51343720420100001", "5134372042010000101", "沙马拉则", 11, 3, "户主", "非在校生")
    add("51343720420100001", "5134372042010000102", "沙马阿依莫", 12, 3, "配偶", "非在校生")
    add("51343720420100001", "5134372042010000103", "沙马木呷", 13, 3, "之子", "七年级", edu=None,
        labour="无劳动力", months=0)
    add("51343720420100002", "5134372042010000201", "曲比阿呷", 21, 2, "户主", "非在校生",
        status="已脱贫(享受政策)", exit_year=2018, income=5100)
    add("51343720420100002", "5134372042010000202", "曲比伍各", 22, 2, "之子", "非在校生",
        status="已脱贫(享受政策)", exit_year=2018, income=5100)
    add("51343720420100003", "5134372042010000301", "吉克伍呷", 31, 2, "01", "01")
    add("51343720420100003", "5134372042010000302", "吉克日哈", 32, 2, "03", "01")
    return rows


def household_rows() -> list[list[Any]]:
    return [
        ["四川省", "凉山彝族自治州", "雷波县", "帕哈乡", "八合村", "51343720420100001", "x", "沙马拉则", pid(11),
         3, "否", 3650.5, 12000, "是", 2019, "缺技术", 8000, 3000, 3.5, "是", "是", 0.8, "水泥路", 80,
         "柴草", "A级"],
        ["四川省", "凉山彝族自治州", "雷波县", "帕哈乡", "八合村", "51343720420100004", "x", "阿约日哈", pid(41),
         4, "是", 4200, 17000, "1", 2019, "因病", 9000, 5000, 2, "1", "0", 1.2, "砂石路", 60, "柴草",
         "C级"],
    ]


def excel_text(text: str) -> str:
    """`text` as Excel itself stores control characters in a workbook (`_x000B_`): openpyxl refuses
    the characters but writes the escapes, and a reader gives the characters back."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", text)


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
               title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # keep text that starts with '=' as text
    wb.save(path)
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


def person_xlsx(path: Path, rows: Sequence[Sequence[Any]] | None = None, **kw: Any) -> Path:
    return write_xlsx(path, PERSON_HEADER, person_rows() if rows is None else rows, **kw)


def col(name: str) -> int:
    return PERSON_HEADER.index(name)
