"""Change requests (issue 11), the pure part: states and who may move them, the type catalogue,
the notice record's rules, months, and the plain records the service returns.

A request is made (draft), submitted, then approved or returned (back to the maker, who edits and
resubmits) or rejected by a reviewer; approved requests are signed off by the director a month at
a time. `povdesk.services.changes.ChangeRequestService` enforces every rule named here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from povdesk.domain.records import frozen_map
from povdesk.domain.roles import CLERK, DIRECTOR, REVIEWER

# ------------------------------------------------------------------ states
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"
REJECTED = "rejected"
SIGNED_OFF = "signed_off"
STATUSES = (DRAFT, SUBMITTED, RETURNED, APPROVED, REJECTED, SIGNED_OFF)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    DRAFT: ("草稿", "Draft"),
    SUBMITTED: ("待审核", "Submitted"),
    RETURNED: ("已退回", "Returned"),
    APPROVED: ("已审核", "Approved"),
    REJECTED: ("已驳回", "Rejected"),
    SIGNED_OFF: ("已签发", "Signed off"),
}

#: the maker may change a request in these states (edit, evidence, rebase, submit)
EDITABLE = frozenset({DRAFT, RETURNED})


def status_label(status: str, lang: str = "zh") -> str:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return en if lang.startswith("en") else zh


@dataclass(frozen=True)
class Step:
    """One act on a request: the states it starts from, the state it leads to, who may do it."""

    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    en: str
    zh: str


#: Every act, in order. Making is open to every role (a reviewer may enter a correction too: the
#: maker-checker rule, not the role, keeps them from approving it).
STEPS: dict[str, Step] = {s.action: s for s in (
    Step("make", frozenset(), DRAFT, frozenset({CLERK, REVIEWER, DIRECTOR}), "make a change request", "填写变更申请"),
    Step("edit", EDITABLE, DRAFT, frozenset({CLERK, REVIEWER, DIRECTOR}), "edit a change request", "修改变更申请"),
    Step("submit", EDITABLE, SUBMITTED, frozenset({CLERK, REVIEWER, DIRECTOR}), "submit a change request",
         "提交变更申请"),
    Step("approve", frozenset({SUBMITTED}), APPROVED, frozenset({REVIEWER, DIRECTOR}), "approve a change request",
         "审核通过变更申请"),
    Step("return", frozenset({SUBMITTED}), RETURNED, frozenset({REVIEWER, DIRECTOR}), "return a change request",
         "退回变更申请"),
    Step("reject", frozenset({SUBMITTED}), REJECTED, frozenset({REVIEWER, DIRECTOR}), "reject a change request",
         "驳回变更申请"),
    Step("signoff", frozenset({APPROVED}), SIGNED_OFF, frozenset({DIRECTOR}), "sign off a month",
         "按月签发"),
    Step("reopen", frozenset(), "", frozenset({DIRECTOR}), "reopen a closed month", "重新开放已关闭的月份"),
)}


# ------------------------------------------------------------------ the notice record
ASSESSMENT_DATE = "assessment_date"  # 村民代表评议
NOTICE_START = "notice_start"  # 村公示 start
NOTICE_END = "notice_end"  # 村公示 end
TOWNSHIP_REVIEW_DATE = "township_review_date"  # 乡镇审核
TOWNSHIP_REVIEWER = "township_reviewer"
NOTICE_DATES = (ASSESSMENT_DATE, NOTICE_START, NOTICE_END, TOWNSHIP_REVIEW_DATE)
NOTICE_KEYS = (*NOTICE_DATES, TOWNSHIP_REVIEWER)
NOTICE_LABELS: dict[str, tuple[str, str]] = {
    ASSESSMENT_DATE: ("村民代表评议日期", "village assessment meeting date"),
    NOTICE_START: ("村公示开始日期", "village public notice start"),
    NOTICE_END: ("村公示结束日期", "village public notice end"),
    TOWNSHIP_REVIEW_DATE: ("乡镇审核日期", "township review date"),
    TOWNSHIP_REVIEWER: ("乡镇审核人", "township reviewer"),
}
#: a village public notice runs at least this many days, first and last day included
NOTICE_DAYS = 7


def notice_problems(notice: Mapping[str, Any], today: dt.date) -> list[tuple[str, str]]:
    """What is missing or wrong in a notice record, as (English, Chinese); empty when complete.

    Dates are ISO texts or dates. None lies in the future except the notice's end (a notice still
    running: approval waits for it, `notice_running`)."""
    out: list[tuple[str, str]] = []
    dates: dict[str, dt.date] = {}
    for key in NOTICE_DATES:
        zh, en = NOTICE_LABELS[key]
        raw = notice.get(key)
        if raw in (None, ""):
            out.append((f"the {en} is missing", f"缺少{zh}"))
            continue
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        except ValueError:
            out.append((f"the {en} '{raw}' is not a date (YYYY-MM-DD)", f"{zh}“{raw}”不是日期（YYYY-MM-DD）"))
            continue
        dates[key] = day
        if key != NOTICE_END and day > today:
            out.append((f"the {en} {day} lies in the future", f"{zh} {day} 晚于今天"))
    if not str(notice.get(TOWNSHIP_REVIEWER) or "").strip():
        zh, en = NOTICE_LABELS[TOWNSHIP_REVIEWER]
        out.append((f"the {en} is missing", f"缺少{zh}"))
    start, end = dates.get(NOTICE_START), dates.get(NOTICE_END)
    if start and end:
        if end <= start:
            out.append((f"the notice ends ({end}) before or on its start ({start})",
                        f"公示结束日期（{end}）不晚于开始日期（{start}）"))
        elif (end - start).days + 1 < NOTICE_DAYS:
            out.append((f"the notice runs {(end - start).days + 1} days, at least {NOTICE_DAYS} are required",
                        f"公示仅 {(end - start).days + 1} 天，至少应为 {NOTICE_DAYS} 天"))
    meeting = dates.get(ASSESSMENT_DATE)
    if meeting and start and start < meeting:
        out.append((f"the notice starts ({start}) before the assessment meeting ({meeting})",
                    f"公示开始日期（{start}）早于评议日期（{meeting}）"))
    return out


def notice_running(notice: Mapping[str, Any], today: dt.date) -> dt.date | None:
    """The notice's last day when it has not run its full length by `today`, else None."""
    raw = notice.get(NOTICE_END)
    try:
        end = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        return None
    return end if end >= today else None


