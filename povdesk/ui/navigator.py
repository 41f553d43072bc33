"""The county → township → village tree with counts, so a clerk narrows the list to one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from povdesk.domain.records import CountyNode

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

KIND_COUNTY = "county"
KIND_TOWNSHIP = "township"
KIND_VILLAGE = "village"


@dataclass
class _Node:
    kind: str
    id: int  # township/village id; 0 for a county
    code: str
    name: str
    households: int
    members: int
    problems: int | None
    synthetic: bool
    parent: int  # index into the node list; -1 for top level
    row: int
    children: list[int] = field(default_factory=list)


class NavigatorModel(QAbstractItemModel):
    """Tree over `RegistryService.navigator()`; the problem column appears when checks exist."""

    COL_NAME, COL_HOUSEHOLDS, COL_MEMBERS, COL_PROBLEMS = range(4)

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._top: list[int] = []
        self._with_problems = False

    # ------------------------------------------------------------------ loading
    def set_tree(self, counties: Sequence[CountyNode], problems: Mapping[int, int] | None = None) -> None:
        """Replace the tree; `problems` is {village_id: open problem count} or None (no column)."""
        self.beginResetModel()
        self._nodes = []
        self._top = []
        self._with_problems = problems is not None
        probs = problems or {}
        for c in counties:
            ci = self._add(_Node(KIND_COUNTY, 0, c.code, c.name, c.households, c.members, None, False,
                                 -1, len(self._top)))
            self._top.append(ci)
            county_problems = 0
            for t in c.townships:
                ti = self._add(_Node(KIND_TOWNSHIP, t.id, t.code, t.name, t.households, t.members, None,
                                     False, ci, len(self._nodes[ci].children)))
                self._nodes[ci].children.append(ti)
                town_problems = 0
                for v in t.villages:
                    count = int(probs.get(v.id, 0))
                    town_problems += count
                    vi = self._add(_Node(KIND_VILLAGE, v.id, v.code, v.name, v.households, v.members,
                                         count, v.synthetic, ti, len(self._nodes[ti].children)))
                    self._nodes[ti].children.append(vi)
                self._nodes[ti].problems = town_problems
                county_problems += town_problems
            self._nodes[ci].problems = county_problems
        self.endResetModel()

    def set_problem_counts(self, problems: Mapping[int, int]) -> None:
        """Fill in the problem column ({village_id: open problems}) of the tree already shown: the
        counts of a million problems arrive after the places, without resetting the tree."""
        if not self._nodes:
            return
        if not self._with_problems:
            self.beginInsertColumns(QModelIndex(), self.COL_PROBLEMS, self.COL_PROBLEMS)
            self._with_problems = True
            self.endInsertColumns()
        for node in self._nodes:
            if node.kind == KIND_VILLAGE:
                node.problems = int(problems.get(node.id, 0))
        for node in self._nodes:  # townships, then counties, from their villages
            if node.kind == KIND_TOWNSHIP:
                node.problems = sum(self._nodes[c].problems or 0 for c in node.children)
        for node in self._nodes:
            if node.kind == KIND_COUNTY:
                node.problems = sum(self._nodes[c].problems or 0 for c in node.children)
        for node in self._nodes:
            if node.children:
                first, last = node.children[0], node.children[-1]
                self.dataChanged.emit(self.createIndex(self._nodes[first].row, self.COL_PROBLEMS, first),
                                      self.createIndex(self._nodes[last].row, self.COL_PROBLEMS, last))
        first, last = self._top[0], self._top[-1]
        self.dataChanged.emit(self.createIndex(self._nodes[first].row, self.COL_PROBLEMS, first),
                              self.createIndex(self._nodes[last].row, self.COL_PROBLEMS, last))

    def _add(self, node: _Node) -> int:
        self._nodes.append(node)
        return len(self._nodes) - 1

    def node(self, index: Index) -> _Node | None:
        if not index.isValid():
            return None
        return self._nodes[index.internalId()]

    def place(self, index: Index) -> tuple[str, int] | None:
        """("township"|"village", id) for that row; None for the whole county."""
        node = self.node(index)
        if node is None or node.kind == KIND_COUNTY:
            return None
        return node.kind, node.id

    def index_of(self, kind: str, node_id: int) -> QModelIndex:
        for i, n in enumerate(self._nodes):
            if n.kind == kind and n.id == node_id:
                return self.createIndex(n.row, 0, i)
        return QModelIndex()

    def has_problem_column(self) -> bool:
        return self._with_problems

    # ------------------------------------------------------------------ Qt model
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if row < 0 or column < 0 or column >= self.columnCount(parent):
            return QModelIndex()
        children = self._children(parent)
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    # the model's parent(index) overloads QObject.parent(); the stubs give one signature per class
    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self._nodes[index.internalId()]
        if node.parent < 0:
            return QModelIndex()
        return self.createIndex(self._nodes[node.parent].row, 0, node.parent)

    def _children(self, parent: Index) -> list[int]:
        if not parent.isValid():
            return self._top
        return self._nodes[parent.internalId()].children

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 4 if self._with_problems else 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self.node(index)
        if node is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NAME:
                return node.name
            if col == self.COL_HOUSEHOLDS:
                return f"{node.households:,}"
            if col == self.COL_MEMBERS:
                return f"{node.members:,}"
            if col == self.COL_PROBLEMS:
                return f"{node.problems:,}" if node.problems else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and col != self.COL_NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.COL_NAME:
            tip = f"{node.name} ({node.code})"
            if node.synthetic:
                tip += "\n" + self.tr("Invented village of the demo county")
            return tip
        if role == Qt.ItemDataRole.FontRole and node.kind == KIND_COUNTY:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_PROBLEMS and node.problems:
            return QColor(180, 40, 40)
        if role == Qt.ItemDataRole.UserRole:
            return (node.kind, node.id)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                self.COL_NAME: self.tr("Place"),
                self.COL_HOUSEHOLDS: self.tr("Households"),
                self.COL_MEMBERS: self.tr("Members"),
                self.COL_PROBLEMS: self.tr("Open problems"),
            }.get(section)
        if role == Qt.ItemDataRole.TextAlignmentRole and section != self.COL_NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def load_problem_counts(model: NavigatorModel, services: Any, *, parent: QObject) -> None:
    """Count the open problems per village off the GUI thread and fill them into `model`."""
    from povdesk.ui.messages import show_error
    from povdesk.ui.tasks import run_in_background

    checks = services.checks
    run_in_background(lambda _progress, _cancel: checks.open_problem_counts(), parent=parent,
                      on_done=model.set_problem_counts,
                      on_error=lambda exc: show_error(parent if isinstance(parent, QWidget) else None, exc))
