"""File names made from data (a village's name, a township's): safe on every system, distinct, and
provably inside the folder they are written to.

A name from an imported roster can hold anything: `/../../x`, `a/b`, `CON`, a vertical tab, three
hundred characters. `safe_file_name` turns it into one plain file name; `FolderNames` keeps the
names of one output folder apart as Windows compares them (ignoring case); `path_inside` joins a
folder and a name and refuses a path that would land anywhere but directly in that folder.
(Django's `get_valid_filename` and `safe_join` are the idea.)
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from povdesk.errors import PovdeskError

#: Bytes (UTF-8) a whole file name may take: well under the 255 of ext4 and NTFS, and short
#: enough that a deep output folder stays inside Windows' 260-character paths.
MAX_NAME_BYTES = 120
#: Devices Windows reserves in every folder, also with an extension (`nul.txt`).
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
                      *(f"COM{n}" for n in (*"123456789", "¹", "²", "³")),
                      *(f"LPT{n}" for n in (*"123456789", "¹", "²", "³"))})
#: Separators and the characters Windows forbids in a name: replaced by `_`.
_FORBIDDEN = re.compile(r'[/\\<>:"|?*]')
_DOTS = re.compile(r"\.{2,}")
_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{1,10})?")
_REPLACEMENT = "_"


def _visible(text: str) -> str:
    """Drop what cannot be seen or stored: control and format characters (a vertical tab, a
    right-to-left override), lone surrogates, non-characters."""
    return "".join(c for c in text
                   if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp"))


def _trim(text: str) -> str:
    """No leading or trailing dots or spaces (Windows drops trailing ones; a leading dot hides)."""
    return text.strip().strip(".").strip()


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of whole characters that fits in `max_bytes` of UTF-8."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    return text.encode("utf-8")[:max(0, max_bytes)].decode("utf-8", "ignore")


def _stem(text: str, max_bytes: int, *, whole: bool = True) -> str:
    """`text` as a name with no extension (`whole`: a whole name, so not a device); may be empty."""
    text = unicodedata.normalize("NFC", _visible(str(text)))
    text = _FORBIDDEN.sub(_REPLACEMENT, text)
    text = _DOTS.sub(".", text)
    text = _trim(_cut(_trim(text), max_bytes))
    if whole and text.split(".", 1)[0].rstrip().upper() in RESERVED:
        text = _REPLACEMENT + _cut(text, max_bytes - 1)
    return text


def safe_file_name(text: str, *, prefix: str = "", ext: str = "", fallback: str = "_",
                   max_bytes: int = MAX_NAME_BYTES) -> str:
    """One plain file name (no folder part): `prefix` (a constant such as "问题清单_"), then `text`
    made safe, then `ext` (".xlsx"). No path separators, no `..`, no leading or trailing dots or
    spaces, no reserved Windows name, no control characters or characters Windows forbids, at most
    `max_bytes` of UTF-8, never empty: `fallback` (made safe the same way) stands in for a text
    with nothing left, then `_`."""
    if _EXTENSION.fullmatch(ext) is None:
        raise ValueError(f"not a plain extension: {ext!r}")
    room = max_bytes - len(ext)
    data_room = room - len(prefix.encode("utf-8"))
    data = _stem(text, data_room, whole=False) or _stem(fallback, data_room, whole=False) or _REPLACEMENT
    return (_stem(prefix + data, room) or _REPLACEMENT) + ext


def name_key(name: str) -> str:
    """Names that are the same file on Windows (and macOS) have the same key: case and Unicode
    normalisation ignored."""
    return unicodedata.normalize("NFC", name).casefold()


class FolderNames:
    """The file names given out for one output folder: each safe, none the same file as another."""

    def __init__(self, *, max_bytes: int = MAX_NAME_BYTES) -> None:
        self.max_bytes = max_bytes
        self._taken: set[str] = set()

    def add(self, text: str, *, prefix: str = "", ext: str = "", fallback: str = "_", tag: str = "") -> str:
        """A safe name for `text` (see `safe_file_name`) that no earlier name of this folder takes;
        on a clash the name gets `tag` (a place code, say), then a counter: `问题清单_八合村-2.xlsx`."""
        name = safe_file_name(text, prefix=prefix, ext=ext, fallback=fallback, max_bytes=self.max_bytes)
        stem = name[:len(name) - len(ext)] if ext else name
        tags = [f"-{_stem(tag, 40, whole=False)}"] if _stem(tag, 40, whole=False) else []
        candidate = name
        for suffix in itertools.chain(tags, (f"-{n}" for n in itertools.count(2))):
            if name_key(candidate) not in self._taken:
                break
            candidate = _cut(stem, self.max_bytes - len(ext) - len(suffix.encode("utf-8"))) + suffix + ext
        self._taken.add(name_key(candidate))
        return candidate


def path_inside(folder: str | Path, name: str) -> Path:
    """`folder / name`, after proving it is a file directly in `folder` (symbolic links resolved):
    a name that climbs out, names a subfolder or is absolute is refused, never written."""
    base = Path(folder).resolve()
    path = (base / name).resolve()
    if path.parent != base or not name or name in (".", "..") or "/" in name or "\\" in name:
        raise PovdeskError(
            "output.outside_folder",
            f"The file name '{name}' would not be written in the folder {base}; nothing was written there.",
            f"文件名“{name}”会写到文件夹 {base} 之外，已拒绝写入。")
    return path