# ------------------------------------------------------------------ the types
@dataclass(frozen=True)
class ChangeType:
    """One type of request: what it needs before it can be submitted (the service applies it)."""

    code: str
    zh: str
    en: str
    #: "household" or "village"
    scope: str = "household"
    needs_member: bool = False
    needs_date: bool = False
    needs_reason: bool = False
    #: the code list `cause` is taken from (None: no cause)
    cause_list: str | None = None
    needs_notice: bool = False
    needs_evidence: bool = False
    #: "--set KEY=VALUE" fields allowed (correct, member-in)
    takes_fields: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


CORRECT = "correct"
EXIT = "exit"
RETURN = "return"
NEW_HOUSEHOLD = "new-household"
MEMBER_IN = "member-in"
MEMBER_OUT = "member-out"
CANCEL_HOUSEHOLD = "cancel-household"
REMOVAL = "removal"
VILLAGE_EXIT = "village-exit"

#: The catalogue: one entry per type (issue 11 §2). `IMPLEMENTED` are those the service applies.
TYPES: dict[str, ChangeType] = {t.code: t for t in (
    ChangeType(CORRECT, "信息更正", "Correction", takes_fields=True),
    ChangeType(EXIT, "标注脱贫", "Exit from poverty", needs_notice=True),
    ChangeType(RETURN, "返贫", "Return to poverty", cause_list="return_cause", needs_notice=True),
    ChangeType(NEW_HOUSEHOLD, "新识别", "New household", needs_notice=True, takes_fields=True),
    ChangeType(MEMBER_IN, "自然增加", "Member added", needs_date=True, needs_reason=True,
               cause_list="increase_reason", takes_fields=True),
    ChangeType(MEMBER_OUT, "自然减少", "Member left", needs_member=True, needs_date=True, needs_reason=True,
               cause_list="decrease_reason"),
    ChangeType(CANCEL_HOUSEHOLD, "自然销户", "Household cancelled", needs_date=True, needs_reason=True),
    ChangeType(REMOVAL, "清退", "Removal", needs_reason=True, needs_evidence=True, needs_notice=True),
    ChangeType(VILLAGE_EXIT, "贫困村退出", "Village exit", scope="village", needs_notice=True),
)}
IMPLEMENTED = frozenset(TYPES)
#: Types whose request has no household yet when it is made: a new household (created at
#: approval) and a village exit (the village's).
NOT_OF_A_HOUSEHOLD = frozenset({NEW_HOUSEHOLD, VILLAGE_EXIT})


