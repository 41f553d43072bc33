"""The household list: holds only the ordered ids of a query and pages rows from SQL on demand.

Like Anki's browser table: searching and sorting run in the service (SQL), never in a proxy, so
100,000 members stay smooth; a bounded cache of pages keeps memory flat while scrolling.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from povdesk.domain import groups, values
from povdesk.domain.dictionary import FieldType
from povdesk.domain.records import HouseholdRow
from povdesk.services.facade import Services
from povdesk.services.registry import HouseholdQuery
from povdesk.ui.application import lang_key
from povdesk.ui.tasks import run_in_background

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

PAGE_SIZE = 200
MAX_PAGES = 40  # 8,000 rows cached at most

#: (row attribute, field key, service sort key or None, numeric): the columns of the household
#: list, `groups.HOUSEHOLD_LIST`; the service sorts by each column's name.
COLUMNS: tuple[tuple[str, str, str | None, bool], ...] = tuple(
    (groups.column(k), k, groups.column(k), groups.is_number(k)) for k in groups.HOUSEHOLD_LIST)
_LABELLED = (FieldType.CODE, FieldType.CODES, FieldType.BOOL)


class HouseholdTableModel(QAbstractTableModel):
    """Rows of `RegistryService.household_rows`, for the ids `household_ids(query)` returned."""

    loaded = Signal(int)  # the id list was (re)loaded; carries the row count
    load_failed = Signal(object)

    def __init__(self, *, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._pages: OrderedDict[int, dict[int, HouseholdRow]] = OrderedDict()
        self._matches: dict[int, tuple[str, ...]] = {}  # household -> members the search found it by
        self._query = HouseholdQuery()
        self._generation = 0
        self._codebook = services.db.codebook()
        self._lang = lang_key()
        self.page_fetches = 0  # how many SQL page reads so far (benchmarks, tests)
        self.loading = False  # a query is running; `loaded` or `load_failed` follows

    # ------------------------------------------------------------------ query
    @property
    def query(self) -> HouseholdQuery:
        return self._query

    def load(self, query: HouseholdQuery | None = None, *, background: bool = True) -> None:
        """Run the query (off the GUI thread by default); `loaded` fires when the ids are in."""
        if query is not None:
            self._query = query
        self._generation += 1
        generation = self._generation
        q = self._query
        registry = self._services.registry
        self.loading = True
        if not background:
            self._set_ids(registry.household_ids(q))
            return

        def done(ids: list[int]) -> None:
            if generation == self._generation:  # a newer query superseded this one
                self._set_ids(ids)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                self.load_failed.emit(exc)

        run_in_background(lambda _progress, _cancel: registry.household_ids(q),
                          on_done=done, on_error=failed, parent=self)

    def reload(self) -> None:
        """Same query again (data changed); cached rows are dropped."""
        self.load()

    def _set_ids(self, ids: list[int]) -> None:
        self.loading = False
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        self._pages.clear()
        self._matches.clear()
        self._codebook = self._services.db.codebook()
        self._lang = lang_key()
        self.endResetModel()
        self.loaded.emit(len(ids))

    # ------------------------------------------------------------------ ids and rows
    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    def household_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, household_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {hid: i for i, hid in enumerate(self._ids)}
        return self._row_of.get(household_id)

    def row_record(self, row: int) -> HouseholdRow | None:
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    def _fetch_page(self, page_no: int) -> dict[int, HouseholdRow]:
        ids = self._ids[page_no * PAGE_SIZE:(page_no + 1) * PAGE_SIZE]
        page = {r.id: r for r in self._services.registry.household_rows(ids)}
        if self._query.text.strip():
            self._matches.update(self._services.registry.search_matches(ids, self._query.text))
        self.page_fetches += 1
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def matched(self, household_id: int) -> tuple[str, ...]:
        """The members the search text found this household by, besides the head (loaded pages)."""
        return self._matches.get(household_id, ())

    def refresh_rows(self, household_ids: Sequence[int] | frozenset[int]) -> None:
        """These households changed at another desk: their cached pages are dropped and the view
        reads those rows again (the list's ids stay as they are)."""
        rows = [r for r in (self.row_of(h) for h in household_ids) if r is not None]
        for page_no in {r // PAGE_SIZE for r in rows}:
            self._pages.pop(page_no, None)
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), self.columnCount() - 1))

    def cached_pages(self) -> int:
        return len(self._pages)

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        attr, key, _sort, numeric = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self.household_id(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole):
            return None
        record = self.row_record(index.row())
        if record is None:
            return None
        value = getattr(record, attr)
        disagrees = (key == groups.CURRENT_MEMBERS and record.size is not None
                     and record.size != record.members)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(180, 40, 40) if disagrees else None  # household size disagrees with the members
        if role == Qt.ItemDataRole.ToolTipRole:
            if disagrees:
                return self.tr("Household size says {0}, but {1} current members are listed").format(
                    record.size, record.members)
            return None
        if attr == "head_name" and record.id in self._matches:
            return self.tr("{0} (matched: {1})").format(value or "", "、".join(self._matches[record.id]))
        if value is None or value == "":
            return ""
        f = groups.field(key)
        if f.type in _LABELLED:
            return values.display(f, value, self._lang, self._codebook)
        if f.type == FieldType.MONEY:
            return f"{float(value):,.2f}"
        return str(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            return None
        if not 0 <= section < len(COLUMNS):
            return None
        _attr, key, sort, numeric = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            f = groups.field(key)
            return f.label_with_unit(lang_key()) if f.type == FieldType.MONEY else f.label(lang_key())
        if role == Qt.ItemDataRole.ToolTipRole and sort is None:
            return self.tr("This column cannot be sorted")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: the service orders the ids (SQL), then the table reloads."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][2]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending:
            return
        self.load(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> int:
        for i, (_a, _k, sort, _n) in enumerate(COLUMNS):
            if sort == self._query.sort:
                return i
        return 0
