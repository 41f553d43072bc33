"""The read-only table model every list of the window starts from: headers, flags, no children."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class ReadOnlyTableModel(QAbstractTableModel):
    """Horizontal headers from `_headers` (their tooltips from `_header_tips`), selectable rows that
    cannot be edited; a subclass gives `rowCount` and `data`."""

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._header_tips: list[str | None] = []

    def set_headers(self, headers: Sequence[str], tips: Sequence[str | None] = ()) -> None:
        self._headers = list(headers)
        self._header_tips = list(tips)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self._header_tips):
            return self._header_tips[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
