"""How a problem was closed, in words: the resolutions the engine writes, and one line naming who
closed it and when (problem lists, the problems panel and the command line all show this)."""

from __future__ import annotations

from collections.abc import Mapping

from povdesk.domain.records import ProblemRecord

#: why a re-check closed a problem (stored in Chinese: the lists for the province are Chinese)
DATA_CORRECTED = "数据已更正"
NO_LONGER_APPLIES = "数据未改动，因年度设置或检查规则变化不再成立"


def rectified(reason: str) -> str:
    return f"复查通过（{reason}）"


_EN = {
    rectified(DATA_CORRECTED): "Re-check passed (data corrected)",
    rectified(NO_LONGER_APPLIES): "Re-check passed (data unchanged; no longer applies after a year-setting "
                                  "or rule change)",
}


def resolution_text(resolution: str | None, lang: str = "zh") -> str:
    """The stored resolution, the engine's own ones in English when asked (a reviewer's reason is
    shown as written)."""
    if not resolution:
        return ""
    return _EN.get(resolution, resolution) if lang.startswith("en") else resolution


def closing(p: ProblemRecord, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
    """'<resolution> — <who> <when>' for a closed or accepted problem, "" for an open one."""
    if p.status == "open" or not (p.resolution or p.closed_by):
        return ""
    who = (names or {}).get(p.closed_by or "", p.closed_by or "")
    when = p.closed_at.strftime("%Y-%m-%d %H:%M") if p.closed_at else ""
    tail = " ".join(x for x in (who, when) if x)
    text = resolution_text(p.resolution, lang)
    return f"{text} — {tail}" if tail else text
