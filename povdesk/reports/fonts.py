"""The CJK font printed forms embed, found in the repository, the installed package or the system."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from povdesk.config import resource_dirs
from povdesk.errors import NotFound

#: The name forms use; WenQuanYi Micro Hei is TrueType (reportlab cannot embed CFF fonts such as Noto CJK).
FONT_NAME = "WQYMicroHei"
FONT_FILE = "wqy-microhei.ttc"
#: Lets an office point at another TrueType collection without a code change.
FONT_ENV = "POVDESK_FORM_FONT"


def font_candidates() -> list[Path]:
    """Where the font may be: override, source tree (resources/fonts), installed package, system."""
    found = []
    if os.environ.get(FONT_ENV):
        found.append(Path(os.environ[FONT_ENV]))
    # the frozen program's, the source checkout's, an installed package's (config.resource_dirs)
    found += [folder / "fonts" / FONT_FILE for folder in resource_dirs()]
    found.append(Path("/usr/share/fonts/truetype/wqy") / FONT_FILE)
    return found


def font_path() -> Path:
    for path in font_candidates():
        if path.is_file():
            return path
    raise NotFound("font.missing",
                   f"The form font {FONT_FILE} was not found (looked in: "
                   + ", ".join(str(p) for p in font_candidates()) + ").",
                   f"找不到打印字体 {FONT_FILE}，请重新安装本程序。")


@cache
def register() -> str:
    """Register the font with reportlab once and return its name (subsetted and embedded on save)."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME


#: advance of each character at size 1, filled as characters are met (wrapping measures every cell)
_WIDTHS: dict[str, float] = {}


def _learn(text: str) -> None:
    font = register()
    for ch in set(text) - _WIDTHS.keys():
        _WIDTHS[ch] = pdfmetrics.stringWidth(ch, font, 1000) / 1000


def char_width(ch: str) -> float:
    try:
        return _WIDTHS[ch]
    except KeyError:
        _learn(ch)
        return _WIDTHS[ch]


def text_width(text: str, size: float) -> float:
    try:
        return sum(map(_WIDTHS.__getitem__, text)) * size
    except KeyError:
        _learn(text)
        return sum(map(_WIDTHS.__getitem__, text)) * size
