"""Code lists as data: loaded from the shipped TOML file, with the office's own edits laid on top."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class CodeItem:
    code: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    active: bool = True

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True)
class CodeItemOverride:
    """An office's edit of one code item (stored in the database, table code_item)."""

    list_key: str
    code: str
    zh: str
    en: str
    active: bool = True


def normalise_token(text: str) -> str:
    """Fold full-width forms, brackets and white space so that `乡（镇）内` matches `乡(镇)内`."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    return "".join(text.split())


@dataclass(frozen=True)
class CodeList:
    key: str
    zh: str
    en: str
    confidence: str
    editable: bool
    items: tuple[CodeItem, ...]
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for item in self.items:  # current labels win over synonyms and former labels
            for token in (item.zh, item.en):
                index.setdefault(normalise_token(token).casefold(), item.code)
        for item in self.items:
            for token in item.synonyms:
                index.setdefault(normalise_token(token).casefold(), item.code)
        for item in self.items:  # codes win over labels that look like codes
            index[normalise_token(item.code).casefold()] = item.code
            if item.code.isdigit():
                index.setdefault(str(int(item.code)), item.code)  # "1" for "01"
        object.__setattr__(self, "_index", index)

    def __iter__(self) -> Iterator[CodeItem]:
        return iter(self.items)

    def active_items(self) -> list[CodeItem]:
        return [i for i in self.items if i.active]

    def get(self, code: str | None) -> CodeItem | None:
        if code is None:
            return None
        for item in self.items:
            if item.code == code:
                return item
        return None

    def label(self, code: str | None, lang: str = "zh") -> str:
        item = self.get(code)
        if item is None:
            return "" if code is None else str(code)
        return item.label(lang)

    def code_for(self, value: object) -> str | None:
        """The code for a code or a label as found in a file, or None when it fits no item."""
        if value is None:
            return None
        token = normalise_token(str(value))
        if not token:
            return None
        if token.endswith(".0") and token[:-2].isdigit():  # a spreadsheet's 1.0
            token = token[:-2]
        return self._index.get(token.casefold())

    def with_overrides(self, overrides: Iterable[CodeItemOverride]) -> CodeList:
        items = {i.code: i for i in self.items}
        order = [i.code for i in self.items]
        for ov in overrides:
            if ov.list_key != self.key:
                continue
            old = items.get(ov.code)
            if old is None:
                order.append(ov.code)
                items[ov.code] = CodeItem(ov.code, ov.zh, ov.en, (), ov.active)
            else:
                items[ov.code] = replace(old, zh=ov.zh, en=ov.en, active=ov.active,
                                         synonyms=(*old.synonyms, old.zh) if old.zh != ov.zh else old.synonyms)
        return CodeList(self.key, self.zh, self.en, self.confidence, self.editable,
                        tuple(items[c] for c in order))


@dataclass(frozen=True)
class CodeBook:
    """All code lists in force: the shipped ones with the office's overrides applied."""

    lists: dict[str, CodeList]

    def __getitem__(self, key: str) -> CodeList:
        return self.lists[key]

    def __contains__(self, key: str) -> bool:
        return key in self.lists

    def with_overrides(self, overrides: Iterable[CodeItemOverride]) -> CodeBook:
        ovs = list(overrides)
        return CodeBook({k: v.with_overrides(o for o in ovs if o.list_key == k)
                         for k, v in self.lists.items()})


def _parse(raw: dict[str, Any]) -> dict[str, CodeList]:
    out: dict[str, CodeList] = {}
    for key, spec in raw.items():
        items = []
        for entry in spec["items"]:
            code, zh, en, *rest = entry
            items.append(CodeItem(str(code), zh, en, tuple(rest[0]) if rest else ()))
        zh, en = spec["label"]
        out[key] = CodeList(key, zh, en, spec.get("confidence", "M"),
                            bool(spec.get("editable", False)), tuple(items))
    return out


@cache
def builtin_codebook() -> CodeBook:
    text = resources.files("povdesk.domain").joinpath("data/codelists.toml").read_text("utf-8")
    return CodeBook(_parse(tomllib.loads(text)))