# ------------------------------------------------------------------ new household (新识别)
#: The shape of a new household (`changes new new-household --from-file FILE.json`; the service
#: takes the same two parts as `household=` and `members=`). Keys are data-dictionary keys, values
#: codes or Chinese labels as for --set.
NEW_HOUSEHOLD_SHAPE = """{
  "household": {"household.attribute": "一般贫困户", "household.main_cause": "缺技术",
                "household.phone": "13900000000", "household.group_name": "一组"},
  "members": [
    {"member.name": "张三", "member.id_number": "513437198001010011", "member.relation": "户主",
     "member.ethnicity": "彝族", "member.health": "健康"},
    {"member.name": "李四", "member.id_number": "513437198203040022", "member.relation": "配偶",
     "member.ethnicity": "彝族", "member.health": "健康"}
  ]
}"""
#: household fields a new household gets from its members or the request when the file leaves them out
DERIVED_HOUSEHOLD = ("household.household_no", "household.head_name", "household.head_id_number",
                     "household.size", "household.status", "household.first_identified_year")


def member_label(index: int, name: str | None, lang: str = "zh") -> str:
    """How a proposed member of a new household is named in messages: 成员2（李四）."""
    shown = f"（{name}）" if name else ""
    if lang.startswith("en"):
        return f"member {index + 1}" + (f" ({name})" if name else "")
    return f"成员{index + 1}{shown}"


# ------------------------------------------------------------------ village exit (贫困村退出)
def poverty_incidence(poor: int, population: int) -> float:
    """Poor population over village population, in percent (0 for a village without population)."""
    return 0.0 if population <= 0 else 100.0 * poor / population


@dataclass(frozen=True)
class VillageExitPreview:
    """What a village exit is judged on: the village's incidence of poverty against the year's
    threshold (`year_setting.village_exit_incidence`). Poor = current members of active households
    not exited (未脱贫, 返贫); population = current members of all its active households (the
    registry records no separate total population of the village)."""

    village_id: int
    village_code: str
    village_name: str
    year: int
    poor: int
    population: int
    incidence: float
    threshold: float
    exit_year: int | None = None

    @property
    def may_exit(self) -> bool:
        return self.exit_year is None and self.incidence <= self.threshold

    def as_json(self) -> dict[str, Any]:
        return {"village_code": self.village_code, "village": self.village_name, "year": self.year,
                "poor": self.poor, "population": self.population, "incidence": round(self.incidence, 2),
                "threshold": self.threshold, "may_exit": self.may_exit, "exit_year": self.exit_year,
                "population_basis": POPULATION_BASIS[1]}

    def text(self, lang: str = "zh") -> str:
        verdict_zh = "可以退出" if self.may_exit else "不能退出"
        verdict_en = "may exit" if self.may_exit else "may not exit"
        if lang.startswith("en"):
            return (f"Village {self.village_name} ({self.village_code}), {self.year}: incidence of poverty "
                    f"{self.incidence:.2f} % ({self.poor} poor of {self.population}), threshold "
                    f"{self.threshold:g} %: {verdict_en}")
        return (f"{self.village_name}（{self.village_code}）{self.year} 年贫困发生率 {self.incidence:.2f}%"
                f"（贫困人口 {self.poor} 人 / 总人口 {self.population} 人），标准 {self.threshold:g}%：{verdict_zh}")


#: what the village population counts (zh, en)
POPULATION_BASIS = ("在册户（未销户）的在册成员人数",
                    "current members of the village's active households")


def preview_from_detail(detail: Mapping[str, Any]) -> VillageExitPreview | None:
    """The preview a village-exit request recorded (`ChangeRequestRecord.detail`), else None."""
    if "incidence" not in detail:
        return None
    return VillageExitPreview(int(detail["village_id"]), str(detail["village_code"]), str(detail["village"]),
                              int(detail["year"]), int(detail["poor"]), int(detail["population"]),
                              float(detail["incidence"]), float(detail["threshold"]))


