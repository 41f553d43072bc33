"""File names made from data: plain, short, distinct ignoring case, and inside their folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from povdesk.domain.filenames import (
    MAX_NAME_BYTES,
    FolderNames,
    name_key,
    path_inside,
    safe_file_name,
)
from povdesk.errors import PovdeskError

HOSTILE = ["/../../x", "a/b", "a\\b", "..", ".", "...", " .hidden. ", "CON", "nul.txt", "Com1", "lpt9.tar.gz",
           "CON .txt", "名字\x0b有竖制表符", "a<b>c:d\"e|f?g*h", "\u202egpj.exe", "村" * 300, "x" * 300, "", "\x00\x01",
           "a..b", "C:\\Windows\\x", "~/x", "\ud800lone"]


def _plain(name: str) -> None:
    assert name and "/" not in name and "\\" not in name and ".." not in name
    assert name == name.strip(" .") and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(ord(c) < 32 or c in '<>:"|?*' for c in name)
    assert name.split(".", 1)[0].rstrip().upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
    name.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_text_gives_one_plain_name(text: str) -> None:
    _plain(safe_file_name(text))
    name = safe_file_name(text, prefix="问题清单_", ext=".xlsx", fallback="未命名行政村")
    _plain(name)
    assert name.startswith("问题清单_") and name.endswith(".xlsx")


def test_names_keep_what_is_harmless() -> None:
    assert safe_file_name("帕哈乡八合村", prefix="问题清单_", ext=".xlsx") == "问题清单_帕哈乡八合村.xlsx"
    assert safe_file_name("a/b") == "a_b"
    assert safe_file_name("CON") == "_CON" and safe_file_name("nul.txt") == "_nul.txt"
    assert safe_file_name("名字\x0b有") == "名字有"
    assert safe_file_name("", prefix="问题清单_", fallback="未命名行政村") == "问题清单_未命名行政村"
    assert safe_file_name("\x0b", fallback="") == "_"
    long = safe_file_name("村" * 300, ext=".xlsx")
    assert long.endswith(".xlsx") and len(long.encode("utf-8")) <= MAX_NAME_BYTES  # whole characters
    with pytest.raises(ValueError):
        safe_file_name("x", ext="/../x")


def test_folder_names_are_distinct_ignoring_case_and_after_cleaning() -> None:
    names = FolderNames()
    given = [names.add(t, ext=".xlsx") for t in ("Village", "village", "VILLAGE", "a/b", "a\\b", "a_b",
                                                  "村" * 300, "村" * 301)]
    assert len({name_key(n) for n in given}) == len(given)
    assert given[:3] == ["Village.xlsx", "village-2.xlsx", "VILLAGE-3.xlsx"]
    assert all(len(n.encode("utf-8")) <= MAX_NAME_BYTES for n in given)
    tagged = FolderNames()
    assert [tagged.add("八合村", tag=c) for c in ("513437204201", "513437204202")] == ["八合村", "八合村-513437204202"]


@pytest.mark.parametrize("name", ["../x.xlsx", "a/b.xlsx", "/etc/passwd", "", ".", "..", "sub/"])
def test_a_path_outside_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PovdeskError) as caught:
        path_inside(tmp_path, name)
    assert caught.value.code == "output.outside_folder" and "之外" in caught.value.zh


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "elsewhere.xlsx", tmp_path / "out" / "x.xlsx")
    with pytest.raises(PovdeskError):
        path_inside(tmp_path / "out", "x.xlsx")


def test_every_safe_name_stays_inside(tmp_path: Path) -> None:
    for text in HOSTILE:
        path = path_inside(tmp_path, safe_file_name(text, ext=".xlsx"))
        assert path.parent == tmp_path.resolve()
