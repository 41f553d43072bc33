"""How a problem was closed, in words: the resolutions the engine writes, and one line naming who
closed it and when (problem lists, the problems panel and the command line all show this)."""

from __future__ import annotations

from collections.abc import Mapping

from povdesk.domain.records import ProblemRecord

#: A problem's states: found and open; accepted as an exception by a reviewer; rectified (the data
#: was corrected and the rule passes); lapsed (the rule passes though nobody touched the data: a
#: year setting or the rule itself changed, so it is not counted as a correction).
OPEN = "open"
ACCEPTED = "accepted"
RECTIFIED = "rectified"
LAPSED = "lapsed"
STATUSES = (OPEN, ACCEPTED, RECTIFIED, LAPSED)
STATUS_ZH = {OPEN: "未整改", ACCEPTED: "认定为例外", RECTIFIED: "已整改", LAPSED: "不再适用"}
STATUS_EN = {OPEN: "Open", ACCEPTED: "Accepted", RECTIFIED: "Rectified", LAPSED: "No longer applies"}

#: how a re-check closed a problem (stored in Chinese: the lists for the province are Chinese)
CORRECTED_RESOLUTION = "复查通过（数据已更正）"
LAPSED_RESOLUTION = "复查通过，但数据未改动（年度设置或检查规则已变化）"

_EN = {
    CORRECTED_RESOLUTION: "Re-check passed (data corrected)",
    LAPSED_RESOLUTION: "Re-check passed with the data unchanged (a year setting or the rule changed)",
    # written by earlier versions
    "复查通过（数据未改动，因年度设置或检查规则变化不再成立）":
        "Re-check passed with the data unchanged (a year setting or the rule changed)",
}


def status_label(status: str, lang: str = "zh") -> str:
    return (STATUS_EN if lang.startswith("en") else STATUS_ZH).get(status, status)


def resolution_text(resolution: str | None, lang: str = "zh") -> str:
    """The stored resolution, the engine's own ones in English when asked (a reviewer's reason is
    shown as written)."""
    if not resolution:
        return ""
    return _EN.get(resolution, resolution) if lang.startswith("en") else resolution


def closing(p: ProblemRecord, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
    """'<resolution> — <who> <when>' for a closed or accepted problem, "" for an open one."""
    if p.status == OPEN or not (p.resolution or p.closed_by):
        return ""
    who = (names or {}).get(p.closed_by or "", p.closed_by or "")
    when = p.closed_at.strftime("%Y-%m-%d %H:%M") if p.closed_at else ""
    tail = " ".join(x for x in (who, when) if x)
    text = resolution_text(p.resolution, lang)
    return f"{text} — {tail}" if tail else text
