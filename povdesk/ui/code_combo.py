"""The one input for a coded value: a code list's labels in a combo box that filters as you type,
by any part of the label (either language), the code, or the label's pinyin (initials "wfgz" or
whole syllables "weifang") - how a clerk types a Chinese label on a keyboard without an IME."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from povdesk.domain import dictionary as dd
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import FieldType

#: the item role holding what the completer matches against (code, labels, pinyin)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


@cache
def pinyin_keys(text: str) -> str:
    """The pinyin initials and the whole syllables of `text`: "危房改造" -> "wfgz weifanggaizao"."""
    # imported here: pypinyin loads its dictionary, needed only once a combo is built
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    syllables = "".join(lazy_pinyin(text))
    return f"{initials} {syllables}".lower()


def search_key(code: str, zh: str, en: str) -> str:
    return f"{code} {zh} {en} {pinyin_keys(zh)}".lower()


class CodeCombo(QComboBox):
    """A code list's labels (of field `f`, or of the list `codelist`); the first item is blank
    (nothing chosen). `value()` is the chosen code, or the typed text for the service to read or
    refuse."""

    def __init__(self, f: dd.Field | None, books: CodeBook, lang: str, parent: QWidget | None = None, *,
                 codelist: str | None = None) -> None:
        super().__init__(parent)
        self.field = f
        self.books = books
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("", None)
        if codelist is None:
            assert f is not None
            codelist = "yes_no" if f.type == FieldType.BOOL else f.codelist
        assert codelist
        self.codelist = codelist
        for item in books[codelist].active_items():
            self.addItem(item.label(lang), item.code)
            row = self.count() - 1
            self.setItemData(row, f"{item.code} {item.zh} {item.en}", Qt.ItemDataRole.ToolTipRole)
            self.setItemData(row, search_key(item.code, item.zh, item.en), SEARCH_ROLE)
        completer = QCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)  # matched against; the label is what is inserted
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setCurrentIndex(0)

    def matches(self, typed: str) -> list[str]:
        """The labels the popup offers for `typed` (what a user sees while typing)."""
        completer = self.completer()
        assert completer is not None
        completer.setCompletionPrefix(typed)
        model = completer.completionModel()
        return [str(model.index(i, 0).data(Qt.ItemDataRole.DisplayRole)) for i in range(completer.completionCount())]

    def value(self) -> str | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index > 0:
            code = self.itemData(index)
            return str(code) if code is not None else text
        return text  # a code or a label in the other language: the service reads it or refuses it

    def set_value(self, code: str | None) -> None:
        index = self.findData(code) if code is not None else 0
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(code or "")