# ------------------------------------------------------------------ months
def period_of(day: dt.date | dt.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def valid_period(text: str) -> bool:
    if len(text) != 7 or text[4] != "-":
        return False
    try:
        year, month = int(text[:4]), int(text[5:])
    except ValueError:
        return False
    return 1900 < year < 3000 and 1 <= month <= 12


# ------------------------------------------------------------------ records
@dataclass(frozen=True)
class ChangeFieldRecord:
    key: str
    member_id: int | None
    #: the member's ID number (or name, for a member without one); None for household fields
    member: str | None
    before: str | None
    after: str | None
    #: made from a printed form: the registry's value then, where it differed from the printed
    #: `before` (None: the same, or not from a form)
    current: str | None = None
    #: new-household: the proposed member the field belongs to (0-based, in the request's order)
    member_index: int | None = None

    @property
    def changed_since_printing(self) -> bool:
        return self.current is not None


@dataclass(frozen=True)
class ChangeEventRecord:
    at: dt.datetime
    user: str
    from_status: str | None
    to_status: str
    comment: str | None


@dataclass(frozen=True)
class EvidenceRecord:
    file_id: int
    sha256: str
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class ChangeRequestRecord:
    id: int
    type: str
    status: str
    household_id: int | None
    household_no: str | None
    village_id: int | None
    member_id: int | None
    based_on_version: int | None
    reason: str | None
    note: str | None
    cause: str | None
    event_date: dt.date | None
    year: int | None
    new_head_member_id: int | None
    notice: Mapping[str, Any]
    source: str
    source_ref: str | None
    maker: str
    reviewer: str | None
    signer: str | None
    period: str | None
    review_comment: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    fields: tuple[ChangeFieldRecord, ...] = ()
    history: tuple[ChangeEventRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    #: what the type recorded besides its fields (village-exit: `VillageExitPreview` figures)
    detail: Mapping[str, Any] = field(default_factory=frozen_map)

    def as_json(self) -> dict[str, Any]:
        """What `changes show --format json` prints."""
        return {
            "id": self.id, "type": self.type, "status": self.status, "household_no": self.household_no,
            "based_on_version": self.based_on_version, "reason": self.reason, "note": self.note,
            "cause": self.cause, "date": self.event_date.isoformat() if self.event_date else None,
            "year": self.year, "notice": dict(self.notice), "source": self.source,
            "source_ref": self.source_ref,
            "village_id": self.village_id,
            "fields": [{"key": f.key, "member": f.member, "before": f.before, "after": f.after,
                        **({"current": f.current} if f.current is not None else {}),
                        **({"member_index": f.member_index} if f.member_index is not None else {})}
                       for f in self.fields],
            **({"detail": dict(self.detail)} if self.detail else {}),
            "maker": self.maker, "reviewer": self.reviewer, "signer": self.signer, "period": self.period,
            "review_comment": self.review_comment,
            "evidence": [{"name": e.name, "sha256": e.sha256, "size": e.size, "media_type": e.media_type}
                         for e in self.evidence],
            "history": [{"at": e.at.isoformat(timespec="seconds"), "user": e.user, "from": e.from_status,
                         "to": e.to_status, "comment": e.comment} for e in self.history],
        }


@dataclass(frozen=True)
class PeriodRecord:
    period: str
    closed: bool
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    reopened_at: dt.datetime | None = None
    reopened_by: str | None = None
    reopen_reason: str | None = None


@dataclass(frozen=True)
class SignOffResult:
    period: str
    request_ids: tuple[int, ...]
    extra: Mapping[str, Any] = field(default_factory=frozen_map)


@dataclass(frozen=True)
class ImportedForm:
    """One household of a filled comparison-table workbook (`changes import-forms`)."""

    household_no: str
    change_id: int
    #: the corrections the request carries (fields that differ from the registry)
    fields: int
    sheet: str
    #: the printed form's code (PD1-…), the request's source_ref
    form: str


@dataclass(frozen=True)
class FormsImport:
    file: str
    #: draft correction requests made, one per household with a filled correction
    created: tuple[ImportedForm, ...]
    #: households whose form was already imported from a workbook: the request made then
    skipped: tuple[ImportedForm, ...] = ()

    def as_json(self) -> dict[str, Any]:
        def one(f: ImportedForm) -> dict[str, Any]:
            return {"household_no": f.household_no, "change_id": f.change_id, "fields": f.fields,
                    "sheet": f.sheet, "form": f.form}

        return {"file": self.file, "created": [one(f) for f in self.created],
                "skipped": [one(f) for f in self.skipped]}
